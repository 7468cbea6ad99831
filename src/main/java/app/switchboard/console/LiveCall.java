package app.switchboard.console;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
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
        EventKind kind = event.kind();
        switch (kind) {
            case SETUP:
                caller.set(orEmpty(event.text("from")));
                callee.set(orEmpty(event.text("to")));
                add(ConversationEntry.Kind.NOTE, event, "Relay", "Call from " + display(event.text("from"))
                        + " to " + display(event.text("to")));
                break;
            case SESSION_STARTED:
                if (event.flag("resumed")) {
                    add(ConversationEntry.Kind.NOTE, event, "Relay", "Relay session " + event.text("session") + " reconnected");
                }
                break;
            case STATE_CHANGED:
                setState(parseState(event.text("to")));
                break;
            case PROMPT_PARTIAL:
                if (openPartial == null) {
                    openPartial = add(ConversationEntry.Kind.CALLER, event, "Caller", "");
                    openPartial.setPartial(true);
                }
                openPartial.replace(event.text("text"));
                growing.add(openPartial);
                break;
            case PROMPT: {
                ConversationEntry entry = openPartial != null ? openPartial
                        : add(ConversationEntry.Kind.CALLER, event, "Caller", "");
                openPartial = null;
                entry.replace(event.text("text"));
                entry.setPartial(false);
                growing.add(entry);
                String lang = event.text("lang");
                if (lang != null && !lang.isBlank()) {
                    language.set(lang);
                }
                break;
            }
            case DTMF:
                add(ConversationEntry.Kind.DTMF, event, "Caller", "pressed " + event.text("digit"));
                break;
            case INTERRUPT:
                add(ConversationEntry.Kind.NOTE, event, "Caller", "barged in"
                        + (event.fields().containsKey("durationUntilInterruptMs")
                        ? " after " + event.number("durationUntilInterruptMs", 0) + " ms of speech" : ""));
                break;
            case TURN_STARTED:
                if (event.flag("draft")) {
                    startDraft(event.number("turn", -1));
                } else {
                    answerFor(event.number("turn", -1), event);
                }
                break;
            case AGENT_TOKEN: {
                ConversationEntry answer = answerFor(event.number("turn", -1), event);
                answer.append(orEmpty(event.text("token")));
                growing.add(answer);
                break;
            }
            case TURN_COMPLETED: {
                ConversationEntry answer = answerFor(event.number("turn", -1), event);
                answer.replace(event.text("text"));
                answer.setStreaming(false);
                growing.add(answer);
                break;
            }
            case TURN_INTERRUPTED: {
                ConversationEntry answer = answerFor(event.number("turn", -1), event);
                answer.replace(event.text("heard"));
                answer.setUnheard(event.text("unheard"));
                answer.setDetail("cut: " + orEmpty(event.text("reason")));
                answer.setStreaming(false);
                growing.add(answer);
                break;
            }
            case DRAFT_TOKEN:
                if (event.number("turn", -1) != draftTurn) {
                    startDraft(event.number("turn", -1));
                }
                draftBuffer.append(orEmpty(event.text("token")));
                draftDirty = true;
                break;
            case DRAFT_READY:
                if (event.number("turn", -1) != draftTurn) {
                    startDraft(event.number("turn", -1));
                }
                draftBuffer.setLength(0);
                draftBuffer.append(orEmpty(event.text("text")));
                draftDirty = true;
                add(ConversationEntry.Kind.NOTE, event, "AI", "drafted a reply for the supervisor");
                break;
            case TOOL_CALL:
                add(ConversationEntry.Kind.TOOL, event, "Tool", describeTool(event));
                break;
            case FAULT: {
                ConversationEntry entry = add(ConversationEntry.Kind.ERROR, event, "Fault", orEmpty(event.text("reason")));
                if (event.flag("retry")) {
                    entry.setDetail("retrying once");
                    break;
                }
                if (event.text("fallback") != null) {
                    entry.setDetail("caller heard: \u201c" + event.text("fallback") + "\u201d");
                }
                // A failed turn streams no more; close its answer line.
                ConversationEntry answer = answers.get(event.number("turn", -1));
                if (answer != null && answer.isStreaming()) {
                    answer.setStreaming(false);
                    answer.setDetail("failed");
                }
                break;
            }
            case GUARD_TRIPPED: {
                ConversationEntry entry = add(ConversationEntry.Kind.ERROR, event, "Guard",
                        "answer stopped: " + orEmpty(event.text("reason")));
                if (event.text("said") != null) {
                    entry.setDetail("caller heard: \u201c" + event.text("said") + "\u201d");
                }
                ConversationEntry answer = answers.get(event.number("turn", -1));
                if (answer != null && answer.isStreaming()) {
                    answer.setStreaming(false);
                }
                break;
            }
            case TWILIO_ERROR:
                add(ConversationEntry.Kind.ERROR, event, "Twilio", orEmpty(event.text("description")));
                break;
            case MALFORMED_FRAME:
                add(ConversationEntry.Kind.ERROR, event, "Relay", "malformed frame: " + orEmpty(event.text("reason")));
                break;
            case UNKNOWN_MESSAGE:
                add(ConversationEntry.Kind.NOTE, event, "Relay", "unknown message type \u201c" + orEmpty(event.text("type")) + "\u201d kept");
                break;
            case FRAME_TOO_LARGE:
                add(ConversationEntry.Kind.ERROR, event, "Relay", "frame over the limit of " + event.text("limit")
                        + " bytes; socket closed" + (event.text("detail") == null ? "" : " (" + event.text("detail") + ")"));
                break;
            case SEND_FAILED:
                add(ConversationEntry.Kind.ERROR, event, "Relay", "could not send " + orEmpty(event.text("type"))
                        + ": " + orEmpty(event.text("reason")));
                break;
            case LATENCY:
                addLatency(event);
                break;
            case SUPERVISOR_SAY:
                add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", orEmpty(event.text("text")));
                break;
            case SUPERVISOR_INTERRUPT:
                add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "interrupted the AI");
                break;
            case SUPERVISOR_TAKEOVER:
                supervisorHolds.set(true);
                add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "took over the call; the AI only drafts");
                break;
            case SUPERVISOR_RELEASE:
                supervisorHolds.set(false);
                startDraft(-1);
                add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "handed the call back to the AI");
                break;
            case SUPERVISOR_WHISPER:
                add(ConversationEntry.Kind.WHISPER, event, "Whisper", orEmpty(event.text("text")));
                break;
            case SUPERVISOR_LANGUAGE: {
                String tts = event.text("ttsLanguage");
                String stt = event.text("transcriptionLanguage");
                if (tts != null) {
                    language.set(tts);
                }
                add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "switched language to "
                        + (tts != null ? "speech " + tts : "") + (tts != null && stt != null ? ", " : "")
                        + (stt != null ? "transcription " + stt : ""));
                break;
            }
            case SUPERVISOR_END:
                add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "ended the call"
                        + (event.flag("handToHuman") ? " and handed it to a human" : "")
                        + " \u2014 " + orEmpty(event.text("reason")));
                break;
            case ATTENTION: {
                String label = event.text("label") != null ? event.text("label") : orEmpty(event.text("reason"));
                String key = event.text("reason") != null ? event.text("reason") : label;
                if (attentionReasons.putIfAbsent(key, label) == null) {
                    attentionText.set(String.join("; ", attentionReasons.values()));
                    updateAttention();
                }
                add(ConversationEntry.Kind.ATTENTION, event, "Attention", label);
                break;
            }
            case ACTION_CALLBACK:
                add(ConversationEntry.Kind.NOTE, event, "Twilio", "session " + orEmpty(event.text("SessionStatus"))
                        + (event.text("ErrorCode") != null ? " (error " + event.text("ErrorCode") + ")" : "")
                        + " \u2192 " + orEmpty(event.text("outcome")));
                break;
            case SESSION_CLOSED:
                add(ConversationEntry.Kind.NOTE, event, "Relay", "socket closed (" + event.text("code")
                        + (event.text("reason") == null || event.text("reason").isBlank() ? "" : ", " + event.text("reason")) + ")");
                break;
            case CALL_ENDED:
                endedAt = event.time();
                ended.set(true);
                setState(CallState.ENDED);
                supervisorHolds.set(false);
                answers.values().forEach(a -> a.setStreaming(false));
                add(ConversationEntry.Kind.NOTE, event, "Call", "ended: " + orEmpty(event.text("reason")));
                updateAttention();
                tick(event.time());
                break;
            case INFO:
            case FRAME_SENT:
            default:
                // Wire-level detail: in the event log, not in the conversation.
                break;
        }
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

    private void addLatency(CallEvent event) {
        TurnLatency latency = new TurnLatency(event.number("turn", 0), decimal(event, "requestMs"),
                optionalDecimal(event, "firstTokenMs"), optionalDecimal(event, "firstFrameMs"), decimal(event, "lastTokenMs"));
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

    private static CallState parseState(String name) {
        try {
            return name == null ? null : CallState.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String describeTool(CallEvent event) {
        String name = event.text("name");
        StringBuilder text = new StringBuilder(name == null ? "tool call" : name);
        text.append('(').append(event.text("arguments") == null ? "" : event.text("arguments")).append(')');
        String outcome = event.text("outcome");
        if (outcome != null) {
            text.append(" \u2192 ").append(outcome);
        }
        String detail = event.text("detail");
        if (detail != null && !detail.isBlank()) {
            text.append(": ").append(detail);
        }
        return text.toString();
    }

    private static double decimal(CallEvent event, String field) {
        Double value = optionalDecimal(event, field);
        return value == null ? 0 : value;
    }

    private static Double optionalDecimal(CallEvent event, String field) {
        Object value = event.fields().get(field);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value != null) {
            try {
                return Double.parseDouble(value.toString());
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        return null;
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
