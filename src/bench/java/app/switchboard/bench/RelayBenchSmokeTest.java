package app.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import picocli.CommandLine;

/**
 * Every scenario of the production-shape benchmark, tiny, through the real three processes
 * (this JVM as the callers, a model server JVM, a headless relay JVM). It checks that each runs
 * and that the counts add up, never how fast: timing is for docs/benchmarks.md. Linux only: the
 * bench reads the relay's CPU from {@code /proc} and pairs stamps across processes on
 * {@code CLOCK_MONOTONIC}.
 */
@EnabledOnOs(OS.LINUX)
class RelayBenchSmokeTest {

    private static final int TOKENS = 20;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS) // well under a minute on a quiet 2-core machine
    void everyScenarioRunsTinyAndEveryTurnIsAnsweredAndCounted() throws Exception {
        RelayBench bench = new RelayBench();
        new CommandLine(bench).parseArgs(
                "--long-turns", "5", "--prompt-kb", "10",
                "--b2b-calls", "3", "--b2b-turns", "3",
                "--paced-calls", "5", "--paced-turns", "2", "--paced-tokens-per-second", "30",
                "--short-calls", "20", "--short-concurrency", "2",
                "--tokens", Integer.toString(TOKENS), "--warmup-calls", "0", "--ramp-seconds", "0.2",
                // Start-up speed, not steady state, matters for a smoke run.
                "--relay-jvm", "-Xmx512m -XX:TieredStopAtLevel=1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Report> reports = bench.execute(new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);

        assertEquals(List.of("long-call 1×5", "back-to-back 3×3", "paced 5×2", "short-calls 20×1"),
                reports.stream().map(r -> r.scenario.label()).toList(), printed);
        for (Report r : reports) {
            String why = r.scenario.label() + "\n" + printed;
            int turns = r.turnsExpected();
            assertEquals(0, r.errors(), why);
            assertEquals(turns, r.answered, why);
            assertEquals(turns, r.firstFrame.count(), why);
            assertEquals(turns, r.modelRequests, "one model request per turn: " + why);
            assertEquals(0, r.unpairedTurns, why);
            assertEquals(0, r.textMismatches, "the caller heard exactly the model's text: " + why);
            assertTrue(r.sharedClock, "the model server's clock is this JVM's (Linux CLOCK_MONOTONIC)");
            assertEquals(turns * TOKENS, r.perToken.count(), "every token paired with its arrival: " + why);
            assertTrue(r.textFrames > 0 && r.textFrames <= turns * (long) TOKENS, "at most one frame per token: " + why);
            assertTrue(r.relayCpuNanos > 0, "relay CPU read from /proc: " + why);
            assertTrue(r.heapBeforeBytes > 0 && r.heapAfterBytes > 0, "relay heap read with jcmd: " + why);
            assertEquals(r.scenario.holdOpen(), r.heapOpenBytes > 0, why);
            assertTrue(printed.contains("| " + r.scenario.label() + " | " + turns + "/" + turns + " | 0 |"), printed);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void consolesAttachedThroughTheSupervisorApiReceiveEveryCallsEvents() throws Exception {
        RelayBench bench = new RelayBench();
        new CommandLine(bench).parseArgs("--scenarios", "back-to-back", "--b2b-calls", "3", "--b2b-turns", "3",
                "--consoles", "2", "--console-nice", "5",
                "--tokens", Integer.toString(TOKENS), "--warmup-calls", "0", "--ramp-seconds", "0.2",
                "--relay-jvm", "-Xmx512m -XX:TieredStopAtLevel=1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Report> reports = bench.execute(new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);

        assertEquals(1, reports.size(), printed);
        Report r = reports.get(0);
        assertEquals("back-to-back 3×3, 2 consoles", r.scenario.label(), printed);
        assertEquals(0, r.errors(), printed);
        assertEquals(9, r.answered, printed);
        // Each console sees at least every prompt and every answer's tokens (coalesced or not).
        assertTrue(r.consoleEvents >= 2L * 9 * 2, printed);
        assertEquals(r.consoleEvents, r.consoleDeliveries, printed);
        assertEquals(0, r.consoleResyncs, printed);
        assertEquals(2, r.consolesConnected, printed);
        assertTrue(printed.contains("2 consoles (2 still connected)"), printed);
        assertEquals(5, r.consoleNiceness, "the consoles' process runs under nice -n 5: " + printed);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theFloorRelayRunsAsTheRelayAndAnswersEveryTurnWithTheModelsTokens() throws Exception {
        RelayBench bench = new RelayBench();
        new CommandLine(bench).parseArgs("--scenarios", "back-to-back", "--b2b-calls", "4", "--b2b-turns", "5",
                "--relay-main", FloorRelay.class.getName(), "--relay-args", "--floor-store",
                "--tokens", Integer.toString(TOKENS), "--warmup-calls", "2", "--ramp-seconds", "0.2",
                "--relay-jvm", "-Xmx512m -XX:TieredStopAtLevel=1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Report> reports = bench.execute(new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);

        assertTrue(printed.contains("relay: main class " + FloorRelay.class.getName() + " --floor-store;"),
                "the header says which relay ran: " + printed);
        assertEquals(1, reports.size(), printed);
        Report r = reports.get(0);
        assertEquals(0, r.errors(), printed);
        assertEquals(20, r.answered, printed);
        assertEquals(20, r.modelRequests, "one model request per turn: " + printed);
        assertEquals(0, r.summaryRequests, "the floor asks for no post-call summary: " + printed);
        assertEquals(0, r.unpairedTurns, printed);
        assertEquals(0, r.textMismatches, "the caller heard exactly the model's text: " + printed);
        assertEquals(20 * TOKENS, r.perToken.count(), "every token paired with its arrival: " + printed);
        assertEquals(20L * TOKENS, r.textFrames, "one frame per token, as the product sends them: " + printed);
        assertTrue(r.relayCpuNanos > 0 && r.heapOpenBytes > 0, "the floor measured as the product is: " + printed);
    }

    @Test
    void aRelayRunsFromAJarOrAMainClassNotBoth() {
        RelayBench bench = new RelayBench();
        new CommandLine(bench).parseArgs("--relay-jar", "target/switchboard.jar", "--relay-main", FloorRelay.class.getName());
        assertThrows(CommandLine.ParameterException.class, bench::plan);
        RelayBench product = new RelayBench();
        new CommandLine(product).parseArgs();
        assertEquals("the product from this class path", product.relayLaunch().describe());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void twoIndependentRelaysShareTheCallersRoundRobin() throws Exception {
        Report r = twoNodes();
        assertTrue(r.cluster == null, "no cluster, no Redis figures");
        r.nodes.forEach(n -> assertEquals(-1, n.eventsPublished));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void twoClusterNodesPublishTheirCallsEventsThroughRedis() throws Exception {
        Report r = twoNodes("--cluster", redis());
        assertTrue(r.cluster != null && !r.cluster.trimmed(), String.valueOf(r.cluster));
        for (int k = 0; k < 2; k++) {
            Report.NodeFigures n = r.nodes.get(k);
            assertTrue(n.id.startsWith("bench-") && n.id.endsWith("-" + (k + 1)), n.id);
            // Every token the node's callers received is an event the node published, besides prompts and states.
            assertTrue(n.eventsPublished >= (long) r.answeredByNode[k] * TOKENS,
                    n.id + " published " + n.eventsPublished + " events: " + r.cluster);
        }
        assertTrue(r.cluster.entriesAdded() >= r.cluster.counted(), String.valueOf(r.cluster));
        assertTrue(r.nodeRows().stream().anyMatch(row -> row.contains("| Redis |")), String.join("\n", r.nodeRows()));
    }

    /** Four calls of two turns over two relays (a second or two of calls): counts per relay, never timing. */
    private static Report twoNodes(String... extra) throws Exception {
        RelayBench bench = new RelayBench();
        List<String> args = new java.util.ArrayList<>(List.of("--scenarios", "back-to-back", "--b2b-calls", "4",
                "--b2b-turns", "2", "--nodes", "2", "--tokens", Integer.toString(TOKENS), "--warmup-calls", "1",
                "--ramp-seconds", "0.2", "--relay-jvm", "-Xmx512m -XX:TieredStopAtLevel=1"));
        args.addAll(List.of(extra));
        new CommandLine(bench).parseArgs(args.toArray(String[]::new));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Report> reports = bench.execute(new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);

        assertEquals(1, reports.size(), printed);
        Report r = reports.get(0);
        assertEquals("back-to-back 4×2, 2 nodes", r.scenario.label(), printed);
        assertEquals(0, r.errors(), printed);
        assertEquals(8, r.answered, printed);
        assertEquals(8, r.modelRequests, "one model request per turn: " + printed);
        assertEquals(8 * TOKENS, r.perToken.count(), "every token paired with its arrival: " + printed);
        // Round-robin: calls 0 and 2 on the first relay, 1 and 3 on the second.
        assertEquals(List.of(4, 4), java.util.Arrays.stream(r.answeredByNode).boxed().toList(), printed);
        assertEquals(2, r.nodes.size(), printed);
        for (Report.NodeFigures n : r.nodes) {
            assertTrue(n.cpuNanos > 0, "each relay's CPU read from /proc: " + printed);
            assertTrue(n.heapBeforeBytes > 0 && n.heapOpenBytes > 0 && n.heapAfterBytes > 0, "each relay's heap: " + printed);
        }
        assertEquals(r.nodes.get(0).cpuNanos + r.nodes.get(1).cpuNanos, r.relayCpuNanos, "the main row sums the relays");
        for (Report.NodeFigures n : r.nodes) {
            assertTrue(printed.contains("| back-to-back 4×2, 2 nodes | " + n.id + " | 4 | "), printed);
        }
        return r;
    }

    /**
     * The Redis the cluster tests use ({@code SWITCHBOARD_TEST_REDIS}, which {@code .ci/run}
     * starts); as they do, fail in CI without it and skip elsewhere.
     */
    private static String redis() {
        String redis = System.getenv("SWITCHBOARD_TEST_REDIS");
        if (redis == null || redis.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("The cluster smoke run needs Redis in CI: SWITCHBOARD_TEST_REDIS is not set");
            }
            assumeTrue(false, "Skipping the cluster smoke run: SWITCHBOARD_TEST_REDIS is not set");
        }
        return redis;
    }
}
