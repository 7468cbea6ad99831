package app.switchboard.concurrent;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the app makes threads ({@code ArchitectureTest} refuses {@code new Thread} anywhere
 * else). Every thread is named, so a thread dump or a JFR recording says whose it is, and an
 * exception that escapes a task lands in the log instead of on a stderr nobody reads. Daemon
 * unless a caller says otherwise: the app's own close path ({@code SwitchboardApp.close()}) stops
 * what must finish, so no stray thread may keep a closed app's JVM alive.
 */
public final class Threads {

    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);
    private static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT = (thread, e) ->
            LOG.error("Uncaught exception on thread {}", thread.getName(), e);

    private Threads() {
    }

    /** Threads named exactly {@code name}: for an executor that only ever has one thread. */
    public static ThreadFactory named(String name) {
        return r -> make(r, name, true);
    }

    /** Daemon threads named {@code prefix1}, {@code prefix2}, …: for pools. */
    public static ThreadFactory numbered(String prefix) {
        return numbered(prefix, true);
    }

    public static ThreadFactory numbered(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> make(r, prefix + n.incrementAndGet(), daemon);
    }

    /** A one-off daemon thread, started. */
    public static Thread start(String name, Runnable work) {
        Thread t = make(work, name, true);
        t.start();
        return t;
    }

    /** A thread not started: a shutdown hook, or one whose start the owner times. */
    public static Thread unstarted(String name, Runnable work, boolean daemon) {
        return make(work, name, daemon);
    }

    /**
     * Stops an executor: no new tasks, waits up to {@code timeout} for running ones, then
     * interrupts what is left. True when everything finished in time.
     */
    public static boolean shutdown(ExecutorService executor, Duration timeout) {
        executor.shutdown();
        try {
            if (executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        return false;
    }

    private static Thread make(Runnable work, String name, boolean daemon) {
        Thread t = new Thread(work, name);
        t.setDaemon(daemon);
        t.setUncaughtExceptionHandler(LOG_UNCAUGHT);
        return t;
    }
}
