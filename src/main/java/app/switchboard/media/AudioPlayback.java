package app.switchboard.media;

import app.switchboard.concurrent.Threads;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays one call to one sink on a thread of its own ({@code audio-playback-CALL}): frames are
 * queued by whoever receives them ({@link #offer}, never blocks), go through a
 * {@link JitterBuffer}, are mixed every 20 ms and written to the sink. The FX thread only
 * changes the mix and the volume.
 */
public final class AudioPlayback implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AudioPlayback.class);
    /** 20 ms at 8 kHz, the size of a Twilio media frame. */
    static final int TICK_SAMPLES = 160;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Frames waiting for the playback thread; past this (10 s of both tracks) new ones are dropped. */
    private static final int INBOX = 1000;

    private final PcmSink sink;
    private final JitterBuffer jitter;
    private final BlockingQueue<AudioFrame> inbox = new LinkedBlockingQueue<>(INBOX);
    private final Consumer<String> onFailure;
    private final Thread thread;
    private volatile Mix mix;
    private volatile double volume;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param onFailure told, on the playback thread, why playing stopped (the sink failed)
     */
    public AudioPlayback(String name, PcmSink sink, JitterBuffer jitter, Mix mix, double volume,
                         Consumer<String> onFailure) {
        this.sink = sink;
        this.jitter = jitter;
        this.mix = mix;
        this.volume = volume;
        this.onFailure = onFailure;
        this.thread = Threads.start("audio-playback-" + name, this::run);
    }

    /** A frame of the call; dropped (and counted) when the playback thread is far behind. */
    public void offer(AudioFrame frame) {
        if (running && !inbox.offer(frame)) {
            dropped.incrementAndGet();
        }
    }

    public void mix(Mix value) {
        this.mix = value;
    }

    public void volume(double value) {
        this.volume = value;
    }

    public long dropped() {
        return dropped.get();
    }

    public JitterBuffer jitter() {
        return jitter;
    }

    private void run() {
        long next = System.nanoTime();
        try {
            while (running) {
                long wait = next - System.nanoTime();
                AudioFrame frame = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                if (frame != null) {
                    jitter.add(frame);
                    continue; // take in whatever else arrived before the tick is due
                }
                if (jitter.ready()) {
                    short[][] tracks = jitter.pull(TICK_SAMPLES);
                    sink.write(TrackMixer.mix(tracks[0], tracks[1], mix, volume));
                }
                next += TICK_NANOS;
                long now = System.nanoTime();
                if (now - next > 10 * TICK_NANOS) {
                    next = now; // the sink blocked or the machine stalled: start the clock again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Playback of {} stopped", thread.getName(), e);
            running = false;
            onFailure.accept("Playback stopped: " + e.getMessage());
        }
    }

    /** Stops the thread (waiting for it briefly) and closes the sink. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the audio sink failed", e);
        }
    }
}
