package app.switchboard.sim;

import java.util.Arrays;
import java.util.Locale;

/** Latency samples in nanoseconds and their percentiles (nearest rank), reported in milliseconds. */
public final class LatencyStats {

    private long[] samples = new long[1024];
    private int size;

    public synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    public synchronized int count() {
        return size;
    }

    /** Percentile {@code p} (0–100] in milliseconds, nearest rank; NaN without samples. */
    public synchronized double percentileMs(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
    }

    public synchronized double maxMs() {
        return percentileMs(100);
    }

    /** {@code p50 / p95 / p99 / max} in ms, for a table cell. */
    public String summary() {
        if (count() == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%s / %s / %s / %s", fmt(percentileMs(50)), fmt(percentileMs(95)),
                fmt(percentileMs(99)), fmt(maxMs()));
    }

    public static String fmt(double ms) {
        if (Double.isNaN(ms)) {
            return "n/a";
        }
        return ms < 10 ? String.format(Locale.ROOT, "%.3f", ms) : String.format(Locale.ROOT, "%.1f", ms);
    }
}
