package app.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The soak benchmark, tiny, through the real three processes: a few calls for half a minute with
 * every kind of abuse, so the bench keeps working between the long runs. It checks what the
 * soak judges except the heap trend (half a minute is all warm-up: the relay's list of recent
 * ended calls is still filling), never timing. Linux only: the bench reads {@code /proc}.
 */
@EnabledOnOs(OS.LINUX)
class SoakBenchSmokeTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS) // about a minute on a quiet 2-core machine
    void aShortSoakAnswersEveryTurnResumesEveryReconnectAndClosesEveryAbusiveSocket() throws Exception {
        Path out = dir.resolve("soak.md");
        SoakBench bench = new SoakBench();
        new CommandLine(bench).parseArgs("--duration", "30s", "--interval", "10s", "--warm-up", "0s", "--calls", "5",
                "--min-turns", "2", "--max-turns", "4", "--think-ms", "200,500", "--ramp", "1s",
                "--flood-every", "8s", "--reconnect-every", "4s", "--silent-every", "12s", "--reconnect-wait", "5s",
                "--relay-jvm", "-Xmx512m -XX:TieredStopAtLevel=1", "--out", out.toString());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SoakBench.Result result = bench.run(new PrintStream(printed, true, StandardCharsets.UTF_8));
        String why = printed.toString(StandardCharsets.UTF_8);

        assertEquals(3, result.samples().size(), why);
        long rowsBefore = 0;
        for (SoakReport.Sample s : result.samples()) {
            assertTrue(s.heapAfterGcBytes() > 0 && s.rssBytes() > 0, "jcmd and /proc read: " + why);
            assertTrue(s.relayLiveCalls() >= 0, "the relay's /health answered: " + why);
            assertTrue(s.rowsWritten() > rowsBefore, "the store keeps writing: " + why);
            rowsBefore = s.rowsWritten();
        }
        assertTrue(result.samples().stream().mapToInt(SoakReport.Sample::turns).sum() > 0, why);
        List<String> judged = List.of("no unexpected call loss", "every reconnect resumed",
                "every flood socket closed with the limit code", "every socket without setup closed by the deadline",
                "relay healthy, no ERROR lines");
        for (String name : judged) {
            SoakReport.Criterion c = result.criteria().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            assertTrue(c.passed(), name + ": " + c.detail() + "\n" + why);
        }
        assertEquals(result.markdown(), Files.readString(out));
        assertTrue(result.markdown().contains(SoakReport.HEADER), why);
    }
}
