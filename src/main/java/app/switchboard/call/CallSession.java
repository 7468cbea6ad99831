package app.switchboard.call;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.InvalidMessageException;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
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
    /**
     * The newest events only, for a console that opens the call: the store is the record. A
     * long call (hours of tokens) keeps the same memory as a short one.
     */
    private final Queue<CallEvent> events = new ConcurrentLinkedQueue<>();
    static final int EVENT_WINDOW = 2_000;
    private final Attention attention = new Attention();
    /** The supervisor's attention rules on this call (confined to the executor). */
    private final Alerting alerting;
    /** The rules as they are now: read at each event and tick, so a change applies to live calls. */
    private volatile Supplier<List<AlertRule>> alertRules = List::of;

    // Confined to the executor.
    /** The event window was cut to its tail after the call ended. */
    private boolean tailOnly;
    private long nextSeq = 1;
    /** Written on the executor; volatile so that {@link #hasOpenSocket()} may read it from any thread. */
    private volatile RelayConnection connection;
    private InboundMessage.Setup setup;
    /** Written on the executor; read by the registry's reconnect timer to see whether a socket came since. */
    private volatile int sessionCount;
    /** The socket dropped unexpectedly with application reconnect on: Twilio is expected back with a setup. */
    private boolean awaitingReconnect;
    /** Since when the call has had no socket (the drop, or the last stored event); null while it has one. */
    private Instant disconnectedAt;
    private String previousSessionId;
    /** The record this call was resumed from (a relay restart), until its first socket attached; then null. */
    private CallResumption.StoredCall restoredFrom;
    private boolean endRequested;
    private boolean supervisorHolds;
    /** The action webhook answered a reconnect: Twilio's old socket is gone even if ours has not noticed. */
    private boolean reconnectExpected;
    /**
     * The supervisor's barge-in choice, stamped on every later text/play frame as Twilio's
     * per-message {@code interruptible}; null until they choose (the TwiML default applies).
     */
    private Boolean interruptible;

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
        this(callId, executor, clock, publisher, languages, defaultLanguage, agentFactory, null);
    }

    /**
     * A call this relay did not hold, going on from its record ({@code stored}, non-null): seq
     * continues after the last stored one and the agent rebuilds its history from the events
     * before any frame of the new socket reaches it.
     */
    CallSession(String callId, SerialExecutor executor, Clock clock, Consumer<CallEvent> publisher,
                List<String> languages, String defaultLanguage, CallAgent.Factory agentFactory,
                CallResumption.StoredCall stored) {
        this.callId = callId;
        this.executor = executor;
        this.clock = clock;
        this.publisher = publisher;
        this.languages = List.copyOf(languages);
        this.language = defaultLanguage;
        this.startedAt = stored == null ? clock.instant() : stored.events().get(0).time();
        this.agent = agentFactory.create(this);
        this.alerting = new Alerting(Sentiment.shipped(), startedAt);
        this.restoredFrom = stored;
        if (stored != null) {
            nextSeq = stored.lastSeq() + 1;
            for (CallEvent e : stored.events()) {
                if (e.payload() instanceof EventPayload.SessionStarted) {
                    sessionCount++;
                } else if (e.payload() instanceof EventPayload.Setup s) {
                    from = s.from();
                    to = s.to();
                }
            }
            // The window starts with the record (not published again: every listener has it already, or
            // reads it from the record), so a console here shows the whole call, one seq from before the gap.
            List<CallEvent> kept = stored.events().subList(Math.max(0, stored.events().size() - EVENT_WINDOW),
                    stored.events().size());
            events.addAll(kept);
            eventCount = kept.size();
            previousSessionId = stored.lastSessionId();
            disconnectedAt = stored.lastEventAt();
            List<CallEvent> record = stored.events();
            executor.execute(() -> agent.restore(record));
        }
    }

    // ---- relay side (any thread) ----

    /** A relay socket delivered this call's setup frame. */
    void attach(InboundMessage.Setup frame, RelayConnection socket, boolean reconnectsEnabled) {
        executor.execute(() -> {
            if (connection != null && connection != socket && !connection.isOpen()) {
                // The old socket dropped, but the relay's report of it has not reached the call:
                // Twilio's reconnect can overtake it. The drop is handled now, as that report would
                // (the report itself then finds a superseded socket), so the reconnect is recorded
                // as one and the old session's close is in the record.
                closeSocket(connection, 1006, "dropped before its close was seen; a new session came", null,
                        reconnectsEnabled);
            }
            if (connection != null && connection.isOpen() && connection != socket) {
                if (!reconnectExpected) {
                    // Twilio has one socket per session and opens another only after the first
                    // ended: a second one for a live call is someone who knows the callSid.
                    refuseSecondSession(frame, socket);
                    return;
                }
                connection.close(1000, "Superseded by a reconnected relay session");
            }
            reconnectExpected = false;
            boolean reconnected = awaitingReconnect || restoredFrom != null;
            String carriedHold = restoredFrom == null ? null : restoredFrom.heldBy();
            if (reconnected) {
                Long gap = disconnectedAt == null ? null
                        : Math.max(0, Duration.between(disconnectedAt, clock.instant()).toMillis());
                record(new EventPayload.SessionReconnected(frame.sessionId(), previousSessionId,
                        restoredFrom != null ? restoredFrom.source() : EventPayload.SessionReconnected.FROM_MEMORY,
                        nextSeq - 1, gap, socket.remoteAddress()));
            }
            awaitingReconnect = false;
            restoredFrom = null;
            disconnectedAt = null;
            connection = socket;
            setup = frame;
            sessionCount++;
            endRequested = false;
            from = frame.from();
            to = frame.to();
            endedAt = null;
            record(new EventPayload.SessionStarted(frame.sessionId(), sessionCount, sessionCount > 1,
                    socket.remoteAddress()));
            record(new EventPayload.Setup(frame.sessionId(), frame.accountSid(), frame.callSid(), frame.parentCallSid(),
                    frame.from(), frame.to(), frame.forwardedFrom(), frame.callerName(), frame.direction(),
                    frame.callType(), frame.callStatus(), frame.customParameters()));
            if (carriedHold != null && !supervisorHolds) {
                // A supervisor held the call where it was (another cluster node): the hold goes on
                // here before any frame of this socket reaches the agent, and the record says so.
                supervisorHolds = true;
                record(new EventPayload.SupervisorTakeover(carriedHold));
                agent.onTakeOver();
            }
            // A reconnected socket is the same relay session going on: no greeting is played again
            // (a new session from the action webhook plays it, so it starts in GREETING).
            CallState next = supervisorHolds ? CallState.SUPERVISOR
                    : reconnected ? CallState.LISTENING : CallState.GREETING;
            setState(next);
        });
    }

    /**
     * Another relay (a cluster node) refuses a socket for this call because this one's is open:
     * the call records the refusal as it does for a second socket reaching this relay.
     */
    void secondSessionRefusedElsewhere(String where) {
        executor.execute(() -> {
            if (hasOpenSocket() && attention.raise(Attention.Reason.SESSION_REFUSED)) {
                LOG.warn("A second relay session for live call {} was refused on {}", callId, where);
                Attention.Reason reason = Attention.Reason.SESSION_REFUSED;
                record(new EventPayload.AttentionRaised(reason.name(), reason.label + " (on " + where + ")", null,
                        null, null));
            }
        });
    }

    private void refuseSecondSession(InboundMessage.Setup frame, RelayConnection socket) {
        LOG.warn("Refused a second relay session for live call {} from {}", callId, socket.remoteAddress());
        socket.close(1008, "Call already has a live relay session");
        if (attention.raise(Attention.Reason.SESSION_REFUSED)) {
            Attention.Reason reason = Attention.Reason.SESSION_REFUSED;
            record(new EventPayload.AttentionRaised(reason.name(), reason.label, null,
                    socket.remoteAddress(), frame.sessionId()));
        }
    }

    /**
     * A frame from Twilio. Never throws; bad frames are recorded. Frames from a socket that is
     * not the call's current one (refused, superseded) are dropped; null means the current one.
     */
    void onInbound(RelayConnection socket, InboundMessage message) {
        executor.execute(() -> {
            if (socket == null || socket == connection) {
                handleInbound(message);
            }
        });
    }

    void onFrameTooLarge(RelayConnection socket, String detail, long limit) {
        executor.execute(() -> {
            if (socket == null || socket == connection) {
                record(new EventPayload.FrameTooLarge(detail, limit));
            }
        });
    }

    void onSocketClosed(RelayConnection socket, int code, String reason, String limit) {
        onSocketClosed(socket, code, reason, limit, false, n -> { });
    }

    /**
     * @param awaitReconnect the drop was unexpected and Twilio reconnects such sockets
     *                       ({@code applicationReconnect}): the next setup with this call's token
     *                       resumes the call and is recorded as a reconnect
     * @param handled        told, on the executor once the close is handled, how many sockets the
     *                       call has had: a later one means a reconnect came
     */
    void onSocketClosed(RelayConnection socket, int code, String reason, String limit, boolean awaitReconnect,
                        IntConsumer handled) {
        executor.execute(() -> {
            try {
                closeSocket(socket, code, reason, limit, awaitReconnect);
            } finally {
                handled.accept(sessionCount);
            }
        });
    }

    private void closeSocket(RelayConnection socket, int code, String reason, String limit, boolean awaitReconnect) {
        if (socket != connection) {
            return; // a superseded socket closing says nothing about the call
        }
        record(new EventPayload.SessionClosed(code, reason == null ? "" : reason, limit));
        // A closed socket is never written again; letting go of it lets the TLS engine and
        // buffers behind it be collected while the ended call stays listed a while.
        connection = null;
        agent.close();
        if (awaitReconnect && !endRequested && endedAt == null) {
            awaitingReconnect = true;
            disconnectedAt = clock.instant();
            previousSessionId = setup == null ? null : setup.sessionId();
        }
        setState(CallState.ENDED);
    }

    /** Twilio's {@code <Connect action>} webhook for this call. */
    void onActionCallback(Map<String, String> form, String outcome) {
        executor.execute(() -> {
            record(new EventPayload.ActionCallback(form, outcome));
            reconnectExpected = "reconnect".equals(outcome);
            if (!reconnectExpected) {
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
            awaitingReconnect = false;
            agent.close();
            if (connection != null && connection.isOpen()) {
                connection.close(1000, "Call ended");
            }
            setState(CallState.ENDED);
            endedAt = clock.instant();
            record(new EventPayload.CallEnded(reason));
        });
    }

    /**
     * Frames the protocol does not know are recorded by their start and their length: enough to
     * see what was sent, and a flood of large ones costs the store and memory no more than small ones.
     */
    static final int MAX_RECORDED_FRAME_CHARS = 512;
    static final int MAX_RECORDED_TYPE_CHARS = 64;

    private static String prefix(String text) {
        return prefix(text, MAX_RECORDED_FRAME_CHARS);
    }

    private static String prefix(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never end on half a character
        }
        return text.substring(0, end);
    }

    private static Integer length(String text) {
        return text == null ? null : text.length();
    }

    private void handleInbound(InboundMessage message) {
        if (message instanceof InboundMessage.Prompt p) {
            if (!p.last()) {
                record(new EventPayload.PromptPartial(p.voicePrompt(), p.lang()));
                if (state != CallState.SUPERVISOR && state != CallState.AI_SPEAKING) {
                    setState(CallState.CALLER_SPEAKING);
                }
                return;
            }
            record(new EventPayload.Prompt(p.voicePrompt(), p.lang()));
            if (p.lang() != null && !p.lang().isBlank()) {
                language = p.lang();
            }
            if (state == CallState.CALLER_SPEAKING || state == CallState.GREETING) {
                setState(CallState.LISTENING);
            }
            agent.onCallerTurn(p.voicePrompt(), p.lang());
        } else if (message instanceof InboundMessage.Dtmf d) {
            record(new EventPayload.Dtmf(d.digit()));
            agent.onDtmf(d.digit());
        } else if (message instanceof InboundMessage.Interrupt i) {
            record(new EventPayload.Interrupt(i.utteranceUntilInterrupt(), i.durationUntilInterruptMs()));
            agent.onCallerInterrupt(i.utteranceUntilInterrupt(), i.durationUntilInterruptMs());
            if (state == CallState.AI_SPEAKING) {
                setState(CallState.CALLER_SPEAKING);
            }
        } else if (message instanceof InboundMessage.TwilioError e) {
            record(new EventPayload.TwilioError(e.description()));
        } else if (message instanceof InboundMessage.Info i) {
            record(new EventPayload.Info(i.name(), i.value()));
        } else if (message instanceof InboundMessage.ConfigUpdated c) {
            record(new EventPayload.ConfigUpdated(prefix(c.raw()), length(c.raw())));
        } else if (message instanceof InboundMessage.Unknown u) {
            record(new EventPayload.UnknownMessage(prefix(u.wireType(), MAX_RECORDED_TYPE_CHARS), prefix(u.raw()),
                    null, length(u.raw())));
        } else if (message instanceof InboundMessage.Malformed m) {
            record(new EventPayload.MalformedFrame(prefix(m.raw()), prefix(m.reason()), length(m.raw())));
        } else if (message instanceof InboundMessage.Setup s) {
            // A second setup on an open socket is not in the protocol; keep it, change nothing.
            String raw = ProtocolCodec.encodeInbound(s);
            record(new EventPayload.UnknownMessage("setup", prefix(raw), "setup repeated on an open session",
                    raw.length()));
        }
    }

    // ---- supervisor side (any thread) ----

    void say(String text) {
        say(text, operator());
    }

    void say(String text, String operator) {
        executor.execute(() -> {
            if (!live() || text == null || text.isBlank()) {
                return;
            }
            record(new EventPayload.SupervisorSay(text, operator));
            // A new text frame cuts the agent's preemptible speech (protocol.md §3.1).
            send(new OutboundMessage.Text(text, true, null, null, false));
            agent.onSupervisorSaid(text);
        });
    }

    void interrupt() {
        interrupt(operator());
    }

    void interrupt(String operator) {
        executor.execute(() -> {
            if (!live()) {
                return;
            }
            record(new EventPayload.SupervisorInterrupt(operator));
            agent.onSupervisorInterrupt();
            // There is no outbound interrupt; an empty final token cuts preemptible speech.
            send(new OutboundMessage.Text("", true, null, null, false));
            if (state == CallState.AI_SPEAKING) {
                setState(CallState.LISTENING);
            }
        });
    }

    void takeOver() {
        takeOver(operator());
    }

    void takeOver(String operator) {
        executor.execute(() -> {
            if (!live() || supervisorHolds) {
                return;
            }
            supervisorHolds = true;
            record(new EventPayload.SupervisorTakeover(operator));
            agent.onTakeOver();
            setState(CallState.SUPERVISOR);
        });
    }

    void release() {
        release(operator());
    }

    void release(String operator) {
        release(operator, null);
    }

    /** {@code reason}: why the hold ends without its holder's click (recorded for the transcript), or null. */
    void release(String operator, String reason) {
        executor.execute(() -> {
            if (!supervisorHolds) {
                return;
            }
            supervisorHolds = false;
            record(new EventPayload.SupervisorRelease(operator, reason));
            setState(live() ? CallState.LISTENING : CallState.ENDED);
            agent.onRelease();
        });
    }

    void whisper(String guidance) {
        whisper(guidance, operator());
    }

    void whisper(String guidance, String operator) {
        executor.execute(() -> {
            if (endedAt != null || guidance == null || guidance.isBlank()) {
                return;
            }
            record(new EventPayload.SupervisorWhisper(guidance, operator));
            agent.onWhisper(guidance);
        });
    }

    void switchLanguage(String ttsLanguage, String transcriptionLanguage) {
        switchLanguage(ttsLanguage, transcriptionLanguage, operator());
    }

    void switchLanguage(String ttsLanguage, String transcriptionLanguage, String operator) {
        executor.execute(() -> {
            if (!live()) {
                return;
            }
            OutboundMessage.Language message;
            try {
                message = new OutboundMessage.Language(ttsLanguage, transcriptionLanguage);
            } catch (InvalidMessageException e) {
                record(new EventPayload.SendFailed("language", e.getMessage()));
                return;
            }
            record(new EventPayload.SupervisorLanguage(message.ttsLanguage(), message.transcriptionLanguage(), operator));
            if (send(message) && message.ttsLanguage() != null) {
                language = message.ttsLanguage();
            }
        });
    }

    void setInterruptible(boolean interruptible, String operator) {
        executor.execute(() -> {
            if (!live()) {
                return;
            }
            this.interruptible = interruptible;
            record(new EventPayload.SupervisorInterruptible(interruptible, operator));
        });
    }

    void end(String reason, boolean handToHuman) {
        end(reason, handToHuman, operator());
    }

    void end(String reason, boolean handToHuman, String operator) {
        executor.execute(() -> {
            if (!live()) {
                return;
            }
            ObjectNode handoff = JSON.createObjectNode();
            handoff.put("reason", reason == null || reason.isBlank() ? "ended by supervisor" : reason);
            handoff.put("handToHuman", handToHuman);
            handoff.put("by", "supervisor");
            record(new EventPayload.SupervisorEnd(handoff.get("reason").asText(), handToHuman, operator));
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

    /** True while a relay socket is open for this call (any thread). */
    boolean hasOpenSocket() {
        RelayConnection c = connection;
        return c != null && c.isOpen();
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
            record(new EventPayload.SendFailed(message.type(), "no open relay session"));
            return false;
        }
        message = withInterruptible(message);
        String frame = ProtocolCodec.encode(message);
        record(new EventPayload.FrameSent(message.type(), frame));
        write(message, frame);
        return true;
    }

    @Override
    public boolean sendAgentToken(long turn, String token) {
        OutboundMessage.Text message = SentFrames.agentTokenFrame(token, interruptible);
        // One event per token: the AGENT_TOKEN record is also the record of its frame.
        record(new EventPayload.AgentToken(turn, token, interruptible));
        if (connection == null || !connection.isOpen()) {
            record(new EventPayload.SendFailed(message.type(), "no open relay session"));
            return false;
        }
        write(message, ProtocolCodec.encode(message));
        return true;
    }

    /**
     * Stamps the supervisor's barge-in choice on a text/play frame that does not set its own
     * (none does today; a frame that did would keep its value).
     */
    private OutboundMessage withInterruptible(OutboundMessage message) {
        if (interruptible == null) {
            return message;
        }
        if (message instanceof OutboundMessage.Text t && t.interruptible() == null) {
            return new OutboundMessage.Text(t.token(), t.last(), t.lang(), interruptible, t.preemptible());
        }
        if (message instanceof OutboundMessage.Play p && p.interruptible() == null) {
            return new OutboundMessage.Play(p.source(), p.loop(), p.preemptible(), interruptible);
        }
        return message;
    }

    private void write(OutboundMessage message, String frame) {
        connection.sendText(frame, failure -> {
            if (failure != null) {
                executor.execute(() -> record(new EventPayload.SendFailed(message.type(),
                        String.valueOf(failure.getMessage()))));
            }
        });
    }

    @Override
    public CallEvent record(EventPayload payload) {
        CallEvent event = new CallEvent(callId, nextSeq++, clock.instant(), payload);
        events.add(event);
        eventCount++; // only the executor writes: the volatile write publishes it to snapshots
        if (eventCount > EVENT_WINDOW) {
            events.poll();
        }
        try {
            publisher.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("Event listener failed on {} of {}", payload.kind(), callId, e);
        }
        Attention.Reason reason = attention.observe(event);
        if (reason != null) {
            record(new EventPayload.AttentionRaised(reason.name(), reason.label, event.seq()));
        }
        for (EventPayload.Alert alert : alerting.observe(event, currentRules())) {
            record(alert);
        }
        return event;
    }

    // ---- attention rules (any thread; evaluated on the executor) ----

    /** Where this call reads the supervisor's rules from (the registry's current list). */
    void alertRules(Supplier<List<AlertRule>> rules) {
        this.alertRules = rules == null ? List::of : rules;
    }

    private List<AlertRule> currentRules() {
        try {
            List<AlertRule> rules = alertRules.get();
            return rules == null ? List.of() : rules;
        } catch (RuntimeException e) {
            LOG.warn("Reading the attention rules failed; none apply to this event", e);
            return List.of();
        }
    }

    /** The registry's timer tick: the timed rules (silence, duration) are checked on the executor. */
    void checkAlertTimers() {
        executor.execute(() -> {
            for (EventPayload.Alert alert : alerting.tick(clock.instant(), live(), currentRules())) {
                record(alert);
            }
        });
    }

    /**
     * A supervisor acknowledged the alert recorded at {@code alertSeq}: recorded once, with their
     * name (the audit trail). An unknown or already acknowledged alert is ignored.
     */
    void acknowledgeAlert(long alertSeq, String operator) {
        executor.execute(() -> {
            String ruleId = alerting.openAlert(alertSeq);
            if (ruleId != null) {
                record(new EventPayload.AlertAcknowledged(alertSeq, ruleId, operator));
            }
        });
    }

    /** The caller's rolling sentiment (executor only; for tests). */
    double mood() {
        return alerting.mood();
    }

    @Override
    public void setState(CallState newState) {
        if (newState == state) {
            return;
        }
        CallState old = state;
        state = newState;
        record(new EventPayload.StateChanged(old, newState));
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

    /** The call's newest events (at most {@link #EVENT_WINDOW}), oldest first. */
    List<CallEvent> events() {
        return new ArrayList<>(events);
    }

    /**
     * An ended call keeps only its last {@code tail} events in memory (the end, its summary): the
     * list shows it from its summary, and a console that opens it reads the rest from the store.
     */
    void keepTailAfterEnd(int tail) {
        executor.execute(() -> {
            if (!ended() || tailOnly) {
                return;
            }
            tailOnly = true;
            for (int drop = events.size() - tail; drop > 0; drop--) {
                events.poll();
            }
        });
    }

    /** The seq of the oldest event still in memory (1 until the window starts dropping). */
    long firstSeqInWindow() {
        CallEvent first = events.peek();
        return first == null ? 1 : first.seq();
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

    /** How many relay sessions (sockets) this call has had; a reconnect makes it grow. */
    int sessionNumber() {
        return sessionCount;
    }

    /** The embedded console's operator: the OS user (API commands name their supervisor account). */
    private static String operator() {
        return System.getProperty("user.name", "unknown");
    }
}
