package app.switchboard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak benchmark's figures ({@link SoakBench}): one row per sampling interval, the totals,
 * and the pass/fail criteria, as markdown. Pure: no processes, no clocks, so the criteria are
 * tested on their own ({@code SoakReportTest}).
 */
final class SoakReport {

    /** Heap after GC in the last third of the samples may be at most this many times the first third's. */
    static final double HEAP_GROWTH_ALLOWED = 1.2;

    /** One sampling interval: the relay as measured at its end, the callers' figures over it. */
    record Sample(double seconds, boolean warmUp, long heapAfterGcBytes, long rssBytes, int relayLiveCalls,
                  int callersOpen, long rowsWritten, long rowsInInterval, int turns, String firstFrameP50P99,
                  String perTokenP50P99, String floods, String reconnects, String silent, int errors,
                  String errorDetail, double loadAverage) {
    }

    /** Whether the heap after GC trends upward: the last third's mean against the first third's. */
    record Trend(int samples, double firstThirdMeanMb, double lastThirdMeanMb, boolean judged) {
        double ratio() {
            return firstThirdMeanMb == 0 ? Double.NaN : lastThirdMeanMb / firstThirdMeanMb;
        }

        boolean passes() {
            return judged && lastThirdMeanMb <= HEAP_GROWTH_ALLOWED * firstThirdMeanMb;
        }

        String describe() {
            if (!judged) {
                return String.format(Locale.ROOT, "not judged: %d sample%s after the warm-up, at least 3 needed",
                        samples, samples == 1 ? "" : "s");
            }
            return String.format(Locale.ROOT, "last third's mean %.1f MB vs first third's %.1f MB: ×%.2f (allowed ×%.2f), "
                    + "over %d samples after the warm-up", lastThirdMeanMb, firstThirdMeanMb, ratio(),
                    HEAP_GROWTH_ALLOWED, samples);
        }
    }

    /**
     * The trend of heap-after-GC readings (bytes, in time order): the mean of the first third
     * against the mean of the last third (a third is {@code n / 3} readings, so with 3 to 5
     * readings the middle ones only show). Fewer than 3 readings are not judged, and fail.
     */
    static Trend heapTrend(List<Long> heapBytes) {
        int n = heapBytes.size();
        if (n < 3) {
            return new Trend(n, Double.NaN, Double.NaN, false);
        }
        int third = n / 3;
        return new Trend(n, meanMb(heapBytes.subList(0, third)), meanMb(heapBytes.subList(n - third, n)), true);
    }

    private static double meanMb(List<Long> bytes) {
        return bytes.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1048576.0;
    }

    /** One pass/fail line of the verdict. */
    record Criterion(String name, boolean passed, String detail) {
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** {@code 30m}, {@code 90s}, {@code 1h30m}, {@code 500ms}; also ISO-8601 ({@code PT30M}). */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text.strip());
        }
        Matcher m = DURATION.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new IllegalArgumentException("not a duration: " + text + " (e.g. 30m, 90s, 1h)");
        }
        return total;
    }

    static final String HEADER = "| t s | relay live calls | callers open | relay heap after GC MB | relay RSS MB "
            + "| events rows (in interval) | turns | prompt→first frame ms p50 / p99 | per-token added ms p50 / p99 "
            + "| floods closed by the relay / sent | reconnects resumed / tried | no-setup sockets closed / opened | errors | load |\n"
            + "|---:|---:|---:|---:|---:|---|---:|---|---|---|---|---|---:|---:|";

    static String row(Sample s) {
        return String.format(Locale.ROOT, "| %.0f%s | %d | %d | %.1f | %.1f | %d (+%d) | %d | %s | %s | %s | %s | %s | %d%s | %.1f |",
                s.seconds(), s.warmUp() ? " (warm-up)" : "", s.relayLiveCalls(), s.callersOpen(),
                s.heapAfterGcBytes() / 1048576.0, s.rssBytes() / 1048576.0, s.rowsWritten(), s.rowsInInterval(),
                s.turns(), s.firstFrameP50P99(), s.perTokenP50P99(), s.floods(), s.reconnects(), s.silent(), s.errors(),
                s.errorDetail().isEmpty() ? "" : " (" + s.errorDetail() + ")", s.loadAverage());
    }

    /** The heap readings the trend is judged on: the samples after the warm-up. */
    static List<Long> judgedHeap(List<Sample> samples) {
        List<Long> heap = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.warmUp()) {
                heap.add(s.heapAfterGcBytes());
            }
        }
        return heap;
    }

    /**
     * The classes whose live bytes grew most between two heap histograms, as markdown table
     * rows ({@code | class | instances before → after | MB before → after | growth MB |}).
     */
    static List<String> histogramGrowth(java.util.Map<String, ChildProcess.ClassCount> before,
                                        java.util.Map<String, ChildProcess.ClassCount> after, int top) {
        ChildProcess.ClassCount none = new ChildProcess.ClassCount(0, 0);
        List<String> rows = new ArrayList<>();
        after.entrySet().stream()
                .sorted(java.util.Comparator.comparingLong((java.util.Map.Entry<String, ChildProcess.ClassCount> e) ->
                        e.getValue().bytes() - before.getOrDefault(e.getKey(), none).bytes()).reversed()
                        .thenComparing(java.util.Map.Entry::getKey))
                .limit(top)
                .forEach(e -> {
                    ChildProcess.ClassCount b = before.getOrDefault(e.getKey(), none);
                    ChildProcess.ClassCount a = e.getValue();
                    rows.add(String.format(Locale.ROOT, "| `%s` | %d → %d | %.2f → %.2f | %+.2f |", e.getKey(),
                            b.instances(), a.instances(), b.bytes() / 1048576.0, a.bytes() / 1048576.0,
                            (a.bytes() - b.bytes()) / 1048576.0));
                });
        return rows;
    }

    /** The whole report: title lines, the table, the totals and the verdict. */
    static String markdown(String title, List<String> context, List<Sample> samples, List<String> totals,
                           List<Criterion> criteria) {
        return markdown(title, context, samples, totals, criteria, "", List.of());
    }

    /** The same, with the rows of a {@link #histogramGrowth} table under {@code histogramTitle}. */
    static String markdown(String title, List<String> context, List<Sample> samples, List<String> totals,
                           List<Criterion> criteria, String histogramTitle, List<String> histogramRows) {
        StringBuilder b = new StringBuilder();
        b.append("## ").append(title).append("\n\n");
        context.forEach(c -> b.append("- ").append(c).append('\n'));
        b.append('\n').append(HEADER).append('\n');
        samples.forEach(s -> b.append(row(s)).append('\n'));
        b.append('\n');
        totals.forEach(t -> b.append("- ").append(t).append('\n'));
        b.append("\n| criterion | result | detail |\n|---|---|---|\n");
        for (Criterion c : criteria) {
            b.append("| ").append(c.name()).append(" | ").append(c.passed() ? "PASS" : "**FAIL**").append(" | ")
                    .append(c.detail()).append(" |\n");
        }
        b.append("\n").append(passed(criteria) ? "**Soak passed.**" : "**Soak failed.**").append('\n');
        if (!histogramRows.isEmpty()) {
            b.append('\n').append(histogramTitle).append("\n\n| class | instances | MB | growth MB |\n|---|---|---|---:|\n");
            histogramRows.forEach(r -> b.append(r).append('\n'));
        }
        return b.toString();
    }

    static boolean passed(List<Criterion> criteria) {
        return !criteria.isEmpty() && criteria.stream().allMatch(Criterion::passed);
    }
}
