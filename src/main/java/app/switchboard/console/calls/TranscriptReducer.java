package app.switchboard.console.calls;

import app.switchboard.call.AlertRule;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.Disposition;
import app.switchboard.call.EventPayload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one call's {@link CallEvent}s, applied in {@code seq} order, into its transcript
 * ({@link TranscriptEntry} lines) and its facts: caller, state, language, attention reasons,
 * answers per turn with what the caller heard, the AI's draft, latencies, the end.
 *
 * <p>Plain Java, no JavaFX: {@link LiveCall} drives it on the FX thread and mirrors what the
 * {@link Listener} reports into properties once per frame; the history rebuild and tests can use
 * it without the toolkit. Events at or below the last applied {@code seq} are ignored, so history
 * and live events may overlap. Not thread-safe: one thread applies.
 *
 * <p>Over 400 lines because {@code reduce} is one dispatch over every event kind with the line
 * each one writes; kept whole so an event's effect on the transcript is read in one place.
 */
public final class TranscriptReducer {

    /**
     * What changed, reported while {@link #apply} runs: each added line at once, then, at the end
     * of the event, the facts, the lines it changed, a new latency and the draft.
     */
    public interface Listener {
        /** A line was appended; its text may still grow. */
        void entryAdded(TranscriptEntry entry);

        /** The oldest lines fell off the front of a very long call. */
        void entriesDropped(List<TranscriptEntry> dropped);

        /** A line's text or flags changed (an answer grew, was cut, stopped streaming). */
        void entryChanged(TranscriptEntry entry);

        /** Caller, callee, state, language, attention, supervisor hold, start or end changed. */
        void factsChanged();

        /** An answered turn's latency marks arrived. */
        void latencyAdded(TurnLatency latency);

        /** The AI's draft text changed (grew, was replaced, or was restarted empty). */
        void draftChanged();
    }

    static final int LATENCY_TURNS = 12;
    static final int MAX_ENTRIES = 2000;

    private final Listener listener;
    private final List<TranscriptEntry> entries = new ArrayList<>();
    private final List<TurnLatency> latencies = new ArrayList<>();
    /** Attention reasons raised by the call model (ATTENTION events), in order, once each. */
    private final Map<String, String> attentionReasons = new LinkedHashMap<>();
    /** Unacknowledged ALERT events: seq → "⚠ warning: reason". */
    private final Map<Long, String> openAlerts = new LinkedHashMap<>();
    private final Map<Long, AlertRule.Severity> openSeverities = new HashMap<>();
    private final Map<Long, TranscriptEntry> answers = new HashMap<>();
    /** Lines the current event changed, reported at its end. */
    private final Set<TranscriptEntry> touched = new LinkedHashSet<>();
    private String caller = "";
    private String callee = "";
    private CallState state = CallState.GREETING;
    private String language = "";
    private Instant startedAt;
    private Instant endedAt;
    private boolean ended;
    private boolean supervisorHolds;
    /** The supervisor's barge-in choice for the call; null while the TwiML's own setting applies. */
    private Boolean interruptible;
    /** The post-call summary and its disposition's words; empty until the SUMMARY event. */
    private String summaryText = "";
    private String dispositionLabel = "";
    private TranscriptEntry openPartial;
    private long lastSeq;
    private long firstSeq;
    /** Lines fell off the front of a very long call: what lies before the first line is only in the store. */
    private boolean linesDropped;
    private long draftTurn = -1;
    private final StringBuilder draftBuffer = new StringBuilder();
    private boolean factsChanged;
    private boolean draftChanged;
    private TurnLatency newLatency;

    public TranscriptReducer(Listener listener) {
        this.listener = listener;
    }

    /** A reducer whose caller only reads the result (history, tests). */
    public TranscriptReducer() {
        this(null);
    }

    /** Seeds the facts of a call known from the registry's list before any of its events. */
    void seed(CallSummary summary) {
        caller = orEmpty(summary.from());
        callee = orEmpty(summary.to());
        language = orEmpty(summary.language());
        startedAt = summary.startedAt();
        setState(summary.state());
        factsChanged = true;
        report();
    }

    // ---- read side ----

    /** The transcript, oldest first; a very long call keeps its newest {@value #MAX_ENTRIES} lines. */
    public List<TranscriptEntry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /**
     * The seq before which this transcript shows nothing: the first event applied (a live call's
     * window may start after seq 1), or the first line's once lines fell off the front; 0 before
     * any event. The store has what lies before it.
     */
    public long earliestShownSeq() {
        return linesDropped && !entries.isEmpty() ? entries.get(0).seq() : firstSeq;
    }

