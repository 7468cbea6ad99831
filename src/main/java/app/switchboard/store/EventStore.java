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
import app.switchboard.call.EventKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>This class is the facade; each job has its own package-private class: {@link StoreWriter}
 * (the writer thread, buffer, batches, retries, restart), {@link HistoryFile} (lock, open,
 * integrity check, damaged file moved aside, reopen after delete), {@link EventLog} (what a
 * commit writes, the calls rows' cache, crash recovery), {@link HealthReporter} (health and its
 * messages), {@link Checkpointer} (WAL checkpoints), {@link Retention} (deleting old calls) and
 * {@link HistoryReader} (every read and export).
 */
public final class EventStore implements AutoCloseable {

    public static final String FILE_NAME = "switchboard.db";
    public static final String CRASHED = "relay crashed";
    /** Held while a store writes; a second Switchboard on the same folder waits instead of interfering. */
    public static final String LOCK_NAME = FILE_NAME + ".lock";

    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

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

    private final Path file;
    private final HistoryReader reader;
    private final EventLog log;
    private final HistoryFile historyFile;
    private final HealthReporter reporter;
    private final StoreWriter writer;
    private final Checkpointer checkpointer;
    private final Retention retention;
    private final List<AutoCloseable> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private EventStore(Path dir, Options options) {
        this.file = dir.resolve(FILE_NAME);
        this.reader = new HistoryReader(dir, file, options.busyTimeout());
        this.log = new EventLog(options.clock());
        this.historyFile = new HistoryFile(dir, file, options, log);
        this.reporter = new HealthReporter(dir, file, options);
        this.writer = new StoreWriter(options, historyFile, log, reporter);
        this.checkpointer = new Checkpointer(file, options.busyTimeout(), historyFile::writing);
        this.retention = new Retention(options, historyFile, log, reporter, writer::submit);
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
        writer.append(event);
    }

    /**
     * Waits until every event appended before this call is written (or dropped).
     *
     * @return false when that did not happen within {@code timeout}
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        return writer.flush(timeout);
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
        return writer.stats();
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
        writer.submit(() -> {
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

    /** Up to {@code limit} of the call's events before {@code beforeSeq}, oldest first. */
    public List<CallEvent> eventsBefore(String callId, long beforeSeq, int limit) {
        return reader.eventsBefore(callId, beforeSeq, limit);
    }

    public List<CallEvent> eventsOfCallsSince(Instant since, Set<EventKind> kinds) {
        return reader.eventsOfCallsSince(since, kinds);
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

    /** How often the writer loop failed and was restarted since the store opened. */
    public long writerRestarts() {
        return writer.writerRestarts();
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
        writer.beginClose();
        retention.close();
        checkpointer.close();
        writer.finish();
    }
}
