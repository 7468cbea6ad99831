package app.switchboard.agent;

import app.switchboard.concurrent.Threads;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The agents' timers (first-token deadline, stall check, DTMF idle, goodbye wait): one thread,
 * {@code agent-timer}, for every call of one factory. A timer only hands work back to its call's
 * executor, so one thread is enough, and it is a daemon: a pending deadline must never keep the
 * application alive.
 *
 * <p>Owned by the factory {@link ConversationAgent#factory} returns, and shut down when that is
 * closed. The thread also ends once no timer has been pending for {@link #IDLE}, and starts again
 * with the next one, so timers whose owner is never closed leave no thread behind.
 */
final class AgentTimers implements AutoCloseable {

    static final Duration IDLE = Duration.ofSeconds(30);

    private final ScheduledThreadPoolExecutor executor;

    AgentTimers() {
        this(IDLE);
    }

    AgentTimers(Duration idle) {
        executor = new ScheduledThreadPoolExecutor(1, Threads.named("agent-timer"));
        // A cancelled deadline leaves the queue at once instead of holding its turn until it would have fired.
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(idle.toNanos(), TimeUnit.NANOSECONDS);
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code task} once after {@code delay}; null once closed (the app is going, nothing is due). */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            return executor.schedule(task, delay, unit);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    /** Runs {@code task} every {@code period} after {@code initialDelay}; null once closed. */
    ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
        try {
            return executor.scheduleAtFixedRate(task, initialDelay, period, unit);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    /** For tests: threads alive now (0 or 1). */
    int threads() {
        return executor.getPoolSize();
    }

    boolean isClosed() {
        return executor.isTerminated();
    }

    /** Cancels every pending timer and stops the thread. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
