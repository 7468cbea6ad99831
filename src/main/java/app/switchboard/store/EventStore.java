package app.switchboard.store;

import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallPage;
import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import app.switchboard.history.StoreHealth;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable call history: every {@link CallEvent} appended to a SQLite file (WAL) in the data
 * directory, with a calls table derived from the events and a word index for search.
 *
 * <p>The call side only enqueues ({@link #append} never blocks and never throws); one writer
 * thread commits whatever has arrived in one transaction (group commit), so the file is at most
 * one commit behind. When the file cannot be written (disk full, read-only folder, locked or
 * damaged file) the events wait in a bounded buffer, the oldest dropped and counted beyond it,
 * the writer retries with backoff, and {@link #health()} says what is wrong in words.
 *
 * <p>On the first successful open, calls that a previous run left without an end are ended
 * with reason {@value #CRASHED} (and a recorded {@code CALL_ENDED} event).
 */
public final class EventStore implements AutoCloseable {

    public static final String FILE_NAME = "switchboard.db";
    public static final String CRASHED = "relay crashed";
    /** Held while a store writes; a second Switchboard on the same folder waits instead of interfering. */
    public static final String LOCK_NAME = FILE_NAME + ".lock";

    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);
    /** Put in the inbox to wake the writer for a task or for close; never written. */
    private static final CallEvent WAKE = new CallEvent("", 0, Instant.EPOCH, new EventPayload.Info("wake", null));
    /** How long the file may be locked by someone else before the console is told. */
    private static final Duration BUSY_GRACE = Duration.ofSeconds(1);

    /**
     * How the store behaves. {@code retentionDays} is read at start and before each daily run,
     * so a changed setting takes effect without a restart; null runs no retention.
     */
    public record Options(int bufferCapacity, int maxBatch, Duration busyTimeout, Duration retryMin,
                          Duration retryMax, boolean syncFull, Duration closeTimeout, IntSupplier retentionDays,
                          Duration retentionInterval, Clock clock, Duration integrityCheckLimit) {

        public static Options defaults() {
            return new Options(100_000, 5_000, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(5),
                    false, Duration.ofSeconds(5), null, Duration.ofDays(1), Clock.systemUTC(), Duration.ofSeconds(3));
        }

        public Options withRetention(IntSupplier days) {
            return new Options(bufferCapacity, maxBatch, busyTimeout, retryMin, retryMax, syncFull, closeTimeout,
                    days, retentionInterval, clock, integrityCheckLimit);
        }

        public Options withBufferCapacity(int capacity) {
            return new Options(capacity, maxBatch, busyTimeout, retryMin, retryMax, syncFull, closeTimeout,
                    retentionDays, retentionInterval, clock, integrityCheckLimit);
        }

        public Options withRetry(Duration min, Duration max) {
            return new Options(bufferCapacity, maxBatch, busyTimeout, min, max, syncFull, closeTimeout,
                    retentionDays, retentionInterval, clock, integrityCheckLimit);
        }

        /** Sync every commit to the disk: survives power loss too, at a cost (see docs/store.md). */
        public Options withSyncFull(boolean full) {
            return new Options(bufferCapacity, maxBatch, busyTimeout, retryMin, retryMax, full, closeTimeout,
                    retentionDays, retentionInterval, clock, integrityCheckLimit);
        }

        /** How long the integrity check at start may take before it is skipped (a very large file). */
        public Options withIntegrityCheckLimit(Duration limit) {
            return new Options(bufferCapacity, maxBatch, busyTimeout, retryMin, retryMax, syncFull, closeTimeout,
                    retentionDays, retentionInterval, clock, limit);
        }

        public Options withClock(Clock newClock) {
            return new Options(bufferCapacity, maxBatch, busyTimeout, retryMin, retryMax, syncFull, closeTimeout,
                    retentionDays, retentionInterval, newClock, integrityCheckLimit);
        }
    }

    /** Counters for the benchmark and the status bar. */
    public record Stats(long accepted, long written, long dropped, int pending, long commits,
                        long commitNanos, long largestBatch) {
    }

    private final Path dir;
    private final Path file;
    private final Options options;
    private final HistoryReader reader;
    private final EventLog log;
    private final HistoryFile historyFile;
    private final Thread writer;
    private final Retention retention;
    private final Checkpointer checkpointer;

    // Call side -> writer.
    private final LinkedTransferQueue<CallEvent> inbox = new LinkedTransferQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong writerRestarts = new AtomicLong();
    private final Object settledLock = new Object();
    private long settled; // guarded by settledLock: written, found already written, or dropped
    private final List<AutoCloseable> subscriptions = new CopyOnWriteArrayList<>();
    private final HealthReporter reporter;
    private volatile boolean closing;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int pendingSize;

    // Writer thread only.
    private final ArrayDeque<CallEvent> pending = new ArrayDeque<>();
    private boolean recovered;
    private long retryAtNanos;
    private long failingSinceNanos;
    private Duration retryDelay;

    private EventStore(Path dir, Options options) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.options = options;
        this.reader = new HistoryReader(dir, file, options.busyTimeout());
        this.log = new EventLog(options.clock());
        this.historyFile = new HistoryFile(dir, file, options, log);
        this.reporter = new HealthReporter(dir, file, options);
        this.writer = new Thread(this::runWriter, "event-store-writer");
        this.writer.setDaemon(true);
        this.checkpointer = new Checkpointer(file, options.busyTimeout(), historyFile::writing);
        this.retention = new Retention(options, historyFile, log, reporter, this::submit);
    }

    /**
     * Opens (or creates) the history in {@code dataDir} and starts the writer. Never fails for
     * the file's sake: a problem shows in {@link #health()} and the writer keeps trying.
     */
    public static EventStore open(Path dataDir, Options options) {
        EventStore store = new EventStore(dataDir, options);
        store.writer.start();
        store.checkpointer.start();
        store.retention.start();
        return store;
    }

    public static EventStore open(Path dataDir) {
        return open(dataDir, Options.defaults());
    }

    /** Records every event of every call of {@code calls} from now on. */
    public EventStore attach(CallControl calls) {
        subscriptions.add(calls.subscribe(this::append));
        return this;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    // ---- call side: any thread, never blocks ----

    /** Queues one event for writing. Returns at once; safe from any thread. */
    public void append(CallEvent event) {
        if (closing) {
            dropped.incrementAndGet();
            return;
        }
        accepted.incrementAndGet();
        inbox.offer(event);
        if (inboxSize.incrementAndGet() > 2 * options.bufferCapacity()) {
            // An emergency bound for a writer stuck inside a disk call; normally the writer trims
            // its own buffer exactly (the oldest first) and this never runs.
            CallEvent oldest = inbox.poll();
            if (oldest == WAKE) {
                inbox.offer(WAKE);
            } else if (oldest != null) {
                inboxSize.decrementAndGet();
                dropped.incrementAndGet();
                settle(1);
            }
        }
    }

    /**
     * Waits until every event appended before this call is written (or dropped).
     *
     * @return false when that did not happen within {@code timeout}
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (settledLock) {
            while (settled < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(settledLock, left);
            }
        }
        return true;
    }

    public StoreHealth health() {
        return reporter.health();
    }

    /**
     * Tells {@code listener} the current health now and every change after, on the writer
     * thread (a UI hands it to its own thread). Close the result to stop.
     */
    public AutoCloseable onHealthChange(Consumer<StoreHealth> listener) {
        return reporter.onHealthChange(listener);
    }

    public Stats stats() {
        return new Stats(accepted.get(), log.written(), dropped.get(), pendingSize + inboxSize.get(), log.commits(),
                log.commitNanos(), log.largestBatch());
    }

    /**
     * Deletes calls that ended more than {@code days} days ago, with their events and words;
     * 0 or less deletes nothing. Runs on the writer between batches.
     *
     * @return the number of calls deleted
     */
    public CompletableFuture<Integer> applyRetention(int days) {
        return retention.apply(days);
    }

    /** Runs {@code work} on the writer between batches; package-private for fault tests. */
    CompletableFuture<Void> runOnWriter(Runnable work) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        submit(() -> {
            try {
                work.run();
                result.complete(null);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, result);
        return result;
    }

    // ---- reading: any thread, each on its own connection (see HistoryReader) ----

    /** A page of past calls matching {@code query}, newest first. */
    public CallPage history(HistoryQuery query) {
        return reader.history(query);
    }

    public Optional<CallRecord> call(String callId) {
        return reader.call(callId);
    }

    /**
     * Every stored event of one call, in the order it happened (seq order; a call id reused
     * after its end continues after the earlier events).
     */
    public List<CallEvent> events(String callId) {
        return reader.events(callId);
    }

    /** The supervisor's actions on one call, in order: the audit trail. */
    public List<AuditEntry> auditTrail(String callId) {
        return reader.auditTrail(callId);
    }

    /**
     * Writes every call matching {@code query} (paging ignored) with all its events to
     * {@code target}, streaming; the file appears whole or not at all. Interrupting the thread
     * cancels it ({@link java.util.concurrent.CancellationException}).
     *
     * @return the number of events written
     */
    public long export(HistoryQuery query, ExportFormat format, Path target, ExportProgress progress) {
        return reader.export(query, format, target, progress);
    }

    /** Writes one call with all its events to {@code target}; see {@link #export}. */
    public long exportCall(String callId, ExportFormat format, Path target, ExportProgress progress) {
        return reader.exportCall(callId, format, target, progress);
    }

    static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    // ---- writer thread ----

    private void submit(Runnable task, CompletableFuture<?> result) {
        if (closing) {
            result.completeExceptionally(new StoreException("The call history is closed", null));
            return;
        }
        tasks.add(task);
        inbox.offer(WAKE);
    }

    /**
     * The writer never stops for good while the store is open: a failure that escapes the loop
     * (an Error, a bug) is reported as FAILED where the console and /health look, and the loop
     * starts again from a fresh connection after a growing pause. Events keep arriving in the
     * bounded buffer meanwhile, so nothing grows without bound.
     */
    private void runWriter() {
        long pauseMillis = 100;
        while (true) {
            try {
                writeUntilClosed();
                return;
            } catch (Throwable fatal) {
                writerRestarts.incrementAndGet();
                LOG.error("The call history writer failed; restarting it in {} ms", pauseMillis, fatal);
                reporter.writerFailed(fatal, pending.size() + inboxSize.get(), dropped.get());
                try {
                    historyFile.disconnect();
                } catch (Throwable ignored) {
                    historyFile.abandon();
                }
                historyFile.releaseLock();
                if (closing) {
                    failTasks();
                    return;
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                pauseMillis = Math.min(pauseMillis * 2, 5_000);
            }
        }
    }

    /** How often the writer loop failed and was restarted since the store opened. */
    public long writerRestarts() {
        return writerRestarts.get();
    }

    private void writeUntilClosed() {
        long closeDeadline = Long.MAX_VALUE;
        while (true) {
            if (closing && closeDeadline == Long.MAX_VALUE) {
                closeDeadline = System.nanoTime() + options.closeTimeout().toNanos();
            }
            boolean work = historyFile.db() == null || !pending.isEmpty() || !tasks.isEmpty();
            long wait = !work ? TimeUnit.SECONDS.toNanos(1) : Math.max(0, retryAtNanos - System.nanoTime());
            if (closing) {
                wait = Math.min(wait, Math.max(0, Math.min(closeDeadline, retryAtNanos) - System.nanoTime()));
            }
            take(wait);
            if (closing && (pending.isEmpty() && tasks.isEmpty() && inboxSize.get() == 0
                    || System.nanoTime() >= closeDeadline)) {
                break;
            }
            if (System.nanoTime() < retryAtNanos) {
                continue;
            }
            if (historyFile.db() != null && pending.isEmpty() && tasks.isEmpty()) {
                continue;
            }
            try {
                historyFile.reopenIfDeleted();
                connect();
                runTasks();
                if (!pending.isEmpty()) {
                    writeBatch();
                }
                retryDelay = null;
                retryAtNanos = 0;
                failingSinceNanos = 0;
                reporter.healthy(historyFile.notice(), pending.size(), dropped.get());
            } catch (SQLException | IOException | RuntimeException e) {
                failed(e);
            }
        }
        int lost = pending.size() + inboxSize.get();
        if (lost > 0) {
            LOG.error("Call history closed with {} events not written: {}", lost,
                    reporter.health().message() == null ? "time ran out" : reporter.health().message());
        }
        historyFile.disconnect();
        historyFile.releaseLock();
        failTasks();
    }

    /** Moves arrived events into the bounded buffer, waiting up to {@code waitNanos} for the first. */
    private void take(long waitNanos) {
        CallEvent first = null;
        try {
            first = waitNanos > 0 ? inbox.poll(waitNanos, TimeUnit.NANOSECONDS) : inbox.poll();
        } catch (InterruptedException e) {
            // Nothing interrupts the writer (close() wakes it with WAKE); treat it as a wake-up.
        }
        int moved = 0;
        for (CallEvent e = first; e != null; e = inbox.poll()) {
            if (e == WAKE) {
                continue;
            }
            inboxSize.decrementAndGet();
            pending.addLast(e);
            moved++;
            if (pending.size() > options.bufferCapacity()) {
                pending.pollFirst();
                dropped.incrementAndGet();
                settle(1);
            }
        }
        if (moved > 0) {
            pendingSize = pending.size();
        }
    }

    private void connect() throws SQLException, IOException {
        if (historyFile.db() != null) {
            return;
        }
        historyFile.open();
        if (!recovered) {
            log.recoverUnfinishedCalls(historyFile.db());
            recovered = true;
        }
    }

    private void runTasks() {
        // Taken off the queue first: a task that fails beyond its own handling (an Error) must
        // not run again when the writer restarts.
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run(); // each task completes its own future, also on failure
        }
    }

    private void failTasks() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            // Run without a connection: each reports its own failure to its caller.
            task.run();
        }
    }

    private void writeBatch() throws SQLException {
        int n = Math.min(pending.size(), options.maxBatch());
        List<CallEvent> batch = new ArrayList<>(n);
        var it = pending.iterator();
        for (int i = 0; i < n; i++) {
            batch.add(it.next());
        }
        log.write(historyFile.db(), batch);
        for (int i = 0; i < n; i++) {
            pending.pollFirst();
        }
        pendingSize = pending.size();
        settle(n);
    }

    private void settle(int n) {
        synchronized (settledLock) {
            settled += n;
            settledLock.notifyAll();
        }
    }

    private void failed(Exception e) {
        if (HistoryFile.damaged(e)) {
            historyFile.suspectDamage();
        }
        if (!HistoryFile.busy(e)) {
            historyFile.disconnect(); // reopen from scratch: a full disk or a moved file leaves the connection unusable
        }
        retryDelay = retryDelay == null ? options.retryMin()
                : min(retryDelay.multipliedBy(2), options.retryMax());
        long now = System.nanoTime();
        retryAtNanos = now + retryDelay.toNanos();
        if (failingSinceNanos == 0) {
            failingSinceNanos = now;
        }
        if (HistoryFile.busy(e) && now - failingSinceNanos < BUSY_GRACE.toNanos()) {
            return; // another program's short write; a warning would only flicker
        }
        reporter.failing(e, pending.size() + inboxSize.get(), dropped.get());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Stops recording: unsubscribes, writes what is waiting (up to the close timeout) and closes
     * the file. Close the call registry first, so the calls' own ends are recorded.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("Unsubscribe failed", e);
            }
        }
        closing = true;
        retention.close();
        checkpointer.close();
        inbox.offer(WAKE);
        try {
            writer.join(options.closeTimeout().plus(options.busyTimeout()).plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
