package app.switchboard.store;

import app.switchboard.concurrent.Threads;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread ({@code event-store-writer}) and what feeds it. The call side only offers
 * onto a lock-free queue; the writer moves what has arrived into a buffer bounded by
 * {@link EventStore.Options#bufferCapacity()} (the oldest dropped and counted beyond it) and
 * commits up to {@link EventStore.Options#maxBatch()} events at a time without waiting to fill a
 * batch, so batches grow by themselves under load (group commit). A failed commit is retried
 * with backoff from a fresh connection; tasks (retention, tests) run between batches; a failure
 * that escapes the loop restarts it.
 */
final class StoreWriter {

    // Logged under EventStore: the name the log has always shown for the history.
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);
    /** Put in the inbox to wake the writer for a task or for close; never written. */
    private static final CallEvent WAKE = new CallEvent("", 0, Instant.EPOCH, new EventPayload.Info("wake", null));
    /** How long the file may be locked by someone else before the console is told. */
    private static final Duration BUSY_GRACE = Duration.ofSeconds(1);

    private final EventStore.Options options;
    private final HistoryFile historyFile;
    private final EventLog log;
    private final HealthReporter reporter;
    private final Thread writer;

    // Call side -> writer.
    private final LinkedTransferQueue<CallEvent> inbox = new LinkedTransferQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong writerRestarts = new AtomicLong();
    private final Object settledLock = new Object();
    private long settled; // guarded by settledLock: written, found already written, or dropped
    private volatile boolean closing;
    private volatile int pendingSize;

    // Writer thread only.
    private final ArrayDeque<CallEvent> pending = new ArrayDeque<>();
    private boolean recovered;
    private long retryAtNanos;
    private long failingSinceNanos;
    private Duration retryDelay;

    StoreWriter(EventStore.Options options, HistoryFile historyFile, EventLog log, HealthReporter reporter) {
        this.options = options;
        this.historyFile = historyFile;
        this.log = log;
        this.reporter = reporter;
        this.writer = Threads.unstarted("event-store-writer", this::runWriter, true);
    }

    void start() {
        writer.start();
    }

    /** See {@link EventStore#append}. */
    void append(CallEvent event) {
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

    /** See {@link EventStore#flush}. */
    boolean flush(Duration timeout) throws InterruptedException {
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

    EventStore.Stats stats() {
        return new EventStore.Stats(accepted.get(), log.written(), dropped.get(), pendingSize + inboxSize.get(),
                log.commits(), log.commitNanos(), log.largestBatch());
    }

    /** Runs {@code task} on the writer between batches; when closed, fails {@code result} instead. */
    void submit(Runnable task, CompletableFuture<?> result) {
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

    long writerRestarts() {
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

    /** From now on nothing new is accepted; what waits is still written once {@link #finish} wakes the writer. */
    void beginClose() {
        closing = true;
    }

    /** Wakes the writer to write what waits (up to the close timeout) and close the file, and waits for it. */
    void finish() {
        inbox.offer(WAKE);
        try {
            writer.join(options.closeTimeout().plus(options.busyTimeout()).plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
