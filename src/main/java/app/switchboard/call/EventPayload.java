package app.switchboard.call;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link CallEvent} says: one record per {@link EventKind}. Component names are the
 * keys of the stored JSON ({@link EventPayloadJson}), so they are as stable as the kinds: the
 * store, the exports and old databases depend on them. Null components are left out of the
 * JSON, which is how optional facts (a turn that was not capped, a prompt without a language)
 * stay absent rather than blank.
 *
 * <p>Consumers match on the record type ({@code instanceof Prompt p}), never on string keys,
 * so a renamed component fails to compile instead of blanking the console. A stored event
 * whose JSON cannot be read back as its kind's record comes back as {@link Unreadable}, which
 * keeps the raw text and its stored kind.
 *
 * <p>Over 400 lines because it is the whole contract in one place: one small record per kind,
 * each with its stored keys documented beside it; splitting it would scatter the one list every
 * part of the app reads.
 */
public sealed interface EventPayload {

    EventKind kind();

    /** An unmodifiable copy that keeps the order the fields arrived in (stored JSON keeps it too). */
    private static Map<String, String> ordered(Map<String, String> map) {
        return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** The supervisor actions: each names the account (or display name) that took it. */
    sealed interface SupervisorAction extends EventPayload {
        String operator();
    }

    /** Agent events that belong to one caller turn. */
    sealed interface TurnEvent extends EventPayload {
        long turn();
    }

    /** A relay socket was attached (first session, or a reconnect). */
    record SessionStarted(String sessionId, int session, boolean resumed, String remote) implements EventPayload {
        public EventKind kind() {
            return EventKind.SESSION_STARTED;
        }
    }

    /** Twilio's setup frame, every field. */
    record Setup(String sessionId, String accountSid, String callSid, String parentCallSid, String from, String to,
                 String forwardedFrom, String callerName, String direction, String callType, String callStatus,
                 Map<String, String> customParameters) implements EventPayload {
        public Setup {
            customParameters = ordered(customParameters);
        }

        public EventKind kind() {
            return EventKind.SETUP;
        }
    }

    record PromptPartial(String text, String lang) implements EventPayload {
        public EventKind kind() {
            return EventKind.PROMPT_PARTIAL;
        }
    }

    record Prompt(String text, String lang) implements EventPayload {
        public EventKind kind() {
            return EventKind.PROMPT;
        }
    }

    record Dtmf(String digit) implements EventPayload {
        public EventKind kind() {
            return EventKind.DTMF;
        }
    }

    record Interrupt(String utteranceUntilInterrupt, Long durationUntilInterruptMs) implements EventPayload {
        public EventKind kind() {
            return EventKind.INTERRUPT;
        }
    }

    record TwilioError(String description) implements EventPayload {
        public EventKind kind() {
            return EventKind.TWILIO_ERROR;
        }
    }

    record Info(String name, String value) implements EventPayload {
        public EventKind kind() {
            return EventKind.INFO;
        }
    }

    /**
     * Valid JSON of a type the protocol model does not know. {@code raw} may be a bounded prefix
     * of the frame; {@code size} is then the whole frame's length in characters.
     */
    record UnknownMessage(String type, String raw, String note, Integer size) implements EventPayload {
        public UnknownMessage(String type, String raw, String note) {
            this(type, raw, note, null);
        }

        public EventKind kind() {
            return EventKind.UNKNOWN_MESSAGE;
        }
    }

    /** A frame that was not a JSON object with a type; {@code raw} may be a bounded prefix as above. */
    record MalformedFrame(String raw, String reason, Integer size) implements EventPayload {
        public MalformedFrame(String raw, String reason) {
            this(raw, reason, null);
        }

        public EventKind kind() {
            return EventKind.MALFORMED_FRAME;
        }
    }

    record FrameTooLarge(String detail, long limit) implements EventPayload {
        public EventKind kind() {
            return EventKind.FRAME_TOO_LARGE;
        }
    }

    /** A frame written to the socket, verbatim. */
    record FrameSent(String type, String frame) implements EventPayload {
        public EventKind kind() {
            return EventKind.FRAME_SENT;
        }
    }

    record SendFailed(String type, String reason) implements EventPayload {
        public EventKind kind() {
            return EventKind.SEND_FAILED;
        }
    }

    record StateChanged(CallState from, CallState to) implements EventPayload {
        public EventKind kind() {
            return EventKind.STATE_CHANGED;
        }
    }

    record TurnStarted(long turn, boolean draft) implements TurnEvent {
        public EventKind kind() {
            return EventKind.TURN_STARTED;
        }
    }

    /**
     * {@code interruptible}: the per-message override the frame carried because the supervisor
     * set barge-in for this call ({@link SupervisorInterruptible}); null (left out of the JSON)
     * while the TwiML default applies. It is part of the record so the frame can be rebuilt.
     */
    record AgentToken(long turn, String token, Boolean interruptible) implements TurnEvent {
        public AgentToken(long turn, String token) {
            this(turn, token, null);
        }

        public EventKind kind() {
            return EventKind.AGENT_TOKEN;
        }
    }

    /** {@code capped} is true when the answer hit the length cap; {@code tool} names a tool that ended the call. */
    record TurnCompleted(long turn, String text, Boolean capped, String tool) implements TurnEvent {
        public EventKind kind() {
            return EventKind.TURN_COMPLETED;
        }
    }

    /** {@code heldBack}: text the output guard still held when the turn was cut (never sent). */
    record TurnInterrupted(long turn, String heard, String unheard, String reason, String heldBack) implements TurnEvent {
        public EventKind kind() {
            return EventKind.TURN_INTERRUPTED;
        }
    }

    record DraftToken(long turn, String token) implements TurnEvent {
        public EventKind kind() {
            return EventKind.DRAFT_TOKEN;
        }
    }

    record DraftReady(long turn, String text) implements TurnEvent {
        public EventKind kind() {
            return EventKind.DRAFT_READY;
        }
    }

    record ToolCall(long turn, String name, String arguments, String outcome, String detail,
                    String handoffData, Long endDelayMs) implements TurnEvent {
        public ToolCall(long turn, String name, String arguments, String outcome, String detail) {
            this(turn, name, arguments, outcome, detail, null, null);
        }

        public EventKind kind() {
            return EventKind.TOOL_CALL;
        }
    }

    /**
     * The model failed. With {@code retry} the request is made again and nothing was said;
     * otherwise the caller heard {@code fallback}.
     */
    record Fault(long turn, String reason, Boolean retry, String fallback, Boolean retried, Boolean tokensSent)
            implements TurnEvent {
        public static Fault retrying(long turn, String reason) {
            return new Fault(turn, reason, true, null, null, null);
        }

        public EventKind kind() {
            return EventKind.FAULT;
        }
    }

    /** Milliseconds from the final prompt; null where the turn never reached that mark. */
    record Latency(long turn, String outcome, double requestMs, Double requestSentMs, Double firstTokenMs,
                   Double firstFrameMs, double lastTokenMs, Double sentToFirstFrameMs, Double tokenToFrameMs,
                   int attempts, int rounds) implements TurnEvent {
        public EventKind kind() {
            return EventKind.LATENCY;
        }
    }

    record SupervisorSay(String text, String operator) implements SupervisorAction {
        public EventKind kind() {
            return EventKind.SUPERVISOR_SAY;
        }
    }

    record SupervisorInterrupt(String operator) implements SupervisorAction {
        public EventKind kind() {
            return EventKind.SUPERVISOR_INTERRUPT;
        }
    }

    record SupervisorTakeover(String operator) implements SupervisorAction {
        public EventKind kind() {
            return EventKind.SUPERVISOR_TAKEOVER;
        }
    }

    /**
     * The call went back to the AI. {@code reason} is null when the holder released it, else why
     * the hold ended without them (their console left and did not come back within the grace).
     */
    record SupervisorRelease(String operator, String reason) implements SupervisorAction {
        public SupervisorRelease(String operator) {
            this(operator, null);
        }

        public EventKind kind() {
            return EventKind.SUPERVISOR_RELEASE;
        }
    }

    record SupervisorWhisper(String text, String operator) implements SupervisorAction {
        public EventKind kind() {
            return EventKind.SUPERVISOR_WHISPER;
        }
    }

    record SupervisorLanguage(String ttsLanguage, String transcriptionLanguage, String operator) implements SupervisorAction {
        public EventKind kind() {
            return EventKind.SUPERVISOR_LANGUAGE;
        }
    }

    /**
     * Barge-in on ({@code true}) or off for the rest of the call: sent as the documented
     * per-message {@code interruptible} on each later text/play frame, so Twilio sends no reply.
     */
    record SupervisorInterruptible(boolean interruptible, String operator) implements SupervisorAction {
        public EventKind kind() {
            return EventKind.SUPERVISOR_INTERRUPTIBLE;
        }
    }

    /**
     * Twilio's {@code configUpdated} frame verbatim ({@code raw} may be a bounded prefix; {@code size}
     * is then the whole frame's length). Its fields are not documented, so none is interpreted.
     */
    record ConfigUpdated(String raw, Integer size) implements EventPayload {
        public EventKind kind() {
            return EventKind.CONFIG_UPDATED;
        }
    }

    record SupervisorEnd(String reason, boolean handToHuman, String operator) implements SupervisorAction {
        public EventKind kind() {
            return EventKind.SUPERVISOR_END;
        }
    }

    /**
     * {@code reason} is the stable code ({@link Attention.Reason} name), {@code label} its words,
     * {@code cause} the seq that raised it; a refused second session names its {@code remote}
     * address and {@code sessionId}.
     */
    record AttentionRaised(String reason, String label, Long cause, String remote, String sessionId)
            implements EventPayload {
        public AttentionRaised(String reason, String label, Long cause) {
            this(reason, label, cause, null, null);
        }

        public EventKind kind() {
            return EventKind.ATTENTION;
        }
    }

    /**
     * The {@code <Connect action>} webhook: Twilio's form fields as sent, and what the relay did.
     * Stored flat (the form's keys beside {@code outcome}), as Twilio names them.
     */
    record ActionCallback(Map<String, String> form, String outcome) implements EventPayload {
        public ActionCallback {
            form = ordered(form);
        }

        public String field(String twilioName) {
            return form.get(twilioName);
        }

        public EventKind kind() {
            return EventKind.ACTION_CALLBACK;
        }
    }

    /**
     * The relay socket closed. {@code limit} names the socket limit that made the relay close it
     * ({@code framesPerSecond}, {@code bytesPerSecond}, {@code consecutiveInvalid}); null otherwise.
     */
    record SessionClosed(int code, String reason, String limit) implements EventPayload {
        public SessionClosed(int code, String reason) {
            this(code, reason, null);
        }

        public EventKind kind() {
            return EventKind.SESSION_CLOSED;
        }
    }

    /** {@code recovered}: written at the next start for a call the previous run left live. */
    record CallEnded(String reason, Boolean recovered, String recordedAt) implements EventPayload {
        public CallEnded(String reason) {
            this(reason, null, null);
        }

        public EventKind kind() {
            return EventKind.CALL_ENDED;
        }
    }

    /** {@code said}: the refusal the caller heard instead. */
    record GuardTripped(long turn, String reason, String said) implements TurnEvent {
        public EventKind kind() {
            return EventKind.GUARD_TRIPPED;
        }
    }

    /**
     * A dropped relay socket came back and the call resumed on it. {@code source} says where the
     * call's state came from: {@code memory} (the relay still held the call), {@code store} (the
     * relay had restarted; history rebuilt from the stored events) or {@code cluster} (another
     * node's call, taken over from its stream in Redis). {@code previousSessionId} is the
     * session that dropped, {@code afterSeq} the last seq before the gap, {@code disconnectedMs} how
     * long the call had no socket (from the drop, or from the last stored event).
     */
    record SessionReconnected(String sessionId, String previousSessionId, String source, long afterSeq,
                              Long disconnectedMs, String remote) implements EventPayload {
        public static final String FROM_MEMORY = "memory";
        public static final String FROM_STORE = "store";
        /** Another node's call, read from its stream in the cluster's Redis. */
        public static final String FROM_CLUSTER = "cluster";

        public EventKind kind() {
            return EventKind.SESSION_RECONNECTED;
        }
    }

    /**
     * What the call came to, written once after {@link CallEnded}: two or three sentences and a
     * {@code disposition} ({@link Disposition} name). {@code source} is {@code model} or
     * {@code rules}; {@code note} says why a rule-based summary stands in (the model failed).
     */
    record Summary(String text, String disposition, String source, String note) implements EventPayload {
        public EventKind kind() {
            return EventKind.SUMMARY;
        }
    }

    /**
     * One recording status callback from Twilio, its fields as validated by the relay:
     * {@code recordingSid} ({@code RE…}), {@code status} ({@code in-progress}, {@code completed},
     * {@code absent}, {@code failed}), {@code url} (Twilio's REST URL of the audio, which stays in
     * the Twilio account; null until Twilio sends one), {@code durationSeconds} and Twilio's
     * {@code errorCode} (e.g. 16101 for a recording too short to keep) when present.
     */
    record Recording(String recordingSid, String status, String url, Integer durationSeconds, String errorCode)
            implements EventPayload {
        public static final String COMPLETED = "completed";

        public EventKind kind() {
            return EventKind.RECORDING;
        }
    }

    /**
     * An attention rule fired ({@link AlertRule}): {@code ruleId} names the rule in the settings,
     * {@code ruleKind} its {@link AlertRule.Kind} name, {@code severity} its {@link AlertRule.Severity}
     * name, {@code reason} what happened in words, {@code cause} the seq of the event that made it
     * fire (null for the timed rules: silence, duration). Acknowledged by an {@link AlertAcknowledged}
     * naming this event's seq.
     */
    record Alert(String ruleId, String ruleKind, String severity, String reason, Long cause) implements EventPayload {
        public EventKind kind() {
            return EventKind.ALERT;
        }
    }

    /**
     * A supervisor acknowledged the {@link Alert} recorded at {@code alertSeq}. A supervisor action:
     * it is in the audit trail with its {@code operator}.
     */
    record AlertAcknowledged(long alertSeq, String ruleId, String operator) implements SupervisorAction {
        public EventKind kind() {
            return EventKind.ALERT_ACKNOWLEDGED;
        }
    }

    /**
     * A stored event whose JSON could not be read as its kind's record (a damaged row, or one
     * written by a newer version with incompatible fields). Kept whole so exports lose nothing.
     */
    record Unreadable(EventKind storedKind, String raw, String problem) implements EventPayload {
        public EventKind kind() {
            return storedKind;
        }
    }
}
