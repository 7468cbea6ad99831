package app.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's pure parts: its pass/fail criteria, its option parsing and how it reads the relay's figures. */
class SoakReportTest {

    private static final long MB = 1L << 20;

    private static List<Long> mb(long... values) {
        return java.util.Arrays.stream(values).map(v -> v * MB).boxed().toList();
    }

    @Test
    void aFlatHeapPassesTheTrend() {
        SoakReport.Trend trend = SoakReport.heapTrend(mb(60, 64, 58, 61, 63, 60));
        assertTrue(trend.passes(), trend.describe());
        assertEquals(62.0, trend.firstThirdMeanMb(), 1e-9);
        assertEquals(61.5, trend.lastThirdMeanMb(), 1e-9);
    }

    @Test
    void aHeapThatKeepsGrowingFailsTheTrend() {
        // 1.2 MB per ended call, as issue 11 found: the last third well above the first.
        SoakReport.Trend trend = SoakReport.heapTrend(mb(31, 90, 150, 210, 275, 340, 400, 460, 511));
        assertFalse(trend.passes(), trend.describe());
    }

    @Test
    void theTrendAllowsTwentyPercentAndNoMore() {
        assertTrue(SoakReport.heapTrend(mb(100, 110, 120)).passes());
        assertFalse(SoakReport.heapTrend(mb(100, 110, 121)).passes());
    }

    @Test
    void theMiddleSamplesDoNotCountWhenTheyDoNotFillAThird() {
        // 5 samples: a third is one sample, so the spike in the middle is shown but not judged.
        SoakReport.Trend trend = SoakReport.heapTrend(mb(50, 80, 300, 80, 55));
        assertTrue(trend.passes(), trend.describe());
        assertEquals(1.1, trend.ratio(), 1e-9);
    }

    @Test
    void fewerThanThreeSamplesAreNotJudgedAndFail() {
        SoakReport.Trend trend = SoakReport.heapTrend(mb(50, 50));
        assertFalse(trend.judged());
        assertFalse(trend.passes());
        assertTrue(trend.describe().startsWith("not judged"), trend.describe());
    }

    @Test
    void warmUpSamplesAreLeftOutOfTheTrend() {
        List<SoakReport.Sample> samples = List.of(sample(20, true, 10), sample(40, false, 60), sample(60, false, 61),
                sample(80, false, 62));
        assertEquals(mb(60, 61, 62), SoakReport.judgedHeap(samples));
    }

    @Test
    void theVerdictPassesOnlyWhenEveryCriterionHolds() {
        SoakReport.Criterion ok = new SoakReport.Criterion("a", true, "");
        SoakReport.Criterion bad = new SoakReport.Criterion("b", false, "");
        assertTrue(SoakReport.passed(List.of(ok, ok)));
        assertFalse(SoakReport.passed(List.of(ok, bad)));
        assertFalse(SoakReport.passed(List.of()), "no criteria checked is no pass");
        String md = SoakReport.markdown("Soak", List.of("ctx"), List.of(sample(60, false, 60)), List.of("total"),
                List.of(ok, bad));
        assertTrue(md.contains("| b | **FAIL** |"), md);
        assertTrue(md.endsWith("**Soak failed.**\n"), md);
    }

    @Test
    void durationsAreReadAsPeopleWriteThem() {
        assertEquals(Duration.ofMinutes(30), SoakReport.parseDuration("30m"));
        assertEquals(Duration.ofSeconds(90), SoakReport.parseDuration("90s"));
        assertEquals(Duration.ofMinutes(90), SoakReport.parseDuration("1h30m"));
        assertEquals(Duration.ofMillis(500), SoakReport.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(3), SoakReport.parseDuration("PT3M"));
        assertThrows(IllegalArgumentException.class, () -> SoakReport.parseDuration("30"));
        assertThrows(IllegalArgumentException.class, () -> SoakReport.parseDuration("3 minutes"));
    }

    @Test
    void theHeapFigureIsTheHeapsUsedNotMetaspaces() {
        // jcmd PID -f FILE with GC.run then GC.heap_info, as a G1 JVM (Java 17) answers.
        String answer = """
                7807:
                Command executed successfully
                 garbage-first heap   total 14336K, used 2885K [0x00000000f0000000, 0x0000000100000000)
                  region size 1024K, 0 young (0K), 0 survivors (0K)
                 Metaspace       used 8929K, committed 9088K, reserved 1114112K
                  class space    used 1062K, committed 1152K, reserved 1048576K
                """;
        assertEquals(2885L * 1024, ChildProcess.heapUsedBytes(answer));
        assertThrows(IllegalStateException.class, () -> ChildProcess.heapUsedBytes("7807:\nCommand executed successfully\n"));
    }

    @Test
    void residentMemoryIsReadFromVmRss() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmHWM:\t   70000 kB\nVmRSS:\t   67896 kB\nRssAnon:\t   40000 kB\n";
        assertEquals(67896L * 1024, ChildProcess.rssBytes(status));
    }

    @Test
    void theHistogramGrowthListsTheClassesThatGrewMostFirst() {
        String before = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         13045        1048576  [B (java.base@17.0.15)
                   2:          3002         360856  java.lang.Class (java.base@17.0.15)
                Total         16047        1409432
                """;
        String after = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         26090        3145728  [B (java.base@17.0.15)
                   2:           400        1048576  app.switchboard.call.CallEvent
                   3:          3002         360856  java.lang.Class (java.base@17.0.15)
                Total         29492        4555160
                """;
        var b = ChildProcess.parseHistogram(before);
        assertEquals(new ChildProcess.ClassCount(13045, 1048576), b.get("[B"));
        assertEquals(2, b.size(), "the Total line is not a class");
        List<String> rows = SoakReport.histogramGrowth(b, ChildProcess.parseHistogram(after), 2);
        assertEquals(List.of("| `[B` | 13045 → 26090 | 1.00 → 3.00 | +2.00 |",
                "| `app.switchboard.call.CallEvent` | 0 → 400 | 0.00 → 1.00 | +1.00 |"), rows);
    }

    @Test
    void floodsTripTheLimitTheyAreBuiltFor() {
        // Bad-frame floods: never a valid frame, so 20 in a row arrive. Rate floods: a valid frame every tenth.
        for (int k = 0; k < 30; k++) {
            assertFalse(SoakCallers.floodFrame(k, false) instanceof app.switchboard.protocol.InboundMessage.Info);
        }
        int run = 0;
        int longest = 0;
        for (int k = 0; k < 600; k++) {
            boolean valid = SoakCallers.floodFrame(k, true) instanceof app.switchboard.protocol.InboundMessage.Info;
            run = valid ? 0 : run + 1;
            longest = Math.max(longest, run);
        }
        assertEquals(9, longest);
    }

    private static SoakReport.Sample sample(double seconds, boolean warmUp, long heapMb) {
        return new SoakReport.Sample(seconds, warmUp, heapMb * MB, 300 * MB, 100, 100, 1000, 100, 50, "1 / 2", "0.1 / 0.2",
                "1 / 1", "1 / 1", "1 / 1", 0, "", 1.0);
    }
}
