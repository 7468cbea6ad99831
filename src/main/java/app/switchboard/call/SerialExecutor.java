package app.switchboard.call;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. Each call owns one, so a
 * call's state is only ever touched by one thread at a time (no locks in the model) while
 * hundreds of calls share a handful of threads.
 */
public final class SerialExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ThreadLocal<Boolean> running = ThreadLocal.withInitial(() -> false);

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    /** True when called from a task of this executor. */
    public boolean inExecutor() {
        return running.get();
    }

    private void schedule() {
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The app is shutting down: what is left of this call's work is dropped.
                scheduled.set(false);
            }
        }
    }

    private void drain() {
        running.set(true);
        try {
            // Bounded batch so one busy call cannot starve the others sharing the pool.
            for (int i = 0; i < 64; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("Call task failed", e);
                }
            }
        } finally {
            running.set(false);
            scheduled.set(false);
            schedule();
        }
    }
}
