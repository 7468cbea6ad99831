package app.switchboard.supervisor;

import app.switchboard.concurrent.Threads;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.call.SupervisorPresence;
import app.switchboard.history.CallHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's side of the supervisor API: one subscription to the calls, fanned out to every
 * connected console. A call's executor only appends the event to each console's bounded queue
 * (no encoding, no I/O); the {@code supervisor-send} threads encode and write. An event is
 * encoded once, however many consoles receive it.
 */
public final class SupervisorHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorHub.class);

    /** Per-connection limits; a console past {@code maxQueued} unsent events gets a fresh snapshot instead. */
    public record Limits(int maxQueued, int maxPendingReplies, int maxFailures, Duration failureWindow) {
        public static final Limits DEFAULT = new Limits(4096, 256, 10, Duration.ofMinutes(1));
    }

    /** An event shared by every console's queue, encoded at most once. */
    static final class SharedEvent {
        final CallEvent event;
        private volatile String json;

        SharedEvent(CallEvent event) {
            this.event = event;
        }

        String json() {
            String j = json;
            if (j == null) {
                j = SupervisorCodec.encode(new SupervisorMessage.Event(event));
                json = j;
            }
            return j;
        }
    }

    private final CallControl calls;
    private final SupervisorAccounts accounts;
    private final String relayName;
    private final Limits limits;
    private final FailedAttempts failures;
    private final List<SupervisorEndpoint> connections = new CopyOnWriteArrayList<>();
    private final ExecutorService senders;
    private final AutoCloseable subscription;
    private final java.util.concurrent.atomic.LongAdder resyncs = new java.util.concurrent.atomic.LongAdder();
    private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> resyncsByAccount =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** How long a holder's hold outlives their last console by default (Settings.holdGraceSeconds). */
    public static final Duration DEFAULT_HOLD_GRACE = Duration.ofSeconds(30);

    private final HoldGrace holdGrace;
    private final ExecutorService historyWork;
    /** Pings every console ({@link KeepAlive}). */
    private final ScheduledExecutorService pings;
    private volatile PingTiming pingTiming = PingTiming.DEFAULT;
    private final AutoCloseable presenceSubscription;
    private volatile CallHistory history;

    public SupervisorHub(CallControl calls, SupervisorAccounts accounts, String relayName, Limits limits) {
        this(calls, accounts, relayName, limits, DEFAULT_HOLD_GRACE);
    }

    /**
     * @param holdGrace how long a call stays held after its holder's last console disconnected:
     *                  a console back within it keeps the hold; after it, the AI takes the call back
     */
    public SupervisorHub(CallControl calls, SupervisorAccounts accounts, String relayName, Limits limits,
                         Duration holdGrace) {
        this.holdGrace = new HoldGrace(calls, holdGrace,
                account -> connections.stream().anyMatch(c -> c.account().equals(account)));
        // Store reads may block on the disk: never on a socket's or a sender's thread.
        this.historyWork = Executors.newSingleThreadExecutor(Threads.named("supervisor-history"));
        this.pings = Executors.newSingleThreadScheduledExecutor(Threads.named("supervisor-pings"));
        this.calls = calls;
        this.accounts = accounts;
        this.relayName = relayName;
        this.limits = limits;
        this.failures = new FailedAttempts(limits.maxFailures(), limits.failureWindow());
        this.senders = Executors.newFixedThreadPool(2, Threads.numbered("supervisor-send-"));
        this.subscription = calls.subscribe(this::onEvent);
        this.presenceSubscription = calls.subscribePresence(this::onPresence);
        this.cluster = new ClusterFeed(calls, pings, connections);
        cluster.every(DEFAULT_CLUSTER_POLL);
    }

    /** The call history consoles may search, open and export over {@code /console}; without one they are refused. */
    public SupervisorHub history(CallHistory source) {
        this.history = source;
        return this;
    }

    CallHistory history() {
        return history;
    }

    /** How consoles are pinged, and how long one may stay silent before it is closed; for consoles connecting from now on. */
    public SupervisorHub keepAlive(PingTiming timing) {
        this.pingTiming = java.util.Objects.requireNonNull(timing, "timing");
        return this;
    }

    PingTiming pingTiming() {
        return pingTiming;
    }

    ScheduledExecutorService pings() {
        return pings;
    }

    // ---- the cluster's state, for remote consoles' banner ({@link ClusterFeed}) ----

    /** How often the cluster's state is read for changes (it is a few fields in memory). */
    public static final Duration DEFAULT_CLUSTER_POLL = Duration.ofSeconds(1);

    private final ClusterFeed cluster;

    /** Reads the cluster's state every {@code every} and tells each console when it changed. */
    public SupervisorHub clusterPolling(Duration every) {
        cluster.every(every);
        return this;
    }

    /** The cluster message as it stands now (sent to a console after its snapshot), or null on a single node. */
    String clusterJson() {
        return cluster.json();
    }

    // ---- live audio ({@link ConsoleAudio}) ----

    private volatile RelayAudio audio = RelayAudio.NONE;
    private final java.util.concurrent.atomic.LongAdder audioDropped = new java.util.concurrent.atomic.LongAdder();

    /** Where consoles' {@code listen} gets its audio; without it every {@code listen} is refused. */
    public SupervisorHub audio(RelayAudio source) {
        this.audio = java.util.Objects.requireNonNull(source, "source");
        return this;
    }

    RelayAudio audio() {
        return audio;
    }

    void countAudioDropped() {
        audioDropped.increment();
    }

    /** Audio frames dropped because a console did not read them in time, over all consoles since start. */
    public long audioDropped() {
        return audioDropped.sum();
    }

    /** The most audio frames waiting for one console now. */
    public int mostAudioQueued() {
        return connections.stream().mapToInt(SupervisorEndpoint::audioQueued).max().orElse(0);
    }

    /** Bytes of an export file per {@code exportChunk} message (base64 makes each a third larger on the wire). */
    private volatile int exportChunkBytes = 48 * 1024;

    SupervisorHub exportChunkBytes(int bytes) {
        this.exportChunkBytes = bytes;
        return this;
    }

    int exportChunkBytes() {
        return exportChunkBytes;
    }

    ExecutorService historyWork() {
        return historyWork;
    }

    // ---- presence and holds ----

    private void onPresence(SupervisorPresence presence) {
        if (connections.isEmpty()) {
            return;
        }
        String json = SupervisorCodec.encode(message(presence));
        for (SupervisorEndpoint c : connections) {
            c.presence(json);
        }
    }

    /** The presence message as it stands now (sent to a console after its snapshot). */
    String presenceJson() {
        return SupervisorCodec.encode(message(calls.presence()));
    }

    static SupervisorMessage.Presence message(SupervisorPresence presence) {
        List<SupervisorMessage.OnlineSupervisor> online = presence.supervisors().stream()
                .map(s -> new SupervisorMessage.OnlineSupervisor(s.name(), s.consoles(), s.watching())).toList();
        List<SupervisorMessage.Hold> holds = new TreeMap<>(presence.holders()).entrySet().stream()
                .map(e -> new SupervisorMessage.Hold(e.getKey(), e.getValue())).toList();
        return new SupervisorMessage.Presence(online, holds);
    }

    /** Who is connected and what they have open, told to the calls (which tell every presence listener). */
    void reportOnline() {
        Map<String, int[]> consoles = new TreeMap<>();
        Map<String, Set<String>> watching = new TreeMap<>();
        for (SupervisorEndpoint c : connections) {
            consoles.computeIfAbsent(c.account(), a -> new int[1])[0]++;
            Set<String> open = watching.computeIfAbsent(c.account(), a -> new TreeSet<>());
            if (c.watching() != null) {
                open.add(c.watching());
            }
        }
        List<SupervisorPresence.Supervisor> online = new ArrayList<>();
        consoles.forEach((name, n) -> online.add(new SupervisorPresence.Supervisor(name, n[0],
                List.copyOf(watching.get(name)))));
        calls.supervisorsOnline(online);
    }

    /** Tells {@code holder}'s consoles that another supervisor asks for a call; false when none is connected. */
    boolean askHolder(SupervisorMessage.HoldRequested request) {
        String json = SupervisorCodec.encode(request);
        boolean told = false;
        for (SupervisorEndpoint c : connections) {
            if (c.account().equals(request.heldBy())) {
                c.notice(json);
                told = true;
            }
        }
        return told;
    }

    private void onEvent(CallEvent event) {
        if (connections.isEmpty()) {
            return;
        }
        SharedEvent shared = new SharedEvent(event);
        boolean ended = event.kind() == app.switchboard.call.EventKind.CALL_ENDED;
        for (SupervisorEndpoint c : connections) {
            c.offer(shared);
            if (ended) {
                c.callEnded(event.callId());
            }
        }
    }

    /** A console for this account, after the upgrade was authenticated. */
    SupervisorEndpoint endpointFor(String account) {
        return endpointFor(account, false);
    }

    /** The same, sending batched {@code events} messages when the console reads them. */
    SupervisorEndpoint endpointFor(String account, boolean batches) {
        return new SupervisorEndpoint(this, account, batches);
    }

    void opened(SupervisorEndpoint endpoint) {
        connections.add(endpoint);
        holdGrace.back(endpoint.account());
        reportOnline();
    }

    void closed(SupervisorEndpoint endpoint) {
        if (connections.remove(endpoint)) {
            reportOnline();
            holdGrace.mayBeGone(endpoint.account());
        }
    }

    /** Consoles connected now. */
    public int connections() {
        return connections.size();
    }

    /** Snapshots sent because a console fell behind, over all consoles since start. */
    public long resyncs() {
        return resyncs.sum();
    }

    /** The longest queue of unsent events among the connected consoles now. */
    public int mostQueued() {
        return connections.stream().mapToInt(SupervisorEndpoint::queued).max().orElse(0);
    }

    /** Resyncs of the consoles signed in as {@code account}, since start. */
    public long resyncs(String account) {
        java.util.concurrent.atomic.LongAdder n = resyncsByAccount.get(account);
        return n == null ? 0 : n.sum();
    }

    void countResync(String account) {
        resyncs.increment();
        resyncsByAccount.computeIfAbsent(account, a -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    CallControl calls() {
        return calls;
    }

    List<CallSummary> summaries() {
        return calls.calls();
    }

    SupervisorAccounts accounts() {
        return accounts;
    }

    FailedAttempts failures() {
        return failures;
    }

    String relayName() {
        return relayName;
    }

    Limits limits() {
        return limits;
    }

    ExecutorService senders() {
        return senders;
    }

    /** How long a stopping relay waits for the consoles to be sent what is queued for them. */
    static final Duration SHUTDOWN_FLUSH = Duration.ofSeconds(2);

    /**
     * Waits, at most {@code max}, until every console has been sent what is queued for it: a
     * stopping relay ends its calls first, and those ends must reach the consoles before their
     * sockets close, or a console would show the calls live until it reconnects. A console too
     * slow to take them in time is closed anyway (it ends them when the relay no longer lists them).
     */
    void flushBeforeClosing(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (connections.stream().anyMatch(c -> !c.idle()) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Override
    public void close() {
        try {
            subscription.close();
            presenceSubscription.close();
        } catch (Exception e) {
            LOG.debug("Unsubscribing the supervisor hub failed", e);
        }
        holdGrace.close();
        historyWork.shutdownNow();
        pings.shutdownNow();
        flushBeforeClosing(SHUTDOWN_FLUSH);
        for (SupervisorEndpoint c : connections) {
            c.close(1001, "Relay stopping");
        }
        senders.shutdown();
        try {
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
