package app.switchboard.console;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventPayload;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The console's model of one call, rebuilt from its {@link CallEvent}s: what the call list shows
 * (caller, state, language, duration, last latency, attention as raised by the call model's
 * ATTENTION events) and what the detail shows (the
 * conversation, latency per turn, the AI's draft while the supervisor holds the call).
 *
 * <p>Plain JavaFX properties and lists, no controls: fed on the FX thread by {@link CallBoard}
 * one batch per frame, and by plain JUnit in tests. Events at or below the last applied
 * {@code seq} are ignored, so history and live events may overlap.
 */
public final class LiveCall {

    static final int LATENCY_TURNS = 12;
    static final int MAX_ENTRIES = 2000;

    private final String callId;
    private final ReadOnlyStringWrapper caller = new ReadOnlyStringWrapper(this, "caller", "");
    private final ReadOnlyStringWrapper callee = new ReadOnlyStringWrapper(this, "callee", "");
    private final ReadOnlyObjectWrapper<CallState> state = new ReadOnlyObjectWrapper<>(this, "state", CallState.GREETING);
    private final ReadOnlyStringWrapper stateLabel = new ReadOnlyStringWrapper(this, "stateLabel", CallState.GREETING.label());
    private final ReadOnlyStringWrapper language = new ReadOnlyStringWrapper(this, "language", "");
    private final ReadOnlyStringWrapper durationText = new ReadOnlyStringWrapper(this, "durationText", "0:00");
    private final ReadOnlyStringWrapper latencyText = new ReadOnlyStringWrapper(this, "latencyText", "");
    private final ReadOnlyBooleanWrapper attention = new ReadOnlyBooleanWrapper(this, "attention", false);
    private final ReadOnlyStringWrapper attentionText = new ReadOnlyStringWrapper(this, "attentionText", "");
    private final ReadOnlyBooleanWrapper ended = new ReadOnlyBooleanWrapper(this, "ended", false);
    private final ReadOnlyBooleanWrapper supervisorHolds = new ReadOnlyBooleanWrapper(this, "supervisorHolds", false);
    private final ReadOnlyObjectWrapper<Instant> startedAt = new ReadOnlyObjectWrapper<>(this, "startedAt");
    /** The AI's draft reply while the supervisor holds the call; the supervisor may edit it. */
    private final StringProperty draft = new SimpleStringProperty(this, "draft", "");
    private final ObservableList<ConversationEntry> entries = FXCollections.observableArrayList();
    private final ObservableList<ConversationEntry> entriesView = FXCollections.unmodifiableObservableList(entries);
    private final ObservableList<TurnLatency> latencies = FXCollections.observableArrayList();
    private final ObservableList<TurnLatency> latenciesView = FXCollections.unmodifiableObservableList(latencies);

    /** Attention reasons raised by the call model (ATTENTION events), in order, once each. */
    private final Map<String, String> attentionReasons = new LinkedHashMap<>();
    private final Map<Long, ConversationEntry> answers = new HashMap<>();
    private final Set<ConversationEntry> growing = new LinkedHashSet<>();
    private ConversationEntry openPartial;
    private long lastSeq;
    private Instant endedAt;
    private long draftTurn = -1;
    private final StringBuilder draftBuffer = new StringBuilder();
    /** What the AI last put in the draft box; when the box differs, the supervisor has edited it. */
    private String draftShown = "";
    private boolean draftDirty;

    public LiveCall(String callId) {
        this.callId = callId;
    }

    /** A call known from the registry's list before any of its events were applied. */
    static LiveCall fromSummary(CallSummary summary) {
        LiveCall call = new LiveCall(summary.callId());
        call.caller.set(orEmpty(summary.from()));
        call.callee.set(orEmpty(summary.to()));
        call.language.set(orEmpty(summary.language()));
        call.startedAt.set(summary.startedAt());
        call.setState(summary.state());
        return call;
    }

    // ---- read side ----

    public String callId() {
        return callId;
    }

    public ReadOnlyStringProperty callerProperty() {
        return caller.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty calleeProperty() {
        return callee.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<CallState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public CallState state() {
        return state.get();
    }

    public ReadOnlyStringProperty stateLabelProperty() {
        return stateLabel.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty languageProperty() {
        return language.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty durationTextProperty() {
        return durationText.getReadOnlyProperty();
    }

    /** Last answered turn: "320 ms" to the first token. */
    public ReadOnlyStringProperty latencyTextProperty() {
        return latencyText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty attentionProperty() {
        return attention.getReadOnlyProperty();
    }

    public boolean needsAttention() {
        return attention.get();
    }

    /** The attention reasons, joined for a badge's tooltip. */
    public ReadOnlyStringProperty attentionTextProperty() {
        return attentionText.getReadOnlyProperty();
    }

    public List<String> attentionReasons() {
        return List.copyOf(attentionReasons.values());
    }

    public ReadOnlyBooleanProperty endedProperty() {
        return ended.getReadOnlyProperty();
    }

    public boolean isEnded() {
        return ended.get();
    }

    public ReadOnlyBooleanProperty supervisorHoldsProperty() {
        return supervisorHolds.getReadOnlyProperty();
    }

    public boolean supervisorHolds() {
        return supervisorHolds.get();
    }

    public ReadOnlyObjectProperty<Instant> startedAtProperty() {
        return startedAt.getReadOnlyProperty();
    }

    public Instant startedAt() {
        return startedAt.get();
    }

    public StringProperty draftProperty() {
        return draft;
    }

    public ObservableList<ConversationEntry> entries() {
        return entriesView;
    }

    /** The last {@value #LATENCY_TURNS} answered turns, oldest first. */
    public ObservableList<TurnLatency> latencies() {
        return latenciesView;
    }

    long lastSeq() {
        return lastSeq;
    }

    // ---- write side (FX thread, or a test) ----

    /** Applies events in order, then publishes the text they grew; one call per frame. */
    public void applyAll(List<CallEvent> events) {
        for (CallEvent event : events) {
            apply(event);
        }
        flush();
    }

    /** Applies one event; growing text is published by {@link #flush}. */
    void apply(CallEvent event) {
        if (event.seq() <= lastSeq) {
            return;
        }
        lastSeq = event.seq();
        if (startedAt.get() == null) {
            startedAt.set(event.time());
        }
        EventPayload p = event.payload();
        if (p instanceof EventPayload.Setup setup) {
            caller.set(orEmpty(setup.from()));
            callee.set(orEmpty(setup.to()));
            add(ConversationEntry.Kind.NOTE, event, "Relay", "Call from " + display(setup.from())
                    + " to " + display(setup.to()));
        } else if (p instanceof EventPayload.SessionStarted started) {
            if (started.resumed()) {
                add(ConversationEntry.Kind.NOTE, event, "Relay", "Relay session " + started.session() + " reconnected");
            }
        } else if (p instanceof EventPayload.StateChanged changed) {
            setState(changed.to());
        } else if (p instanceof EventPayload.PromptPartial partial) {
            if (openPartial == null) {
                openPartial = add(ConversationEntry.Kind.CALLER, event, "Caller", "");
                openPartial.setPartial(true);
            }
            openPartial.replace(partial.text());
            growing.add(openPartial);
        } else if (p instanceof EventPayload.Prompt prompt) {
            ConversationEntry entry = openPartial != null ? openPartial
                    : add(ConversationEntry.Kind.CALLER, event, "Caller", "");
            openPartial = null;
            entry.replace(prompt.text());
            entry.setPartial(false);
            growing.add(entry);
            if (prompt.lang() != null && !prompt.lang().isBlank()) {
                language.set(prompt.lang());
            }
        } else if (p instanceof EventPayload.Dtmf dtmf) {
            add(ConversationEntry.Kind.DTMF, event, "Caller", "pressed " + dtmf.digit());
        } else if (p instanceof EventPayload.Interrupt interrupt) {
            add(ConversationEntry.Kind.NOTE, event, "Caller", "barged in"
                    + (interrupt.durationUntilInterruptMs() != null
                    ? " after " + interrupt.durationUntilInterruptMs() + " ms of speech" : ""));
        } else if (p instanceof EventPayload.TurnStarted started) {
            if (started.draft()) {
                startDraft(started.turn());
            } else {
                answerFor(started.turn(), event);
            }
        } else if (p instanceof EventPayload.AgentToken token) {
            ConversationEntry answer = answerFor(token.turn(), event);
            answer.append(orEmpty(token.token()));
            growing.add(answer);
        } else if (p instanceof EventPayload.TurnCompleted completed) {
            ConversationEntry answer = answerFor(completed.turn(), event);
            answer.replace(completed.text());
            answer.setStreaming(false);
            growing.add(answer);
        } else if (p instanceof EventPayload.TurnInterrupted cut) {
            ConversationEntry answer = answerFor(cut.turn(), event);
            answer.replace(cut.heard());
            answer.setUnheard(cut.unheard());
            answer.setDetail("cut: " + orEmpty(cut.reason()));
            answer.setStreaming(false);
            growing.add(answer);
        } else if (p instanceof EventPayload.DraftToken token) {
            if (token.turn() != draftTurn) {
                startDraft(token.turn());
            }
            draftBuffer.append(orEmpty(token.token()));
            draftDirty = true;
        } else if (p instanceof EventPayload.DraftReady ready) {
            if (ready.turn() != draftTurn) {
                startDraft(ready.turn());
            }
            draftBuffer.setLength(0);
            draftBuffer.append(orEmpty(ready.text()));
            draftDirty = true;
            add(ConversationEntry.Kind.NOTE, event, "AI", "drafted a reply for the supervisor");
        } else if (p instanceof EventPayload.ToolCall call) {
            add(ConversationEntry.Kind.TOOL, event, "Tool", describeTool(call));
        } else if (p instanceof EventPayload.Fault fault) {
            ConversationEntry entry = add(ConversationEntry.Kind.ERROR, event, "Fault", orEmpty(fault.reason()));
            if (Boolean.TRUE.equals(fault.retry())) {
                entry.setDetail("retrying once");
                return;
            }
            if (fault.fallback() != null) {
                entry.setDetail("caller heard: \u201c" + fault.fallback() + "\u201d");
            }
            // A failed turn streams no more; close its answer line.
            ConversationEntry answer = answers.get(fault.turn());
            if (answer != null && answer.isStreaming()) {
                answer.setStreaming(false);
                answer.setDetail("failed");
            }
        } else if (p instanceof EventPayload.GuardTripped guard) {
            ConversationEntry entry = add(ConversationEntry.Kind.ERROR, event, "Guard",
                    "answer stopped: " + orEmpty(guard.reason()));
            if (guard.said() != null) {
                entry.setDetail("caller heard: \u201c" + guard.said() + "\u201d");
            }
            ConversationEntry answer = answers.get(guard.turn());
            if (answer != null && answer.isStreaming()) {
                answer.setStreaming(false);
            }
        } else if (p instanceof EventPayload.TwilioError error) {
            add(ConversationEntry.Kind.ERROR, event, "Twilio", orEmpty(error.description()));
        } else if (p instanceof EventPayload.MalformedFrame malformed) {
            add(ConversationEntry.Kind.ERROR, event, "Relay", "malformed frame: " + orEmpty(malformed.reason()));
        } else if (p instanceof EventPayload.UnknownMessage unknown) {
            add(ConversationEntry.Kind.NOTE, event, "Relay", "unknown message type \u201c" + orEmpty(unknown.type()) + "\u201d kept");
        } else if (p instanceof EventPayload.FrameTooLarge large) {
            add(ConversationEntry.Kind.ERROR, event, "Relay", "frame over the limit of " + large.limit()
                    + " bytes; socket closed" + (large.detail() == null ? "" : " (" + large.detail() + ")"));
        } else if (p instanceof EventPayload.SendFailed failed) {
            add(ConversationEntry.Kind.ERROR, event, "Relay", "could not send " + orEmpty(failed.type())
                    + ": " + orEmpty(failed.reason()));
        } else if (p instanceof EventPayload.Latency latency) {
            addLatency(latency);
        } else if (p instanceof EventPayload.SupervisorSay say) {
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", orEmpty(say.text()));
        } else if (p instanceof EventPayload.SupervisorInterrupt) {
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "interrupted the AI");
        } else if (p instanceof EventPayload.SupervisorTakeover) {
            supervisorHolds.set(true);
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "took over the call; the AI only drafts");
        } else if (p instanceof EventPayload.SupervisorRelease) {
            supervisorHolds.set(false);
            startDraft(-1);
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "handed the call back to the AI");
        } else if (p instanceof EventPayload.SupervisorWhisper whisper) {
            add(ConversationEntry.Kind.WHISPER, event, "Whisper", orEmpty(whisper.text()));
        } else if (p instanceof EventPayload.SupervisorLanguage switched) {
            String tts = switched.ttsLanguage();
            String stt = switched.transcriptionLanguage();
            if (tts != null) {
                language.set(tts);
            }
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "switched language to "
                    + (tts != null ? "speech " + tts : "") + (tts != null && stt != null ? ", " : "")
                    + (stt != null ? "transcription " + stt : ""));
        } else if (p instanceof EventPayload.SupervisorEnd end) {
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "ended the call"
                    + (end.handToHuman() ? " and handed it to a human" : "")
                    + " \u2014 " + orEmpty(end.reason()));
        } else if (p instanceof EventPayload.AttentionRaised raised) {
            String label = raised.label() != null ? raised.label() : orEmpty(raised.reason());
            String key = raised.reason() != null ? raised.reason() : label;
            if (attentionReasons.putIfAbsent(key, label) == null) {
                attentionText.set(String.join("; ", attentionReasons.values()));
                updateAttention();
            }
            add(ConversationEntry.Kind.ATTENTION, event, "Attention", label);
        } else if (p instanceof EventPayload.ActionCallback action) {
            String errorCode = action.field("ErrorCode");
            add(ConversationEntry.Kind.NOTE, event, "Twilio", "session " + orEmpty(action.field("SessionStatus"))
                    + (errorCode != null ? " (error " + errorCode + ")" : "")
                    + " \u2192 " + orEmpty(action.outcome()));
        } else if (p instanceof EventPayload.SessionClosed closed) {
            add(ConversationEntry.Kind.NOTE, event, "Relay", "socket closed (" + closed.code()
                    + (closed.reason() == null || closed.reason().isBlank() ? "" : ", " + closed.reason()) + ")");
        } else if (p instanceof EventPayload.CallEnded callEnded) {
            endedAt = event.time();
            ended.set(true);
            setState(CallState.ENDED);
            supervisorHolds.set(false);
            answers.values().forEach(a -> a.setStreaming(false));
            add(ConversationEntry.Kind.NOTE, event, "Call", "ended: " + orEmpty(callEnded.reason()));
            updateAttention();
            tick(event.time());
        } else if (p instanceof EventPayload.Unreadable unreadable) {
            add(ConversationEntry.Kind.ERROR, event, "Store", "unreadable " + unreadable.storedKind() + " event: "
                    + orEmpty(unreadable.problem()));
        }
        // INFO and FRAME_SENT are wire-level detail: in the event log, not in the conversation.
    }

    /** Publishes text grown since the last flush (answers, partials, the draft). */
    public void flush() {
        for (ConversationEntry entry : growing) {
            entry.flush();
        }
        growing.clear();
        if (draftDirty) {
            draftDirty = false;
            String next = draftBuffer.toString();
            // Only overwrite what the AI wrote itself; never the supervisor's edits.
            if (draft.get().equals(draftShown)) {
                draft.set(next);
            }
            draftShown = next;
        }
    }

    /** Updates the ticking duration; called about once a second. */
    public void tick(Instant now) {
        Instant start = startedAt.get();
        if (start == null) {
            return;
        }
        Instant end = endedAt != null ? endedAt : now;
        long seconds = Math.max(0, Duration.between(start, end).getSeconds());
        String text = seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
        if (!text.equals(durationText.get())) {
            durationText.set(text);
        }
    }

    /** The supervisor sent the draft (or cleared it): the box starts empty for the next one. */
    void clearDraft() {
        draft.set("");
        draftShown = "";
    }

    private void startDraft(long turn) {
        draftTurn = turn;
        draftBuffer.setLength(0);
        draftDirty = true;
    }

    private ConversationEntry answerFor(long turn, CallEvent event) {
        ConversationEntry answer = answers.get(turn);
        if (answer == null) {
            answer = add(ConversationEntry.Kind.AI, event, "AI", "");
            answer.setStreaming(true);
            answers.put(turn, answer);
        }
        return answer;
    }

    private ConversationEntry add(ConversationEntry.Kind kind, CallEvent event, String speaker, String text) {
        ConversationEntry entry = new ConversationEntry(kind, event.time(), speaker, text);
        entries.add(entry);
        if (entries.size() > MAX_ENTRIES) {
            // A very long call keeps its newest lines; the full record stays in the event log.
            entries.remove(0, entries.size() - MAX_ENTRIES);
        }
        return entry;
    }

    private void addLatency(EventPayload.Latency marks) {
        TurnLatency latency = new TurnLatency(marks.turn(), marks.requestMs(), marks.firstTokenMs(),
                marks.firstFrameMs(), marks.lastTokenMs());
        latencies.add(latency);
        if (latencies.size() > LATENCY_TURNS) {
            latencies.remove(0, latencies.size() - LATENCY_TURNS);
        }
        latencyText.set(Math.round(latency.toFirstToken()) + " ms");
    }

    private void setState(CallState value) {
        if (value == null) {
            return;
        }
        state.set(value);
        stateLabel.set(value.label());
    }

    private void updateAttention() {
        attention.set(!attentionReasons.isEmpty() && !ended.get());
    }

    private static String describeTool(EventPayload.ToolCall call) {
        StringBuilder text = new StringBuilder(call.name() == null ? "tool call" : call.name());
        text.append('(').append(call.arguments() == null ? "" : call.arguments()).append(')');
        if (call.outcome() != null) {
            text.append(" \u2192 ").append(call.outcome());
        }
        if (call.detail() != null && !call.detail().isBlank()) {
            text.append(": ").append(call.detail());
        }
        return text.toString();
    }

    private static String display(String number) {
        return number == null || number.isBlank() ? "unknown" : number;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public String toString() {
        return "LiveCall[" + callId + " " + caller.get() + " " + state.get() + "]";
    }
}
