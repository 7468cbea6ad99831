package app.switchboard.call;

import app.switchboard.protocol.InboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All calls of this relay, keyed by {@code callSid}: the in-process {@link CallControl}.
 * A relay session that reconnects on the same call continues its {@link CallSession}.
 *
 * <p>The façade the relay, the console and the cluster use, owning the threads; its parts:
 * {@link LiveCalls} (the map, find or start a call), {@link EventFanOut} (listeners, isolated),
 * {@link EndedCallRetention} (forgetting ended calls), {@link ClosedSockets} (end grace, reconnect
 * wait, hand-over), {@link OperatorControl} (commands under an operator's name), {@link CallHolds},
 * {@link AttentionRules} (the rules in force, the timed check), {@link ClusterHooks} (what other
 * relays of a cluster call: actions elsewhere, second sessions, hand-over), {@link CallThreads}.
 */
public final class CallRegistry implements CallControl, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallRegistry.class);

    static final int MAX_ENDED_CALLS_KEPT = 200;

    /**
     * How many ended calls stay listed, for how long, and how often that is enforced. The store
     * keeps the record; memory keeps only recent ended calls for the supervisor's list.
     */
    public record EndedCalls(int keep, Duration keepFor, Duration pruneEvery) {
        public static final EndedCalls DEFAULT =
                new EndedCalls(MAX_ENDED_CALLS_KEPT, Duration.ofHours(1), Duration.ofSeconds(5));

        public EndedCalls {
            if (keep < 0 || keepFor.isNegative() || pruneEvery.isZero() || pruneEvery.isNegative()) {
                throw new IllegalArgumentException("keep >= 0, keepFor >= 0, pruneEvery > 0");
            }
        }
    }

    /** Why the relay ended the calls it held when it stopped; a reconnect may still resume them (see {@link CallResumption.StoredCall#resumable}). */
    public static final String RELAY_STOPPED = "relay stopped";

    /**
     * Twilio's application reconnect ({@code applicationReconnect="true"}, docs/reconnect.md):
     * whether a socket that dropped unexpectedly is waited for, for how long before the call ends
     * as it would without it, and where calls this relay does not hold are found.
     */
    public record Reconnects(boolean enabled, Duration waitFor, CallResumption stored) {
        public static final Reconnects OFF = new Reconnects(false, Duration.ZERO, CallResumption.NONE);

        public Reconnects {
            if (waitFor == null || waitFor.isNegative()) {
                throw new IllegalArgumentException("waitFor >= 0: " + waitFor);
            }
            stored = stored == null ? CallResumption.NONE : stored;
        }
    }

    private final LiveCalls calls;
    /** Who holds which call: the one place take-over is made exclusive, for embedded and remote consoles alike. */
    private final CallHolds holds;
    private final EventFanOut fanOut;
    private final EndedCallRetention retention;
    private final CallThreads threads = new CallThreads();
    private final CallAgent.Factory agentFactory;
    private final List<String> languages;
    private final ClosedSockets closedSockets;
    private final OutboundAttempts outbound;
    private final AttentionRules attention = new AttentionRules();
    private final ClusterHooks cluster;
    private volatile Supplier<String> embeddedOperator = () -> System.getProperty("user.name", "unknown");
    private volatile Supplier<RelayStatus> status = () -> new RelayStatus("", "", 0, "", false, "", 0, false);
    private volatile Reconnects reconnects = Reconnects.OFF;
    /** How often the timed rules (silence, duration) are checked: one timer for all calls. */
    static final Duration ALERT_TICK = Duration.ofSeconds(1);

    public CallRegistry(CallAgent.Factory agentFactory, List<String> languages, String defaultLanguage,
                        Duration endGrace, Clock clock) {
        this(agentFactory, languages, defaultLanguage, endGrace, clock, EndedCalls.DEFAULT);
    }

    public CallRegistry(CallAgent.Factory agentFactory, List<String> languages, String defaultLanguage,
                        Duration endGrace, Clock clock, EndedCalls endedCalls) {
        this.agentFactory = agentFactory;
        this.languages = List.copyOf(languages);
        this.outbound = new OutboundAttempts(clock);
        this.retention = new EndedCallRetention(endedCalls, clock);
        this.holds = new CallHolds(this::find);
        this.fanOut = new EventFanOut(holds);
        // The sessions publish straight to the fan-out: no hop through the registry per event.
        this.calls = new LiveCalls(threads.pool, clock, fanOut::publish, languages, defaultLanguage, agentFactory,
                attention::rules);
        this.closedSockets = new ClosedSockets(threads.timers, endGrace, this::reconnects, calls, fanOut);
        this.cluster = new ClusterHooks(calls, closedSockets);
        // Calls end without any new call arriving (a quiet night after a busy hour): prune on a timer.
        threads.every(endedCalls.pruneEvery(), this::pruneEndedCalls);
        threads.every(ALERT_TICK, this::checkAlertTimers);
    }

    /** The timed attention rules of every live call (see {@link AttentionRules#checkTimers}); the timer runs this. */
    void checkAlertTimers() {
        attention.checkTimers(calls::all);
    }

    @Override
    public boolean alertRules(List<AlertRule> rules) {
        attention.rules(rules);
        return true;
    }

    /** The attention rules in force. */
    public List<AlertRule> alertRules() {
        return attention.rules();
    }

    @Override
    public boolean acknowledgeAlert(String callId, long alertSeq) {
        return embedded().acknowledgeAlert(callId, alertSeq);
    }

    public CallRegistry(CallAgent.Factory agentFactory, List<String> languages, String defaultLanguage) {
        this(agentFactory, languages, defaultLanguage, Duration.ofSeconds(10), Clock.systemUTC());
    }

    /** The relay tells the console about itself through this. */
    public void statusSource(Supplier<RelayStatus> source) {
        this.status = source;
    }

    /** Turns application reconnect on or off (the settings); before the relay takes calls. */
    public void reconnects(Reconnects policy) {
        this.reconnects = policy == null ? Reconnects.OFF : policy;
    }

    public Reconnects reconnects() {
        return reconnects;
    }

    /**
     * The name the embedded console's commands are recorded under (and holds are held by): the
     * display name from the settings. Read at each command, so a changed setting applies at once.
     */
    public void embeddedOperator(Supplier<String> name) {
        this.embeddedOperator = name;
    }

    private CallControl embedded() {
        String name = embeddedOperator.get();
        return new OperatorControl(this, holds,
                name == null || name.isBlank() ? System.getProperty("user.name", "unknown") : name);
    }

    /**
     * A relay socket received a setup frame: find the call (a reconnect), resume it from its
     * record, or start one (see {@link LiveCalls#attach}). The caller (the relay) has already
     * checked that the socket may have this call.
     *
     * @return the call, or null when the socket is refused: the call's session is still open on
     *         another relay (a cluster node), so this one would be a second session (the relay closes it 1008)
     */
    public CallSession attach(InboundMessage.Setup setup, RelayConnection socket) {
        return calls.attach(setup, socket, reconnects, holds);
    }

    /** Ended calls leave memory by {@link EndedCalls}; the registry's timer runs this. */
    void pruneEndedCalls() {
        try {
            retention.prune(calls.byId());
        } catch (RuntimeException e) {
            LOG.warn("Pruning ended calls failed; trying again at the next tick", e);
        }
    }

    /** A frame on the call's current socket (the in-process relay of the tests and tools). */
    public void inbound(CallSession session, InboundMessage message) {
        session.onInbound(null, message);
    }

    /** A frame from {@code socket}; dropped unless that socket is the call's current one. */
    public void inbound(CallSession session, RelayConnection socket, InboundMessage message) {
        session.onInbound(socket, message);
    }

    public void frameTooLarge(CallSession session, RelayConnection socket, String detail, long limit) {
        session.onFrameTooLarge(socket, detail, limit);
    }

    /**
     * The socket closed. Twilio follows with the action webhook (reconnect or end); when none
     * comes within the grace period the call is marked ended, so no call stays live forever.
     */
    public void socketClosed(CallSession session, RelayConnection socket, int code, String reason) {
        socketClosed(session, socket, code, reason, null);
    }

    /**
     * As above, when the relay closed the socket because it tripped {@code limit} (a socket limit's
     * name). With application reconnect on, a socket that dropped unexpectedly (not a 1000 close,
     * not closed by the relay for a limit) is waited for up to {@link Reconnects#waitFor()}; if no
     * reconnect comes, the call ends as it would have without it.
     */
    public void socketClosed(CallSession session, RelayConnection socket, int code, String reason, String limit) {
        closedSockets.socketClosed(session, socket, code, reason, limit);
    }

    /**
     * Where the action webhook of a call this relay does not hold goes: a cluster node sends it to
     * the node that owns the call. Returns false when no other relay holds the call either.
     */
    @FunctionalInterface
    public interface ActionsElsewhere {
        ActionsElsewhere NONE = (callSid, form, outcome) -> false;

        boolean route(String callSid, Map<String, String> form, String outcome);
    }

    /** A cluster node routes the action webhooks of other nodes' calls (the load balancer sends them to any node). */
    public void actionsElsewhere(ActionsElsewhere routing) {
        cluster.actionsElsewhere(routing);
    }

    /** Records the action webhook on its call, or routes it to the relay that holds the call; {@code outcome} is what the relay answered. */
    public void actionCallback(String callSid, Map<String, String> form, String outcome) {
        cluster.actionCallback(callSid, form, outcome);
    }

    /** Outbound calls placed through the account, and their status callbacks. */
    public OutboundAttempts outbound() {
        return outbound;
    }

    public CallSession find(String callId) {
        return calls.find(callId);
    }

    /**
     * A socket for the call reached another relay ({@code where}, a cluster node), which asks
     * before taking the call over. True while this relay holds a socket for the call that it
     * believes open: the other relay then refuses its socket, and the call records the refusal
     * here as for a second socket reaching this relay (issue 11).
     */
    public boolean refusesSecondSession(String callId, String where) {
        return cluster.refusesSecondSession(callId, where);
    }

    /**
     * Another relay (a cluster node) went on with this call after its socket dropped here: this
     * relay lets go of it without a word. Nothing more it would record for the call (the end its
     * reconnect wait would write, say) is published: the call's seq goes on where it is now.
     * A call with an open socket here is not given up (Twilio has one socket per call).
     */
    public boolean handOver(String callId) {
        return cluster.handOver(callId);
    }

    public long liveCalls() {
        return calls.live();
    }

    // ---- CallControl ----

    @Override
    public List<CallSummary> calls() {
        return calls.all().stream().map(s -> s.summary().withHeldBy(holds.heldBy(s.callId())))
                .sorted(Comparator.comparing(CallSummary::startedAt)).toList();
    }

    @Override
    public List<CallEvent> events(String callId) {
        CallSession session = calls.find(callId);
        return session == null ? List.of() : session.events();
    }

    @Override
    public AutoCloseable subscribe(Consumer<CallEvent> listener) {
        return fanOut.subscribe(listener);
    }

    @Override
    public RelayStatus status() {
        return status.get();
    }

    @Override
    public List<OutboundAttempt> outboundAttempts() {
        return outbound.list();
    }

    @Override
    public AutoCloseable subscribeOutbound(Consumer<OutboundAttempt> listener) {
        return outbound.subscribe(listener);
    }

    @Override
    public List<String> languages() {
        return languages;
    }

    @Override
    public void say(String callId, String text) {
        embedded().say(callId, text);
    }

    @Override
    public void interrupt(String callId) {
        embedded().interrupt(callId);
    }

    @Override
    public void switchLanguage(String callId, String ttsLanguage, String transcriptionLanguage) {
        embedded().switchLanguage(callId, ttsLanguage, transcriptionLanguage);
    }

    @Override
    public void setInterruptible(String callId, boolean interruptible) {
        embedded().setInterruptible(callId, interruptible);
    }

    @Override
    public void end(String callId, String reason, boolean handToHuman) {
        embedded().end(callId, reason, handToHuman);
    }

    @Override
    public void takeOver(String callId) {
        embedded().takeOver(callId);
    }

    @Override
    public void release(String callId) {
        embedded().release(callId);
    }

    @Override
    public String takeOverUnlessHeld(String callId) {
        return embedded().takeOverUnlessHeld(callId);
    }

    @Override
    public String releaseIfHolder(String callId) {
        return embedded().releaseIfHolder(callId);
    }

    @Override
    public void whisper(String callId, String guidance) {
        embedded().whisper(callId, guidance);
    }

    // ---- holds and presence ----

    @Override
    public void releaseAbandoned(String callId, String holder, String reason) {
        holds.releaseAbandoned(callId, holder, reason);
    }

    @Override
    public SupervisorPresence presence() {
        return holds.presence();
    }

    @Override
    public void supervisorsOnline(List<SupervisorPresence.Supervisor> supervisors) {
        holds.supervisorsOnline(supervisors);
    }

    @Override
    public AutoCloseable subscribePresence(Consumer<SupervisorPresence> listener) {
        return holds.subscribe(listener);
    }

    @Override
    public long firstSeqInWindow(String callId) {
        CallSession session = calls.find(callId);
        return session == null ? 0 : session.firstSeqInWindow();
    }

    @Override
    public CallControl operatedBy(String operator) {
        if (operator == null || operator.isBlank()) {
            throw new IllegalArgumentException("an operator name is required");
        }
        return new OperatorControl(this, holds, operator);
    }

    @Override
    public void close() {
        calls.all().forEach(s -> s.endCall(RELAY_STOPPED));
        threads.close();
        if (agentFactory instanceof AutoCloseable owner) {
            // The agents' shared timers (AgentTimers) live as long as the registry that made the agents.
            try {
                owner.close();
            } catch (Exception e) {
                LOG.warn("Closing the agents' resources failed", e);
            }
        }
    }
}