    /** The lines {@code events} make on their own: an older page of a call, read back from the store. */
    public static List<TranscriptEntry> transcriptOf(List<CallEvent> events) {
        TranscriptReducer page = new TranscriptReducer();
        events.forEach(page::apply);
        return page.entries;
    }

    /** The last {@value #LATENCY_TURNS} answered turns, oldest first. */
    public List<TurnLatency> latencies() {
        return Collections.unmodifiableList(latencies);
    }

    public String caller() {
        return caller;
    }

    public String callee() {
        return callee;
    }

    public CallState state() {
        return state;
    }

    public String language() {
        return language;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** When the call ended, or null while it runs. */
    public Instant endedAt() {
        return endedAt;
    }

    public boolean isEnded() {
        return ended;
    }

    public boolean supervisorHolds() {
        return supervisorHolds;
    }

    /** Whether the caller may interrupt the AI, as the supervisor last set it; null: as the TwiML says. */
    public Boolean interruptible() {
        return interruptible;
    }

    /** Attention is wanted while a reason is raised and the call still runs. */
    public boolean needsAttention() {
        return !attentionReasons.isEmpty() && !ended;
    }

    public List<String> attentionReasons() {
        return List.copyOf(attentionReasons.values());
    }

    /** The call's unacknowledged alerts in words ("⚠ warning: caller said “manager”"), oldest first. */
    public List<String> openAlerts() {
        return List.copyOf(openAlerts.values());
    }

    /** The most urgent severity among the open alerts, or null when none is open. */
    public AlertRule.Severity openAlertSeverity() {
        return openSeverities.values().stream().max(java.util.Comparator.naturalOrder()).orElse(null);
    }

    /** The post-call summary, empty until it is written (after the end). */
    public String summary() {
        return summaryText;
    }

    /** "resolved", "handed to a human", "caller hung up", "fault"; empty until the summary. */
    public String disposition() {
        return dispositionLabel;
    }

    /** The AI's current draft reply, as it wrote it. */
    public String draft() {
        return draftBuffer.toString();
    }

    public long lastSeq() {
        return lastSeq;
    }

    // ---- write side ----

    /** Applies one event, then reports what it changed. */
    public void apply(CallEvent event) {
        if (event.seq() <= lastSeq) {
            return;
        }
        lastSeq = event.seq();
        if (firstSeq == 0) {
            firstSeq = event.seq();
        }
        if (startedAt == null) {
            startedAt = event.time();
            factsChanged = true;
        }
        reduce(event);
        report();
    }

    private void reduce(CallEvent event) {
        EventPayload p = event.payload();
        if (p instanceof EventPayload.Setup setup) {
            caller = orEmpty(setup.from());
            callee = orEmpty(setup.to());
            factsChanged = true;
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
            touched.add(openPartial);
        } else if (p instanceof EventPayload.Prompt prompt) {
            TranscriptEntry entry = openPartial != null ? openPartial
                    : add(ConversationEntry.Kind.CALLER, event, "Caller", "");
            openPartial = null;
            entry.replace(prompt.text());
            entry.setPartial(false);
            touched.add(entry);
            if (prompt.lang() != null && !prompt.lang().isBlank()) {
                language = prompt.lang();
                factsChanged = true;
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
            TranscriptEntry answer = answerFor(token.turn(), event);
            answer.append(orEmpty(token.token()));
            touched.add(answer);
        } else if (p instanceof EventPayload.TurnCompleted completed) {
            TranscriptEntry answer = answerFor(completed.turn(), event);
            answer.replace(completed.text());
            answer.setStreaming(false);
            touched.add(answer);
        } else if (p instanceof EventPayload.TurnInterrupted cut) {
            TranscriptEntry answer = answerFor(cut.turn(), event);
            answer.replace(cut.heard());
            answer.setUnheard(cut.unheard());
            answer.setDetail("cut: " + orEmpty(cut.reason()));
            answer.setStreaming(false);
            touched.add(answer);
        } else if (p instanceof EventPayload.DraftToken token) {
            if (token.turn() != draftTurn) {
                startDraft(token.turn());
            }
            draftBuffer.append(orEmpty(token.token()));
            draftChanged = true;
        } else if (p instanceof EventPayload.DraftReady ready) {
            if (ready.turn() != draftTurn) {
                startDraft(ready.turn());
            }
            draftBuffer.setLength(0);
            draftBuffer.append(orEmpty(ready.text()));
            draftChanged = true;
            add(ConversationEntry.Kind.NOTE, event, "AI", "drafted a reply for the supervisor");
        } else if (p instanceof EventPayload.ToolCall call) {
            add(ConversationEntry.Kind.TOOL, event, "Tool", describeTool(call));
        } else if (p instanceof EventPayload.Fault fault) {
            TranscriptEntry entry = add(ConversationEntry.Kind.ERROR, event, "Fault", orEmpty(fault.reason()));
            if (Boolean.TRUE.equals(fault.retry())) {
                entry.setDetail("retrying once");
                return;
            }
            if (fault.fallback() != null) {
                entry.setDetail("caller heard: \u201c" + fault.fallback() + "\u201d");
            }
            // A failed turn streams no more; close its answer line.
            TranscriptEntry answer = answers.get(fault.turn());
            if (answer != null && answer.isStreaming()) {
                answer.setStreaming(false);
                answer.setDetail("failed");
                touched.add(answer);
            }
        } else if (p instanceof EventPayload.GuardTripped guard) {
            TranscriptEntry entry = add(ConversationEntry.Kind.ERROR, event, "Guard",
                    "answer stopped: " + orEmpty(guard.reason()));
            if (guard.said() != null) {
                entry.setDetail("caller heard: \u201c" + guard.said() + "\u201d");
            }
            TranscriptEntry answer = answers.get(guard.turn());
            if (answer != null && answer.isStreaming()) {
                answer.setStreaming(false);
                touched.add(answer);
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
            supervisorHolds = true;
            factsChanged = true;
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "took over the call; the AI only drafts");
        } else if (p instanceof EventPayload.SupervisorRelease released) {
            supervisorHolds = false;
            factsChanged = true;
            startDraft(-1);
            // A hold that ended without its holder says why (their console left and did not come back).
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", released.reason() != null ? released.reason()
                    : "handed the call back to the AI");
        } else if (p instanceof EventPayload.SupervisorWhisper whisper) {
            add(ConversationEntry.Kind.WHISPER, event, "Whisper", orEmpty(whisper.text()));
        } else if (p instanceof EventPayload.SupervisorLanguage switched) {
            String tts = switched.ttsLanguage();
            String stt = switched.transcriptionLanguage();
            if (tts != null) {
                language = tts;
                factsChanged = true;
            }
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "switched language to "
                    + (tts != null ? "speech " + tts : "") + (tts != null && stt != null ? ", " : "")
                    + (stt != null ? "transcription " + stt : ""));
        } else if (p instanceof EventPayload.SupervisorInterruptible barge) {
            interruptible = barge.interruptible();
            factsChanged = true;
            TranscriptEntry entry = add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor",
                    barge.interruptible() ? "barge-in on: the caller can interrupt the AI"
                            : "barge-in off: the caller cannot interrupt the AI");
            // Per-message interruptible has no reply from Twilio; a refusal would come as an error line.
            entry.setDetail("set on each message sent from now on; Twilio sends no reply");
        } else if (p instanceof EventPayload.ConfigUpdated updated) {
            TranscriptEntry entry = add(ConversationEntry.Kind.NOTE, event, "Twilio", "configuration updated");
            entry.setDetail(orEmpty(updated.raw()));
        } else if (p instanceof EventPayload.SupervisorEnd end) {
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "ended the call"
                    + (end.handToHuman() ? " and handed it to a human" : "")
                    + " \u2014 " + orEmpty(end.reason()));
        } else if (p instanceof EventPayload.AttentionRaised raised) {
            String label = raised.label() != null ? raised.label() : orEmpty(raised.reason());
            String key = raised.reason() != null ? raised.reason() : label;
            if (attentionReasons.putIfAbsent(key, label) == null) {
                factsChanged = true;
            }
            add(ConversationEntry.Kind.ATTENTION, event, "Attention", label);
        } else if (p instanceof EventPayload.Alert alert) {
            AlertRule.Severity severity = alertSeverity(alert.severity());
            String text = severity.icon() + " " + severity.key() + ": " + orEmpty(alert.reason());
            openAlerts.put(event.seq(), text);
            openSeverities.put(event.seq(), severity);
            factsChanged = true;
            add(ConversationEntry.Kind.ATTENTION, event, "Alert", text);
        } else if (p instanceof EventPayload.AlertAcknowledged ack) {
            if (openAlerts.remove(ack.alertSeq()) != null) {
                openSeverities.remove(ack.alertSeq());
                factsChanged = true;
            }
            add(ConversationEntry.Kind.SUPERVISOR, event, "Supervisor", "acknowledged the alert"
                    + (ack.operator() == null ? "" : " (" + ack.operator() + ")"));
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
            factsChanged = true;
            ended = true;
            setState(CallState.ENDED);
            supervisorHolds = false;
            answers.values().forEach(a -> {
                a.setStreaming(false);
                touched.add(a);
            });
            add(ConversationEntry.Kind.NOTE, event, "Call", "ended: " + orEmpty(callEnded.reason()));
        } else if (p instanceof EventPayload.Summary summary) {
            Disposition disposition = Disposition.of(summary.disposition());
            summaryText = orEmpty(summary.text());
            dispositionLabel = disposition == null ? orEmpty(summary.disposition()) : disposition.label();
            factsChanged = true;
            TranscriptEntry entry = add(ConversationEntry.Kind.NOTE, event, "Summary", summaryText);
            entry.setDetail(dispositionLabel + ("rules".equals(summary.source()) ? " \u00b7 rule-based" : "")
                    + (summary.note() == null ? "" : " (" + summary.note() + ")"));
        } else if (p instanceof EventPayload.Unreadable unreadable) {
            add(ConversationEntry.Kind.ERROR, event, "Store", "unreadable " + unreadable.storedKind() + " event: "
                    + orEmpty(unreadable.problem()));
        }
        // INFO and FRAME_SENT are wire-level detail: in the event log, not in the conversation.
    }

    private void report() {
        if (listener == null) {
            touched.clear();
            factsChanged = false;
            draftChanged = false;
            newLatency = null;
            return;
        }
        if (factsChanged) {
            factsChanged = false;
            listener.factsChanged();
        }
        for (TranscriptEntry entry : touched) {
            listener.entryChanged(entry);
        }
        touched.clear();
        if (newLatency != null) {
            TurnLatency latency = newLatency;
            newLatency = null;
            listener.latencyAdded(latency);
        }
        if (draftChanged) {
            draftChanged = false;
            listener.draftChanged();
        }
    }

    private void startDraft(long turn) {
        draftTurn = turn;
        draftBuffer.setLength(0);
        draftChanged = true;
    }

    private TranscriptEntry answerFor(long turn, CallEvent event) {
        TranscriptEntry answer = answers.get(turn);
        if (answer == null) {
            answer = add(ConversationEntry.Kind.AI, event, "AI", "");
            answer.setStreaming(true);
            answers.put(turn, answer);
        }
        return answer;
    }

    private TranscriptEntry add(ConversationEntry.Kind kind, CallEvent event, String speaker, String text) {
        TranscriptEntry entry = new TranscriptEntry(kind, event.seq(), event.time(), speaker, text);
        entries.add(entry);
        // Flags set right after adding (streaming, partial, a fault's detail) reach the listener at the event's end.
        touched.add(entry);
        if (listener != null) {
            listener.entryAdded(entry);
        }
        if (entries.size() > MAX_ENTRIES) {
            // A very long call keeps its newest lines; the full record stays in the event log.
            List<TranscriptEntry> front = entries.subList(0, entries.size() - MAX_ENTRIES);
            List<TranscriptEntry> dropped = List.copyOf(front);
            front.clear();
            linesDropped = true;
            if (listener != null) {
                listener.entriesDropped(dropped);
            }
        }
        return entry;
    }

    private void addLatency(EventPayload.Latency marks) {
        TurnLatency latency = new TurnLatency(marks.turn(), marks.requestMs(), marks.firstTokenMs(),
                marks.firstFrameMs(), marks.lastTokenMs());
        latencies.add(latency);
        if (latencies.size() > LATENCY_TURNS) {
            latencies.subList(0, latencies.size() - LATENCY_TURNS).clear();
        }
        newLatency = latency;
    }

    private void setState(CallState value) {
        if (value == null) {
            return;
        }
        state = value;
        factsChanged = true;
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

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** A stored alert's severity (its name or key, any case); an unknown or missing one reads as a warning. */
    public static AlertRule.Severity alertSeverity(String stored) {
        if (stored == null) {
            return AlertRule.Severity.WARNING;
        }
        for (AlertRule.Severity s : AlertRule.Severity.values()) {
            if (s.name().equalsIgnoreCase(stored) || s.key().equalsIgnoreCase(stored)) {
                return s;
            }
        }
        return AlertRule.Severity.WARNING;
    }
}
