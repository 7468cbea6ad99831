package app.switchboard.supervisor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Pings one WebSocket peer on a {@link PingTiming} and reports it silent when nothing came back
 * within the timeout. Anything the peer sends counts as an answer ({@link #heard()}): a pong,
 * a message. Writes alone prove nothing: over a half-open TCP connection they land in the
 * kernel's buffer and succeed until it is full.
 *
 * <p>Jetty answers pings with pongs by itself as long as a listener does not override
 * {@code onWebSocketPing}; neither end here does.
 */
final class KeepAlive implements AutoCloseable {

    private final Session session;
    private final PingTiming timing;
    private final Consumer<Duration> onSilent;
    private volatile long lastHeard = System.nanoTime();
    private volatile boolean stopped;
    private ScheduledFuture<?> task;

    private KeepAlive(Session session, PingTiming timing, Consumer<Duration> onSilent) {
        this.session = session;
        this.timing = timing;
        this.onSilent = onSilent;
    }

    /**
     * Starts pinging {@code session} on {@code timer}; {@code onSilent} runs once, on the timer's
     * thread, with how long the peer has been silent. It must close the connection.
     */
    static KeepAlive start(Session session, PingTiming timing, ScheduledExecutorService timer,
                           Consumer<Duration> onSilent) {
        KeepAlive keepAlive = new KeepAlive(session, timing, onSilent);
        long every = timing.interval().toNanos();
        try {
            synchronized (keepAlive) {
                keepAlive.task = timer.scheduleAtFixedRate(keepAlive::tick, every, every, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            keepAlive.stopped = true; // the timer is shutting down with its owner
        }
        return keepAlive;
    }

    /** The peer sent something: it is there. */
    void heard() {
        lastHeard = System.nanoTime();
    }

    private void tick() {
        if (stopped) {
            return;
        }
        if (!session.isOpen()) {
            close();
            return;
        }
        long silentNanos = System.nanoTime() - lastHeard;
        if (silentNanos > timing.timeout().toNanos()) {
            close();
            onSilent.accept(Duration.ofNanos(silentNanos));
            return;
        }
        session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }

    @Override
    public synchronized void close() {
        stopped = true;
        if (task != null) {
            task.cancel(false);
        }
    }
}
