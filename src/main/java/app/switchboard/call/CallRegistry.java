package app.switchboard.call;

import app.switchboard.concurrent.Threads;
import app.switchboard.protocol.InboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All calls of this relay, keyed by {@code callSid}: the in-process {@link CallControl}.
 * A relay session that reconnects on the same call continues its {@link CallSession}.
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

    private record Ended(CallSession session, Instant at) {
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

    private final Map<String, CallSession> calls = new ConcurrentHashMap<>();
    private final List<Consumer<CallEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService pool;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final CallAgent.Factory agentFactory;
    private final List<String> languages;
    private final String defaultLanguage;
    private final Duration endGrace;
    private final EndedCalls endedCalls;
    private final OutboundAttempts outbound;
    /** Who holds which call: the one place take-over is made exclusive, for embedded and remote consoles alike. */
    private final CallHolds holds = new CallHolds(calls::get);
    private volatile Supplier<String> embeddedOperator = () -> System.getProperty("user.name", "unknown");
    private volatile Supplier<RelayStatus> status = () -> new RelayStatus("", "", 0, "", false, "", 0, false);
    private volatile Reconnects reconnects = Reconnects.OFF;
    /** The supervisor's attention rules; every call reads the current list at each event and tick. */
    private volatile List<AlertRule> alertRules = List.of();
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
        this.defaultLanguage = defaultLanguage;
        this.endGrace = endGrace;
        this.clock = clock;
        this.endedCalls = endedCalls;
        this.outbound = new OutboundAttempts(clock);
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
        this.pool = Executors.newFixedThreadPool(threads, Threads.numbered("call-"));
        this.timers = Executors.newSingleThreadScheduledExecutor(Threads.numbered("call-timer-"));
        // Calls end without any new call arriving (a quiet night after a busy hour): prune on a timer.
        long every = endedCalls.pruneEvery().toMillis();
        timers.scheduleWithFixedDelay(this::pruneEndedCalls, every, every, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::checkAlertTimers, ALERT_TICK.toMillis(), ALERT_TICK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * The timed attention rules of every live call, on each call's executor (one timer for all
     * calls, no thread per call). Nothing is queued while no timed rule is on.
     */
    void checkAlertTimers() {
        try {
            boolean timed = alertRules.stream().anyMatch(r -> r.enabled()
                    && (r.kind() == AlertRule.Kind.SILENCE || r.kind() == AlertRule.Kind.DURATION));
            if (!timed) {
                return;
            }
            for (CallSession s : calls.values()) {
                if (!s.ended()) {
                    s.checkAlertTimers();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Checking the timed attention rules failed; trying again at the next tick", e);
        }
    }

    @Override
    public boolean alertRules(List<AlertRule> rules) {
        this.alertRules = rules == null ? List.of() : List.copyOf(rules);
        return true;
    }

    /** The attention rules in force. */
    public List<AlertRule> alertRules() {
        return alertRules;
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
        return new OperatedBy(name == null || name.isBlank() ? System.getProperty("user.name", "unknown") : name);
    }

    /**
     * A relay socket received a setup frame: find the call (a reconnect) or start one. With
     * application reconnect on, a call this relay does not hold is looked up in the stored
     * record and, if it may still be resumed, goes on from there. The caller (the relay) has
     * already checked that the socket may have this call.
     *
     * @return the call, or null when the socket is refused: the call's session is still open on
     *         another relay (a cluster node), so this one would be a second session (the relay closes it 1008)
     */
    public CallSession attach(InboundMessage.Setup setup, RelayConnection socket) {
        String callId = setup.callSid() == null || setup.callSid().isBlank()
                ? "unknown-" + setup.sessionId() : setup.callSid();
        CallResumption.StoredCall stored = storedCall(callId);
        if (stored != null && stored.openOn() != null) {
            // Issue 11's rule across relays: Twilio opens one socket per call, and the call's session
            // is still open on another node (half-open there, until it notices): a second session.
            LOG.warn("Refused a relay session for call {} from {}: its session is still open on {}", callId,
                    socket.remoteAddress(), stored.openOn());
            return null;
        }
        boolean[] restored = {false};
        CallSession session = calls.compute(callId, (id, existing) -> {
            if (existing != null && !existing.ended()) {
                return existing;
            }
            restored[0] = stored != null;
            return stored != null ? restoredSession(id, stored) : newSession(id);
        });
        if (restored[0] && stored.heldBy() != null) {
            // The supervisor who held the call where it was goes on holding it here. The session
            // applies the hold as its socket attaches (before any frame of it reaches the agent);
            // this lists the holder, so another supervisor's take-over is refused as on one node.
            holds.claim(callId, stored.heldBy());
        }
        if (restored[0]) {
            try {
                // Outside the map's lock, before the socket is answered: a cluster node becomes the owner here.
                reconnects.stored().resumed(stored);
            } catch (RuntimeException e) {
                LOG.warn("Taking over call {} was not confirmed where it was found; the call goes on here", callId, e);
            }
        }
        session.attach(setup, socket, reconnects.enabled());
        return session;
    }

    /**
     * The stored state of a call this relay does not hold, when a reconnect may resume it; else
     * null. A call this relay holds, even ended, is never looked up: memory knows how it ended,
     * while the store may not have written that end yet.
     */
    private CallResumption.StoredCall storedCall(String callId) {
        Reconnects policy = reconnects;
        if (!policy.enabled() || calls.containsKey(callId)) {
            return null;
        }
        try {
            // Read outside the map's lock: a store read must not hold up other calls' setups.
            // A call open on another relay is returned whatever its age: its socket is refused.
            return policy.stored().find(callId)
                    .filter(c -> c.openOn() != null || c.resumable(clock.instant(), policy.waitFor()))
                    .orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Reading the stored state of call {} failed; it starts as a new call", callId, e);
            return null;
        }
    }

    private CallSession newSession(String callId) {
        CallSession session = new CallSession(callId, new SerialExecutor(pool), clock, this::publish,
                languages, defaultLanguage, agentFactory);
        session.alertRules(this::alertRules);
        return session;
    }

    private CallSession restoredSession(String callId, CallResumption.StoredCall stored) {
        LOG.info("Call {} resumes from its record after seq {}", callId, stored.lastSeq());
        CallSession session = new CallSession(callId, new SerialExecutor(pool), clock, this::publish,
                languages, defaultLanguage, agentFactory, stored);
        session.alertRules(this::alertRules);
        return session;
    }

    /**
     * Ended calls stay listed for the supervisor, but not forever: the store keeps history,
     * memory keeps the most recent {@link EndedCalls#keep()} ones, none older than
     * {@link EndedCalls#keepFor()}. Each end time is read once, so sorting costs O(n log n).
     */
    /** Events an ended call keeps in memory; the store has the rest (see {@link CallSession#keepTailAfterEnd}). */
    static final int ENDED_TAIL = 100;

    void pruneEndedCalls() {
        try {
            Instant oldest = clock.instant().minus(endedCalls.keepFor());
            List<Ended> ended = new ArrayList<>();
            for (CallSession s : calls.values()) {
                Instant at = s.endedAt();
                if (at != null) {
                    ended.add(new Ended(s, at));
                }
            }
            ended.sort(Comparator.comparing(Ended::at));
            int excess = ended.size() - endedCalls.keep();
            for (int i = 0; i < ended.size(); i++) {
                Ended e = ended.get(i);
                if (i < excess || e.at().isBefore(oldest)) {
                    calls.remove(e.session().callId(), e.session());
                } else {
                    e.session().keepTailAfterEnd(ENDED_TAIL);
                }
            }
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
        Reconnects policy = reconnects;
        boolean awaitReconnect = policy.enabled() && limit == null && code != 1000;
        Duration wait = awaitReconnect ? policy.waitFor() : endGrace;
        session.onSocketClosed(socket, code, reason, limit, awaitReconnect, sessionsAtClose -> {
            try {
                timers.schedule(() -> {
                    // A socket that came since (a reconnect) has the call now; only a call still without one ends.
                    if (!session.ended() && !socket.isOpen() && session.sessionNumber() == sessionsAtClose
                            && session.summary().state() == CallState.ENDED) {
                        session.endCall(code == 1000 ? "relay session closed" : "relay session lost (" + code + ")");
                    }
                }, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // The registry is closing: it ends every call itself.
            }
        });
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

    private volatile ActionsElsewhere actionsElsewhere = ActionsElsewhere.NONE;

    /** A cluster node routes the action webhooks of other nodes' calls (the load balancer sends them to any node). */
    public void actionsElsewhere(ActionsElsewhere routing) {
        this.actionsElsewhere = routing == null ? ActionsElsewhere.NONE : routing;
    }

    /** Records the action webhook on its call; {@code outcome} is what the relay answered. */
    public void actionCallback(String callSid, Map<String, String> form, String outcome) {
        CallSession session = callSid == null ? null : calls.get(callSid);
        if (session == null) {
            if (callSid == null || !actionsElsewhere.route(callSid, form, outcome)) {
                LOG.info("Action callback for unknown call {} ({})", callSid, form.get("SessionStatus"));
            }
            return;
        }
        session.onActionCallback(form, outcome);
    }

    /** Outbound calls placed through the account, and their status callbacks. */
    public OutboundAttempts outbound() {
        return outbound;
    }

    public CallSession find(String callId) {
        return calls.get(callId);
    }

    /**
     * A socket for the call reached another relay ({@code where}, a cluster node), which asks
     * before taking the call over. True while this relay holds a socket for the call that it
     * believes open: the other relay then refuses its socket, and the call records the refusal
     * here as for a second socket reaching this relay (issue 11).
     */
    public boolean refusesSecondSession(String callId, String where) {
        CallSession session = calls.get(callId);
        if (session == null || !session.hasOpenSocket()) {
            return false;
        }
        session.secondSessionRefusedElsewhere(where);
        return true;
    }

    /**
     * Another relay (a cluster node) went on with this call after its socket dropped here: this
     * relay lets go of it without a word. Nothing more it would record for the call (the end its
     * reconnect wait would write, say) is published: the call's seq goes on where it is now.
     * A call with an open socket here is not given up (Twilio has one socket per call).
     */
    public boolean handOver(String callId) {
        CallSession session = calls.get(callId);
        if (session == null || session.hasOpenSocket()) {
            return false;
        }
        handedOver.add(callId);
        calls.remove(callId, session);
        try {
            // Longer than any wait that could still record for it.
            timers.schedule(() -> handedOver.remove(callId), reconnects.waitFor().plus(endGrace).plusMinutes(1).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // closing: the set goes with the registry
        }
        LOG.info("Call {} handed over to another relay node", callId);
        return true;
    }

    private final java.util.Set<String> handedOver = ConcurrentHashMap.newKeySet();

    private void publish(CallEvent event) {
        if (handedOver.contains(event.callId())) {
            return;
        }
        if (event.payload() instanceof EventPayload.CallEnded) {
            holds.callEnded(event.callId());
        }
        for (Consumer<CallEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException | LinkageError e) {
                // A LinkageError too: a view class that failed to initialise must not take the
                // call's state change, or the listeners after it, down with it.
                LOG.warn("Call event listener failed", e);
            }
        }
    }

    public long liveCalls() {
        return calls.values().stream().filter(s -> !s.ended()).count();
    }

    // ---- CallControl ----

    @Override
    public List<CallSummary> calls() {
        return calls.values().stream().map(s -> s.summary().withHeldBy(holds.heldBy(s.callId())))
                .sorted(Comparator.comparing(CallSummary::startedAt)).toList();
    }

    @Override
    public List<CallEvent> events(String callId) {
        CallSession session = calls.get(callId);
        return session == null ? List.of() : session.events();
    }

    @Override
    public AutoCloseable subscribe(Consumer<CallEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
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
        CallSession session = calls.get(callId);
        return session == null ? 0 : session.firstSeqInWindow();
    }

    @Override
    public CallControl operatedBy(String operator) {
        if (operator == null || operator.isBlank()) {
            throw new IllegalArgumentException("an operator name is required");
        }
        return new OperatedBy(operator);
    }

    /** The registry, with commands recorded under a named operator. */
    private final class OperatedBy implements CallControl {
        private final String operator;

        OperatedBy(String operator) {
            this.operator = operator;
        }

        @Override
        public List<CallSummary> calls() {
            return CallRegistry.this.calls();
        }

        @Override
        public List<CallEvent> events(String callId) {
            return CallRegistry.this.events(callId);
        }

        @Override
        public long firstSeqInWindow(String callId) {
            return CallRegistry.this.firstSeqInWindow(callId);
        }

        @Override
        public AutoCloseable subscribe(Consumer<CallEvent> listener) {
            return CallRegistry.this.subscribe(listener);
        }

        @Override
        public RelayStatus status() {
            return CallRegistry.this.status();
        }

        @Override
        public List<OutboundAttempt> outboundAttempts() {
            return CallRegistry.this.outboundAttempts();
        }

        @Override
        public AutoCloseable subscribeOutbound(Consumer<OutboundAttempt> listener) {
            return CallRegistry.this.subscribeOutbound(listener);
        }

        @Override
        public List<String> languages() {
            return languages;
        }

        @Override
        public void say(String callId, String text) {
            with(callId, s -> s.say(text, operator));
        }

        @Override
        public void interrupt(String callId) {
            with(callId, s -> s.interrupt(operator));
        }

        @Override
        public void switchLanguage(String callId, String ttsLanguage, String transcriptionLanguage) {
            with(callId, s -> s.switchLanguage(ttsLanguage, transcriptionLanguage, operator));
        }

        @Override
        public void setInterruptible(String callId, boolean interruptible) {
            with(callId, s -> s.setInterruptible(interruptible, operator));
        }

        @Override
        public void end(String callId, String reason, boolean handToHuman) {
            with(callId, s -> s.end(reason, handToHuman, operator));
        }

        @Override
        public void takeOver(String callId) {
            String holder = takeOverUnlessHeld(callId);
            if (holder != null) {
                LOG.info("Take-over of call {} by {} refused: held by {}", callId, operator, holder);
            }
        }

        @Override
        public void release(String callId) {
            String holder = releaseIfHolder(callId);
            if (holder != null) {
                LOG.info("Release of call {} by {} refused: held by {}", callId, operator, holder);
            }
        }

        @Override
        public String takeOverUnlessHeld(String callId) {
            return holds.claim(callId, operator);
        }

        @Override
        public String releaseIfHolder(String callId) {
            return holds.release(callId, operator, null);
        }

        @Override
        public void releaseAbandoned(String callId, String holder, String reason) {
            CallRegistry.this.releaseAbandoned(callId, holder, reason);
        }

        @Override
        public SupervisorPresence presence() {
            return CallRegistry.this.presence();
        }

        @Override
        public void supervisorsOnline(List<SupervisorPresence.Supervisor> supervisors) {
            CallRegistry.this.supervisorsOnline(supervisors);
        }

        @Override
        public AutoCloseable subscribePresence(Consumer<SupervisorPresence> listener) {
            return CallRegistry.this.subscribePresence(listener);
        }

        @Override
        public void whisper(String callId, String guidance) {
            with(callId, s -> s.whisper(guidance, operator));
        }

        @Override
        public CallControl operatedBy(String other) {
            return CallRegistry.this.operatedBy(other);
        }

        @Override
        public boolean acknowledgeAlert(String callId, long alertSeq) {
            CallSession session = calls.get(callId);
            if (session == null) {
                LOG.info("Acknowledgement for unknown call {} ignored", callId);
                return false;
            }
            session.acknowledgeAlert(alertSeq, operator);
            return true;
        }

        @Override
        public boolean alertRules(List<AlertRule> rules) {
            return CallRegistry.this.alertRules(rules);
        }
    }

    private void with(String callId, Consumer<CallSession> command) {
        CallSession session = calls.get(callId);
        if (session == null) {
            LOG.info("Command for unknown call {} ignored", callId);
            return;
        }
        command.accept(session);
    }

    @Override
    public void close() {
        calls.values().forEach(s -> s.endCall(RELAY_STOPPED));
        timers.shutdownNow();
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
