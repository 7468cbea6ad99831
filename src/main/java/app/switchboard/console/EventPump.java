package app.switchboard.console;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.console.calls.CallBoard;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javafx.animation.AnimationTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries call events to the FX thread without flooding it: the subscription (on call threads)
 * only enqueues, and one {@link AnimationTimer} drains the queue once per pulse and hands the
 * whole batch to the {@link CallBoard}. Never one {@code runLater} per token.
 */
public final class EventPump {

    private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);
    /** A cap per pulse so a burst cannot freeze a frame; the rest waits for the next pulse. */
    static final int MAX_EVENTS_PER_PULSE = 50_000;
    private static final long TICK_NANOS = 250_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final CallControl control;
    private final CallBoard board;
    private final ConcurrentLinkedQueue<CallEvent> queue = new ConcurrentLinkedQueue<>();
    private final FrameTimes frames = new FrameTimes();
    private final List<Runnable> perSecond = new ArrayList<>();
    private AutoCloseable subscription;
    private AnimationTimer timer;
    private long lastTick;

    public EventPump(CallControl control, CallBoard board) {
        this.control = control;
        this.board = board;
    }

    /** Subscribes, loads existing calls, and starts draining once per pulse (FX thread). */
    public void start() {
        subscription = control.subscribe(queue::add);
        board.loadExisting();
        timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long begin = System.nanoTime();
                long cpuBegin = threadCpu();
                pulse(now);
                frames.record(now, System.nanoTime() - begin, threadCpu() - cpuBegin);
            }
        };
        timer.start();
    }

    /** Also runs {@code task} about four times a second on the FX thread (status, clocks). */
    public void everyTick(Runnable task) {
        perSecond.add(task);
    }

    /** One pulse: drain the queue, apply it, tick clocks. Public for tests without a timer. */
    public void pulse(long nowNanos) {
        List<CallEvent> batch = new ArrayList<>();
        CallEvent event;
        while (batch.size() < MAX_EVENTS_PER_PULSE && (event = queue.poll()) != null) {
            batch.add(event);
        }
        try {
            board.apply(batch);
        } catch (RuntimeException e) {
            LOG.error("Applying {} call events failed", batch.size(), e);
        }
        if (nowNanos - lastTick >= TICK_NANOS || lastTick == 0) {
            lastTick = nowNanos;
            board.tick(Instant.now());
            for (Runnable task : perSecond) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Console tick failed", e);
                }
            }
        }
    }

    private static long threadCpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    public FrameTimes frames() {
        return frames;
    }

    /** Events received but not yet applied. */
    public int backlog() {
        return queue.size();
    }

    public void stop() {
        if (timer != null) {
            timer.stop();
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("Unsubscribing failed", e);
            }
        }
    }
}
