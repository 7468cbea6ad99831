package app.switchboard.sim;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One run's numbers of {@link LoadGenerator}, and the markdown row and details it prints for them.
 */
final class LoadReport {

    final int calls;
    final int turns;
    long wallNanos;
    boolean timedOut;
    int connectFailures;
    int scriptFailures;
    int answered;
    int unanswered;
    int invalidFrames;
    int unexpectedCloses;
    int tokenMismatches;
    int hangupProblems;
    int webhookErrors;
    long cpuNanos;
    long relayCpuNanos;
    long simulatorCpuNanos;
    long otherCpuNanos;
    final Map<String, Long> otherThreads = new HashMap<>();
    int cores;
    double loadBefore;
    double loadAfter;
    long heapPerCallBytes;
    final LatencyStats firstToken = new LatencyStats();
    final LatencyStats relayPerToken = new LatencyStats();
    /** Tokens emitted once every call had connected: no TLS handshakes competing. */
    final LatencyStats relayPerTokenAfterRamp = new LatencyStats();
    final LatencyStats executorPerToken = new LatencyStats();
    final LatencyStats wirePerToken = new LatencyStats();
    final LatencyStats jitter = new LatencyStats();
    /** Text frames written per model token: below 1 when the agent held tokens back and sent them together. */
    final Ratio framesPerToken = new Ratio();
    /** How late a thread asking to wake in 1 ms woke up: the machine's own scheduling delay. */
    LatencyStats schedulerLateness = new LatencyStats();

    LoadReport(int calls, int turns) {
        this.calls = calls;
        this.turns = turns;
    }

    int errors() {
        return connectFailures + scriptFailures + unanswered + invalidFrames + unexpectedCloses + tokenMismatches
                + hangupProblems + webhookErrors + (timedOut ? 1 : 0);
    }

    static String header(boolean inProcess) {
        String h = "| calls | turns answered | errors | prompt→first token ms p50/p95/p99/max |";
        String sep = "|---:|---:|---:|---|";
        if (inProcess) {
            h += " relay per token ms p50/p95/p99/max | of which model→frame written | frame written→caller |";
            sep += "---|---|---|";
        }
        h += " token gap deviation ms p50/p99 | 1 ms wake-up lateness ms p50/p99/max | CPU ms per call (relay / sim) | CPU use of cores | heap KB per open call | load avg |";
        sep += "---|---|---|---:|---:|---|";
        return h + "\n" + sep;
    }

    String row(boolean inProcess) {
        StringBuilder r = new StringBuilder();
        r.append(String.format(Locale.ROOT, "| %d | %d/%d | %d | %s |", calls, answered, calls * turns, errors(),
                firstToken.summary()));
        if (inProcess) {
            r.append(String.format(Locale.ROOT, " %s | %s | %s |", relayPerToken.summary(),
                    executorPerToken.summary(), wirePerToken.summary()));
        }
        double wallSec = wallNanos / 1e9;
        // A single call's heap is below the noise of a full GC; it can even come out negative.
        String heap = heapPerCallBytes <= 0 ? "noise" : Long.toString(heapPerCallBytes / 1024);
        String relayCpu = inProcess ? String.format(Locale.ROOT, "%.1f", relayCpuNanos / 1e6 / calls) : "n/a";
        r.append(String.format(Locale.ROOT, " %s / %s | %s / %s / %s | %s / %.1f | %.0f%% | %s | %.1f→%.1f |",
                LatencyStats.fmt(jitter.percentileMs(50)), LatencyStats.fmt(jitter.percentileMs(99)),
                LatencyStats.fmt(schedulerLateness.percentileMs(50)), LatencyStats.fmt(schedulerLateness.percentileMs(99)),
                LatencyStats.fmt(schedulerLateness.maxMs()),
                relayCpu, simulatorCpuNanos / 1e6 / calls,
                100.0 * cpuNanos / (wallNanos * (double) cores), heap, loadBefore, loadAfter));
        return r.toString();
    }

    String details() {
        return String.format(Locale.ROOT,
                "<!-- %d calls: wall %.1fs, process CPU %.1fs; tokens measured %d (after the ramp: %d, relay per token %s ms); text frames per model token %.3f; errors: connect %d, script %d, "
                        + "unanswered %d, invalid frames %d, unexpected closes %d, token mismatches %d, hang-up %d, "
                        + "webhooks %d, timed out %s; CPU of other Java threads %.1fs %s -->",
                calls, wallNanos / 1e9, cpuNanos / 1e9, relayPerToken.count(), relayPerTokenAfterRamp.count(),
                relayPerTokenAfterRamp.summary(), framesPerToken.value(), connectFailures, scriptFailures,
                unanswered, invalidFrames, unexpectedCloses, tokenMismatches, hangupProblems, webhookErrors, timedOut,
                otherCpuNanos / 1e9, otherThreads);
    }

    /** A running ratio of two counts. */
    static final class Ratio {
        private long numerator;
        private long denominator;

        synchronized void add(long n, long d) {
            numerator += n;
            denominator += d;
        }

        synchronized double value() {
            return denominator == 0 ? Double.NaN : (double) numerator / denominator;
        }
    }
}
