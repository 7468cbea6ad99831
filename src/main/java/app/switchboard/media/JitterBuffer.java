package app.switchboard.media;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Holds a call's frames briefly so they play evenly although they arrive unevenly, and lines the
 * two tracks up by their stream timestamps (one play head for both). Playing starts once
 * {@code target} ms are buffered; a frame that arrives after its time was played is dropped; a
 * gap plays as silence; when the buffer runs dry it fills to the target again before playing on;
 * when more than {@code max} ms pile up (a stalled listener) the oldest are skipped.
 * Thread-safe: frames are added by the receiving thread, pulled by the playback thread.
 */
public final class JitterBuffer {

    /** μ-law at 8 kHz: 8 samples per ms. */
    static final int SAMPLES_PER_MS = 8;

    private final long targetSamples;
    private final long maxSamples;
    private final TreeMap<Long, short[]> caller = new TreeMap<>();
    private final TreeMap<Long, short[]> agent = new TreeMap<>();
    private long playhead;
    private boolean playing;
    private boolean played;
    private long late;
    private long skippedSamples;

    public JitterBuffer(int targetMs, int maxMs) {
        if (targetMs < 0 || maxMs <= targetMs) {
            throw new IllegalArgumentException("need 0 <= target < max: " + targetMs + ", " + maxMs);
        }
        this.targetSamples = (long) targetMs * SAMPLES_PER_MS;
        this.maxSamples = (long) maxMs * SAMPLES_PER_MS;
    }

    public synchronized void add(AudioFrame frame) {
        long start = frame.timestampMs() * SAMPLES_PER_MS;
        short[] pcm = frame.pcm();
        if (played && start + pcm.length <= playhead) {
            late++;
            return;
        }
        (frame.track() == Track.INBOUND ? caller : agent).put(start, pcm);
        long newest = newestEnd();
        if (playing && newest - playhead > maxSamples) {
            long to = newest - targetSamples;
            skippedSamples += to - playhead;
            playhead = to;
            dropBefore(caller, to);
            dropBefore(agent, to);
        }
    }

    /** True when there is audio to play now: already playing, or the target has been buffered. */
    public synchronized boolean ready() {
        if (playing) {
            return true;
        }
        if (caller.isEmpty() && agent.isEmpty()) {
            return false;
        }
        long oldest = Math.min(caller.isEmpty() ? Long.MAX_VALUE : caller.firstKey(),
                agent.isEmpty() ? Long.MAX_VALUE : agent.firstKey());
        if (newestEnd() - oldest < targetSamples) {
            return false;
        }
        playhead = played ? Math.max(playhead, oldest) : oldest;
        playing = true;
        played = true;
        return true;
    }

    /**
     * The next {@code samples} of each track ({@code [0]} the caller, {@code [1]} the agent),
     * silence where a track has nothing; moves the play head on. Call after {@link #ready()}.
     */
    public synchronized short[][] pull(int samples) {
        short[][] out = {take(caller, samples), take(agent, samples)};
        playhead += samples;
        if (caller.isEmpty() && agent.isEmpty()) {
            playing = false; // dry: fill to the target again rather than play a run of gaps
        }
        return out;
    }

    private short[] take(TreeMap<Long, short[]> track, int samples) {
        short[] out = new short[samples];
        long end = playhead + samples;
        Iterator<Map.Entry<Long, short[]>> it = track.headMap(end, false).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, short[]> e = it.next();
            long frameStart = e.getKey();
            short[] pcm = e.getValue();
            long from = Math.max(frameStart, playhead);
            long to = Math.min(frameStart + pcm.length, end);
            for (long s = from; s < to; s++) {
                out[(int) (s - playhead)] = pcm[(int) (s - frameStart)];
            }
            if (frameStart + pcm.length <= end) {
                it.remove();
            }
        }
        return out;
    }

    private long newestEnd() {
        long newest = Long.MIN_VALUE;
        if (!caller.isEmpty()) {
            newest = Math.max(newest, caller.lastKey() + caller.lastEntry().getValue().length);
        }
        if (!agent.isEmpty()) {
            newest = Math.max(newest, agent.lastKey() + agent.lastEntry().getValue().length);
        }
        return newest;
    }

    private static void dropBefore(TreeMap<Long, short[]> track, long to) {
        track.entrySet().removeIf(e -> e.getKey() + e.getValue().length <= to);
    }

    /** Frames dropped because their time had already been played. */
    public synchronized long late() {
        return late;
    }

    /** Samples skipped to catch up after too much piled up. */
    public synchronized long skippedSamples() {
        return skippedSamples;
    }

    /** Buffered audio ahead of the play head, in ms. */
    public synchronized long bufferedMs() {
        if (caller.isEmpty() && agent.isEmpty()) {
            return 0;
        }
        long from = playing ? playhead : Math.min(caller.isEmpty() ? Long.MAX_VALUE : caller.firstKey(),
                agent.isEmpty() ? Long.MAX_VALUE : agent.firstKey());
        return Math.max(0, newestEnd() - from) / SAMPLES_PER_MS;
    }
}
