package app.switchboard.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The load generator's bookkeeping on a tiny run (no timing is asserted: numbers go to docs). */
class LoadGeneratorTest {

    @Test
    void smallInProcessRunAnswersEveryTurnAndMatchesEveryToken() throws Exception {
        LoadGenerator generator = new LoadGenerator();
        new CommandLine(generator).parseArgs("--calls", "3", "--turns", "2", "--warmup-calls", "0",
                "--ramp-seconds", "0", "--pace", "0", "--tokens-per-second", "200");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<LoadReport> reports = generator.execute(new PrintStream(out, true, StandardCharsets.UTF_8));

        LoadReport report = reports.get(0);
        assertEquals(0, report.errors(), out.toString(StandardCharsets.UTF_8));
        assertEquals(6, report.answered);
        assertEquals(6, report.firstToken.count());
        assertTrue(report.relayPerToken.count() > 6 * 5, "every streamed token paired with its arrival");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("| 3 | 6/6 | 0 |"), out.toString(StandardCharsets.UTF_8));
    }
}
