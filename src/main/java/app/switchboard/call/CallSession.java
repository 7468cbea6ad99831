package app.switchboard.call;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The façade the relay, the registry and the agent use. It keeps the per-event path (record,
 * send, the agent's tokens, the attention rules); its parts: {@link SessionSockets} (attach,
 * reconnect, close, end), {@link InboundFrames} (what Twilio's frames do), {@link SupervisorCommands}
 * (commands and the hold) and {@link EventWindow} (the newest events, the ended tail).
 * Over 400 lines: the per-event path (record, the agent's tokens, attention and alert rules) stays
 * in this one class so that no event or token pays a hop into another.
 */
public final class CallSession implements AgentPort {

    private static final Logger LOG = LoggerFactory.getLogger(CallSession.class);

    private final String callId;
    private final SerialExecutor executor;
    private final Clock clock;
    private final Consumer<CallEvent> publisher;
    private final List<String> languages;
    private final CallAgent agent;
    private final EventWindow window = new EventWindow();
    private final SessionSockets sockets;
    private final InboundFrames inbound = new InboundFrames(this);
    private final SupervisorCommands commands;
    private final Attention attention = new Attention();
    /** The supervisor's attention rules on this call (confined to the executor). */
    private final Alerting alerting;
    /** The rules as they are now: read at each event and tick, so a change applies to live calls. */
    private volatile Supplier<List<AlertRule>> alertRules = List::of;

    // Confined to the executor.
    private long nextSeq = 1;
    /**
     * The supervisor's barge-in choice, stamped on every later text/play frame as Twilio's
     * per-message {@code interruptible}; null until they choose (the TwiML default applies).
     */
    private Boolean interruptible;

    // Written on the executor, read by list snapshots on other threads.
    private volatile CallState state = CallState.GREETING;
    private volatile String language;
    private volatile Instant startedAt;

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
        this.sockets = new SessionSockets(this, clock);
        this.commands = new SupervisorCommands(this, executor);
        this.agent = agentFactory.create(this);
        this.alerting = new Alerting(Sentiment.shipped(), startedAt);
        if (stored != null) {
            nextSeq = stored.lastSeq() + 1;
            sockets.restore(stored);
            window.seed(stored.events());
            List<CallEvent> record = stored.events();
            executor.execute(() -> agent.restore(record));
        }
    }

    // ---- relay side (any thread) ----

    /** A relay socket delivered this call's setup frame. */
    void attach(InboundMessage.Setup frame, RelayConnection socket, boolean reconnectsEnabled) {
        executor.execute(() -> sockets.attach(frame, socket, reconnectsEnabled));
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

    /**
     * A frame from Twilio. Never throws; bad frames are recorded. Frames from a socket that is
     * not the call's current one (refused, superseded) are dropped; null means the current one.
     */
    void onInbound(RelayConnection socket, InboundMessage message) {
        executor.execute(() -> {
            if (sockets.isCurrent(socket)) {
                inbound.handle(message);
            }
        });
    }

    void onFrameTooLarge(RelayConnection socket, String detail, long limit) {
        executor.execute(() -> {
            if (sockets.isCurrent(socket)) {
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
                sockets.close(socket, code, reason, limit, awaitReconnect);
            } finally {
                handled.accept(sockets.sessionCount());
            }
        });
    }

    /** Twilio's {@code <Connect action>} webhook for this call. */
    void onActionCallback(Map<String, String> form, String outcome) {
        executor.execute(() -> sockets.actionCallback(form, outcome));
    }

    /** Marks the call over (after the action webhook, or when no webhook will come). */
    void endCall(String reason) {
        executor.execute(() -> sockets.end(reason));
    }

    // ---- supervisor side (any thread) ----

    /** The supervisor's commands on this call (say, interrupt, whisper, language, end, …). */
    SupervisorCommands commands() {
        return commands;
    }

    void takeOver(String operator) {
        commands.takeOver(operator);
    }

    /** {@code reason}: why the hold ends without its holder's click (recorded for the transcript), or null. */
    void release(String operator, String reason) {
        commands.release(operator, reason);
    }

    /** Sends {@code end}; the agent's tools use it too. */
    public boolean sendEnd(String handoffData) {
        boolean sent = send(new OutboundMessage.End(handoffData));
        if (sent) {
            sockets.endSent();
            agent.close();
        }
        return sent;
    }

    /** True while a relay socket is open for this call (any thread). */
    boolean hasOpenSocket() {
        return sockets.hasOpenSocket();
    }

    /** The call has not ended and its socket is open (executor). */
    boolean live() {
        return sockets.live();
    }

    // ---- for the parts (executor only) ----

    CallAgent agent() {
        return agent;
    }

    /** The seq of the last event recorded. */
    long lastSeq() {
        return nextSeq - 1;
    }

    void language(String language) {
        this.language = language;
    }

    void interruptible(boolean interruptible) {
        this.interruptible = interruptible;
    }

    /** Raises {@code reason} once per call (a refused socket: who knocked, which session). */
    void raiseAttention(Attention.Reason reason, String remoteAddress, String sessionId) {
        if (attention.raise(reason)) {
            record(new EventPayload.AttentionRaised(reason.name(), reason.label, null, remoteAddress, sessionId));
        }
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
        RelayConnection connection = sockets.connection();
        if (connection == null || !connection.isOpen()) {
            record(new EventPayload.SendFailed(message.type(), "no open relay session"));
            return false;
        }
        message = withInterruptible(message);
        String frame = ProtocolCodec.encode(message);
        record(new EventPayload.FrameSent(message.type(), frame));
        write(connection, message, frame);
        return true;
    }

    @Override
    public boolean sendAgentToken(long turn, String token) {
        OutboundMessage.Text message = SentFrames.agentTokenFrame(token, interruptible);
        // One event per token: the AGENT_TOKEN record is also the record of its frame.
        record(new EventPayload.AgentToken(turn, token, interruptible));
        RelayConnection connection = sockets.connection();
        if (connection == null || !connection.isOpen()) {
            record(new EventPayload.SendFailed(message.type(), "no open relay session"));
            return false;
        }
        write(connection, message, ProtocolCodec.encode(message));
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

    private void write(RelayConnection connection, OutboundMessage message, String frame) {
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
        window.add(event);
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
        return commands.holds();
    }

    @Override
    public InboundMessage.Setup setup() {
        return sockets.setup();
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

    /** The call's newest events (at most {@link EventWindow#SIZE}), oldest first. */
    List<CallEvent> events() {
        return window.snapshot();
    }

    /**
     * An ended call keeps only its last {@code tail} events in memory (the end, its summary): the
     * list shows it from its summary, and a console that opens it reads the rest from the store.
     */
    void keepTailAfterEnd(int tail) {
        executor.execute(() -> {
            if (ended()) {
                window.cutToTail(tail);
            }
        });
    }

    /** The seq of the oldest event still in memory (1 until the window starts dropping). */
    long firstSeqInWindow() {
        return window.firstSeq();
    }

    CallSummary summary() {
        return new CallSummary(callId, sockets.from(), sockets.to(), state, language, startedAt, sockets.endedAt(),
                window.count());
    }

    /** When the call ended, or null while it lives. */
    Instant endedAt() {
        return sockets.endedAt();
    }

    boolean ended() {
        return sockets.endedAt() != null;
    }

    boolean endRequestedBySupervisorOrAgent() {
        return sockets.endRequested();
    }

    /** How many relay sessions (sockets) this call has had; a reconnect makes it grow. */
    int sessionNumber() {
        return sockets.sessionCount();
    }
}
