package app.switchboard.call;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.InvalidMessageException;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One phone call, across however many relay sessions it takes (Twilio opens a new socket with
 * the same {@code callSid} after a reconnect). Every state change runs on the call's own
 * {@link SerialExecutor}: the socket's thread, the LLM's thread and the supervisor's clicks all
 * hand their work to it, so a token and an interrupt can never race.
 */
public final class CallSession implements AgentPort {

    private static final Logger LOG = LoggerFactory.getLogger(CallSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String callId;
    private final SerialExecutor executor;
    private final Clock clock;
    private final Consumer<CallEvent> publisher;
    private final List<String> languages;
    private final CallAgent agent;
    private final Queue<CallEvent> events = new ConcurrentLinkedQueue<>();
    private final Attention attention = new Attention();

    // Confined to the executor.
    private long nextSeq = 1;
    private RelayConnection connection;
    private InboundMessage.Setup setup;
    private int sessionCount;
    private boolean endRequested;
    private boolean supervisorHolds;

    // Written on the executor, read by list snapshots on other threads.
    private volatile CallState state = CallState.GREETING;
    private volatile String language;
    private volatile String from;
    private volatile String to;
    private volatile Instant startedAt;
    private volatile Instant endedAt;
    /** {@code events.size()} without walking the queue (ConcurrentLinkedQueue counts by walking). */
    private volatile int eventCount;

    CallSession(String callId, SerialExecutor executor, Clock clock, Consumer<CallEvent> publisher,
                List<String> languages, String defaultLanguage, CallAgent.Factory agentFactory) {
        this.callId = callId;
        this.executor = executor;
        this.clock = clock;
        this.publisher = publisher;
        this.languages = List.copyOf(languages);
        this.language = defaultLanguage;
        this.startedAt = clock.instant();
        this.agent = agentFactory.create(this);
    }

    // ---- relay side (any thread) ----

    /** A relay socket delivered this call's setup frame. */
    void attach(InboundMessage.Setup frame, RelayConnection socket) {
        executor.execute(() -> {
            if (connection != null && connection.isOpen() && connection != socket) {
                // Twilio has one socket per session; a second live one means the old one is stale.
                connection.close(1000, "Superseded by a new relay session");
            }
            connection = socket;
            setup = frame;
            sessionCount++;
            endRequested = false;
            from = frame.from();
            to = frame.to();
            endedAt = null;
            Map<String, Object> started = fields(
                    "sessionId", frame.sessionId(),
                    "session", sessionCount,
                    "resumed", sessionCount > 1,
                    "remote", socket.remoteAddress());
            record(EventKind.SESSION_STARTED, started);
            Map<String, Object> setupFields = fields(
                    "sessionId", frame.sessionId(),
                    "accountSid", frame.accountSid(),
                    "callSid", frame.callSid(),
                    "parentCallSid", frame.parentCallSid(),
                    "from", frame.from(),
                    "to", frame.to(),
                    "forwardedFrom", frame.forwardedFrom(),
                    "callerName", frame.callerName(),
                    "direction", frame.direction(),
                    "callType", frame.callType(),
                    "callStatus", frame.callStatus());
            setupFields.put("customParameters", new LinkedHashMap<>(frame.customParameters()));
            record(EventKind.SETUP, setupFields);
            setState(supervisorHolds ? CallState.SUPERVISOR : CallState.GREETING);
        });
    }

    /** A frame from Twilio on the current socket. Never throws; bad frames are recorded. */
    void onInbound(InboundMessage message) {
        executor.execute(() -> handleInbound(message));
    }

    void onFrameTooLarge(String detail, long limit) {
        executor.execute(() -> record(EventKind.FRAME_TOO_LARGE, fields("detail", detail, "limit", limit)));
    }

    void onSocketClosed(RelayConnection socket, int code, String reason) {
        executor.execute(() -> {
            if (socket != connection) {
                return; // a superseded socket closing says nothing about the call
            }
            record(EventKind.SESSION_CLOSED, fields("code", code, "reason", reason == null ? "" : reason));
            agent.close();
            setState(CallState.ENDED);
        });
    }

    /** Twilio's {@code <Connect action>} webhook for this call. */
    void onActionCallback(Map<String, String> form, String outcome) {
        executor.execute(() -> {
            Map<String, Object> f = new LinkedHashMap<>(form);
            f.put("outcome", outcome);
            record(EventKind.ACTION_CALLBACK, f);
            if (!"reconnect".equals(outcome)) {
                endCall(form.getOrDefault("SessionStatus", "ended"));
            }
        });
    }

    /** Marks the call over (after the action webhook, or when no webhook will come). */
    void endCall(String reason) {
        executor.execute(() -> {
            if (endedAt != null) {
                return;
            }
            agent.close();
            if (connection != null && connection.isOpen()) {
                connection.close(1000, "Call ended");
            }
            setState(CallState.ENDED);
            endedAt = clock.instant();
            record(EventKind.CALL_ENDED, fields("reason", reason));
        });
    }

    private void handleInbound(InboundMessage message) {
        if (message instanceof InboundMessage.Prompt p) {
            if (!p.last()) {
                record(EventKind.PROMPT_PARTIAL, fields("text", p.voicePrompt(), "lang", p.lang()));
                if (state != CallState.SUPERVISOR && state != CallState.AI_SPEAKING) {
                    setState(CallState.CALLER_SPEAKING);
                }
                return;
            }
            record(EventKind.PROMPT, fields("text", p.voicePrompt(), "lang", p.lang()));
            if (p.lang() != null && !p.lang().isBlank()) {
                language = p.lang();
            }
            if (state == CallState.CALLER_SPEAKING || state == CallState.GREETING) {
                setState(CallState.LISTENING);
            }
            agent.onCallerTurn(p.voicePrompt(), p.lang());
        } else if (message instanceof InboundMessage.Dtmf d) {
            record(EventKind.DTMF, fields("digit", d.digit()));
            agent.onDtmf(d.digit());
        } else if (message instanceof InboundMessage.Interrupt i) {
            record(EventKind.INTERRUPT, fields(
                    "utteranceUntilInterrupt", i.utteranceUntilInterrupt(),
                    "durationUntilInterruptMs", i.durationUntilInterruptMs()));
            agent.onCallerInterrupt(i.utteranceUntilInterrupt(), i.durationUntilInterruptMs());
            if (state == CallState.AI_SPEAKING) {
                setState(CallState.CALLER_SPEAKING);
            }
        } else if (message instanceof InboundMessage.TwilioError e) {
            record(EventKind.TWILIO_ERROR, fields("description", e.description()));
        } else if (message instanceof InboundMessage.Info i) {
            record(EventKind.INFO, fields("name", i.name(), "value", i.value()));
        } else if (message instanceof InboundMessage.Unknown u) {
            record(EventKind.UNKNOWN_MESSAGE, fields("type", u.wireType(), "raw", u.raw()));
        } else if (message instanceof InboundMessage.Malformed m) {
            record(EventKind.MALFORMED_FRAME, fields("raw", m.raw(), "reason", m.reason()));
        } else if (message instanceof InboundMessage.Setup s) {
            // A second setup on an open socket is not in the protocol; keep it, change nothing.
            record(EventKind.UNKNOWN_MESSAGE, fields("type", "setup", "raw", ProtocolCodec.encodeInbound(s),
                    "note", "setup repeated on an open session"));
        }
    }

    // ---- supervisor side (any thread) ----

    void say(String text) {
        executor.execute(() -> {
            if (!live() || text == null || text.isBlank()) {
                return;
            }
            record(EventKind.SUPERVISOR_SAY, supervisor("text", text));
            // A new text frame cuts the agent's preemptible speech (protocol.md §3.1).
            send(new OutboundMessage.Text(text, true, null, null, false));
            agent.onSupervisorSaid(text);
        });
    }

    void interrupt() {
        executor.execute(() -> {
            if (!live()) {
                return;
            }
            record(EventKind.SUPERVISOR_INTERRUPT, supervisor());
            agent.onSupervisorInterrupt();
            // There is no outbound interrupt; an empty final token cuts preemptible speech.
            send(new OutboundMessage.Text("", true, null, null, false));
            if (state == CallState.AI_SPEAKING) {
                setState(CallState.LISTENING);
            }
        });
    }

    void takeOver() {
        executor.execute(() -> {
            if (!live() || supervisorHolds) {
                return;
            }
            supervisorHolds = true;
            record(EventKind.SUPERVISOR_TAKEOVER, supervisor());
            agent.onTakeOver();
            setState(CallState.SUPERVISOR);
        });
    }

    void release() {
        executor.execute(() -> {
            if (!supervisorHolds) {
                return;
            }
            supervisorHolds = false;
            record(EventKind.SUPERVISOR_RELEASE, supervisor());
            setState(live() ? CallState.LISTENING : CallState.ENDED);
            agent.onRelease();
        });
    }

    void whisper(String guidance) {
        executor.execute(() -> {
            if (endedAt != null || guidance == null || guidance.isBlank()) {
                return;
            }
            record(EventKind.SUPERVISOR_WHISPER, supervisor("text", guidance));
            agent.onWhisper(guidance);
        });
    }

    void switchLanguage(String ttsLanguage, String transcriptionLanguage) {
        executor.execute(() -> {
            if (!live()) {
                return;
            }
            OutboundMessage.Language message;
            try {
                message = new OutboundMessage.Language(ttsLanguage, transcriptionLanguage);
            } catch (InvalidMessageException e) {
                record(EventKind.SEND_FAILED, fields("type", "language", "reason", e.getMessage()));
                return;
            }
            record(EventKind.SUPERVISOR_LANGUAGE, supervisor(
                    "ttsLanguage", message.ttsLanguage(), "transcriptionLanguage", message.transcriptionLanguage()));
            if (send(message) && message.ttsLanguage() != null) {
                language = message.ttsLanguage();
            }
        });
    }

    void end(String reason, boolean handToHuman) {
        executor.execute(() -> {
            if (!live()) {
                return;
            }
            ObjectNode handoff = JSON.createObjectNode();
            handoff.put("reason", reason == null || reason.isBlank() ? "ended by supervisor" : reason);
            handoff.put("handToHuman", handToHuman);
            handoff.put("by", "supervisor");
            record(EventKind.SUPERVISOR_END, supervisor("reason", handoff.get("reason").asText(), "handToHuman", handToHuman));
            sendEnd(handoff.toString());
        });
    }

    /** Sends {@code end}; the agent's tools use it too. */
    public boolean sendEnd(String handoffData) {
        boolean sent = send(new OutboundMessage.End(handoffData));
        if (sent) {
            endRequested = true;
            agent.close();
        }
        return sent;
    }

    private boolean live() {
        return endedAt == null && connection != null && connection.isOpen();
    }

    // ---- AgentPort (executor only) ----

    @Override
    public String callId() {
        return callId;
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public boolean send(OutboundMessage message) {
        if (connection == null || !connection.isOpen()) {
            record(EventKind.SEND_FAILED, fields("type", message.type(), "reason", "no open relay session"));
            return false;
        }
        String frame = ProtocolCodec.encode(message);
        record(EventKind.FRAME_SENT, fields("type", message.type(), "frame", frame));
        connection.sendText(frame, failure -> {
            if (failure != null) {
                executor.execute(() -> record(EventKind.SEND_FAILED,
                        fields("type", message.type(), "reason", String.valueOf(failure.getMessage()))));
            }
        });
        return true;
    }

    @Override
    public CallEvent record(EventKind kind, Map<String, Object> fields) {
        CallEvent event = new CallEvent(callId, nextSeq++, clock.instant(), kind, fields);
        events.add(event);
        eventCount++; // only the executor writes: the volatile write publishes it to snapshots
        try {
            publisher.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("Event listener failed on {} of {}", kind, callId, e);
        }
        Attention.Reason reason = attention.observe(event);
        if (reason != null) {
            record(EventKind.ATTENTION, fields("reason", reason.name(), "label", reason.label, "cause", event.seq()));
        }
        return event;
    }

    @Override
    public void setState(CallState newState) {
        if (newState == state) {
            return;
        }
        CallState old = state;
        state = newState;
        record(EventKind.STATE_CHANGED, fields("from", old.name(), "to", newState.name()));
    }

    @Override
    public CallState state() {
        return state;
    }

    @Override
    public boolean supervisorHolds() {
        return supervisorHolds;
    }

    @Override
    public InboundMessage.Setup setup() {
        return setup;
    }

    @Override
    public List<String> languages() {
        return languages;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    // ---- snapshots (any thread) ----

    List<CallEvent> events() {
        return new ArrayList<>(events);
    }

    CallSummary summary() {
        return new CallSummary(callId, from, to, state, language, startedAt, endedAt, eventCount);
    }

    /** When the call ended, or null while it lives. */
    Instant endedAt() {
        return endedAt;
    }

    boolean ended() {
        return endedAt != null;
    }

    boolean endRequestedBySupervisorOrAgent() {
        return endRequested;
    }

    private Map<String, Object> supervisor(Object... keyValues) {
        Map<String, Object> f = fields(keyValues);
        f.put("operator", System.getProperty("user.name", "unknown"));
        return f;
    }

    /** Builds an ordered field map from key/value pairs, dropping null values. */
    public static Map<String, Object> fields(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                map.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return map;
    }
}
