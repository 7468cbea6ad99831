package app.switchboard.console;

import java.util.Arrays;

/**
 * Pulse-to-pulse intervals and per-pulse work, in nanoseconds, over the last
 * {@value #CAPACITY} frames: the console's own smoothness figure (see docs/console.md).
 */
public final class FrameTimes {

    static final int CAPACITY = 4096;

    private final long[] intervals = new long[CAPACITY];
    private final long[] work = new long[CAPACITY];
    private final long[] cpu = new long[CAPACITY];
    private int count;
    private long lastPulse;
    private boolean started;

    /** One pulse at {@code now} (AnimationTimer time) whose handling took {@code workNanos}. */
    public synchronized void record(long now, long workNanos) {
        record(now, workNanos, workNanos);
    }

    /**
     * As {@link #record(long, long)}, with the FX thread's CPU time for the handling too: on a
     * busy machine wall time includes time the thread was not even running.
     */
    public synchronized void record(long now, long workNanos, long cpuNanos) {
        if (started) {
            int slot = count % CAPACITY;
            intervals[slot] = now - lastPulse;
            work[slot] = workNanos;
            cpu[slot] = cpuNanos;
            count++;
        }
        lastPulse = now;
        started = true;
    }

    public synchronized void reset() {
        count = 0;
        started = false;
    }

    public synchronized int frames() {
        return Math.min(count, CAPACITY);
    }

    /** Percentile (0–100) of the pulse-to-pulse interval, in milliseconds. */
    public synchronized double intervalMs(double percentile) {
        return percentile(intervals, percentile);
    }

    /** Percentile (0–100) of the time spent applying events in one pulse, in milliseconds. */
    public synchronized double workMs(double percentile) {
        return percentile(work, percentile);
    }

    /** Percentile (0–100) of the FX thread's CPU time spent applying events in one pulse, in ms. */
    public synchronized double cpuMs(double percentile) {
        return percentile(cpu, percentile);
    }

    private double percentile(long[] values, double percentile) {
        int n = Math.min(count, CAPACITY);
        if (n == 0) {
            return Double.NaN;
        }
        long[] copy = Arrays.copyOf(values, n);
        Arrays.sort(copy);
        int index = (int) Math.ceil(percentile / 100.0 * n) - 1;
        return copy[Math.max(0, Math.min(n - 1, index))] / 1_000_000.0;
    }
}
