package app.switchboard.supervisor;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    public SupervisorHub(CallControl calls, SupervisorAccounts accounts, String relayName, Limits limits) {
        this.calls = calls;
        this.accounts = accounts;
        this.relayName = relayName;
        this.limits = limits;
        this.failures = new FailedAttempts(limits.maxFailures(), limits.failureWindow());
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "supervisor-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.subscription = calls.subscribe(this::onEvent);
    }

    private void onEvent(CallEvent event) {
        if (connections.isEmpty()) {
            return;
        }
        SharedEvent shared = new SharedEvent(event);
        for (SupervisorEndpoint c : connections) {
            c.offer(shared);
        }
    }

    /** A console for this account, after the upgrade was authenticated. */
    SupervisorEndpoint endpointFor(String account) {
        return new SupervisorEndpoint(this, account);
    }

    void opened(SupervisorEndpoint endpoint) {
        connections.add(endpoint);
    }

    void closed(SupervisorEndpoint endpoint) {
        connections.remove(endpoint);
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

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("Unsubscribing the supervisor hub failed", e);
        }
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
