package app.switchboard.call;

import app.switchboard.concurrent.Threads;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The threads {@link CallRegistry} owns: the pool the calls' serial executors run on, and the one
 * timer thread (end grace, reconnect waits, pruning, attention ticks). Stopped with the registry.
 */
final class CallThreads implements AutoCloseable {

    final ExecutorService pool;
    final ScheduledExecutorService timers;

    CallThreads() {
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
        this.pool = Executors.newFixedThreadPool(threads, Threads.numbered("call-"));
        this.timers = Executors.newSingleThreadScheduledExecutor(Threads.numbered("call-timer-"));
    }

    void every(Duration period, Runnable task) {
        long millis = period.toMillis();
        timers.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the timers at once and gives the calls' queued work two seconds to finish. */
    @Override
    public void close() {
        timers.shutdownNow();
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
