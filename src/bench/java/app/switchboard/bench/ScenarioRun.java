package app.switchboard.bench;

import app.switchboard.cluster.ClusterEventCounter;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario of {@link RelayBench}, start to finish: a fresh data directory, model server and
 * relay(s) (and consoles when asked), the warm-up, the measured calls, the relays' CPU, heap and
 * JFR figures, the settle wait, then the model's record paired into the {@link Report}.
 */
final class ScenarioRun {

    /** The relay's end grace (10 s) plus one pruning tick (5 s), and a second of margin. */
    private static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(16);

    private final RelayBench options;
    private final CallerLanes lanes;

    ScenarioRun(RelayBench options) {
        this.options = options;
        this.lanes = new CallerLanes(options.maxSeconds);
    }

    /** One relay process of a scenario: its cluster node id (or a plain name), data directory, process, and where callers dial it. */
    record Node(String id, Path dir, ChildProcess process, BenchProcesses.Target target) {
    }

    Report run(RelayBench.Scenario s) throws Exception {
        Path dir = Files.createTempDirectory("switchboard-bench");
        Report report = new Report(s);
        report.loadBefore = RelayBench.loadAverage();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-timer");
            t.setDaemon(true);
            return t;
        });
        String token = RelayBench.randomToken();
        List<Path> nodeDirs = new ArrayList<>();
        for (int k = 0; k < s.nodes(); k++) {
            nodeDirs.add(s.nodes() == 1 ? dir : Files.createDirectories(dir.resolve("node-" + (k + 1))));
        }
        if (s.nodes() > 1) {
            BenchProcesses.shareCertificate(nodeDirs);
        }
        // Consoles sign in on the first relay (a cluster node shows them every node's calls).
        String consoleToken = s.consoles() > 0
                ? ConsoleLoad.addAccount(Files.createDirectories(nodeDirs.get(0).resolve("data"))) : null;
        List<Node> relays = new ArrayList<>();
        try (ChildProcess model = startModel(s);
             ClusterEventCounter redis = options.cluster == null ? null : ClusterEventCounter.connect(options.cluster)) {
            try {
                String modelBase = ChildProcess.match(BenchProcesses.MODEL_READY, model.awaitLine(BenchProcesses.MODEL_READY, 60)).group(1);
                startRelays(s, nodeDirs, modelBase, token, relays);
                runOn(s, report, relays, modelBase, redis, timer, consoleToken);
            } finally {
                for (int k = relays.size() - 1; k >= 0; k--) {
                    relays.get(k).process().close();
                }
            }
        } finally {
            timer.shutdownNow();
            report.loadAfter = RelayBench.loadAverage();
            RelayBench.deleteTree(dir);
        }
        return report;
    }

    /**
     * The cluster stream once the nodes' publishers have flushed: each node sends its events in
     * batches, so when the callers' last token has arrived the last batch may not be in Redis yet
     * (under load, a node's whole last turns). Waits until the stream stops growing for 300 ms,
     * at most 10 s.
     */
    private static ClusterEventCounter.Mark settled(ClusterEventCounter redis) throws InterruptedException {
        ClusterEventCounter.Mark last = redis.mark();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Thread.sleep(300); // polling Redis, not synchronising threads: the stream has no "flushed" signal
            ClusterEventCounter.Mark now = redis.mark();
            if (now.entriesAdded() == last.entriesAdded()) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private void runOn(RelayBench.Scenario s, Report report, List<Node> relays, String modelBase, ClusterEventCounter redis,
                       ScheduledExecutorService timer, String consoleToken) throws Exception {
        List<BenchProcesses.Target> targets = relays.stream().map(Node::target).toList();
        report.sharedClock = ModelRecord.sharesClock(modelBase);
        relays.forEach(n -> report.nodes.add(new Report.NodeFigures(n.id())));
        ChildProcess attached = null;
        // One certificate for every relay (shareCertificate), as nodes behind one load balancer name.
        try (SimClient client = SimClient.create(targets.get(0).fingerprint(), options.clientThreads)) {
            if (s.consoles() > 0) {
                // Attached before the warm-up, so the consoles' own JVM is warm when the scenario starts.
                attached = BenchProcesses.startConsoles(s.consoles(), targets.get(0), consoleToken, options.consoleNice);
                report.consoleNiceness = attached.niceness();
            }
            if (options.warmupCalls > 0) {
                // Per relay: each JVM as warm as a single relay's would be.
                RelayBench.Scenario warm = new RelayBench.Scenario("warm-up", options.warmupCalls * s.nodes(), 3, Math.min(options.warmupCalls, 10) * s.nodes(),
                        0, 0, 0, false).withNodes(s.nodes());
                lanes.drive(client, timer, targets, warm, new Report(warm), 1_000_000);
                // The model server counts from its start: the scenario's requests are those after this.
                JsonNode warmed = ModelRecord.fetchSends(modelBase);
                report.warmupModelRequests = warmed.path("requests").asLong();
                report.warmupSummaryRequests = warmed.path("summaries").asLong();
                report.warmupModelFailures = warmed.path("failed").asLong();
            }
            if (attached != null) {
                BenchProcesses.awaitConsolesDrained(attached);
                attached.send("reset");
                attached.awaitLine(Pattern.compile("^consoles reset$"), 30);
            }
            for (int k = 0; k < relays.size(); k++) {
                report.nodes.get(k).heapBeforeBytes = relays.get(k).process().heapAfterFullGc();
            }
            if (options.relayJfr != null) {
                Files.createDirectories(options.relayJfr);
                for (Node n : relays) {
                    n.process().startRecording(options.relayJfr.resolve(s.name() + (relays.size() == 1 ? "" : "-" + n.id()) + ".jfr"));
                }
            }
            long[] cpuBefore = new long[relays.size()];
            long[] jitBefore = new long[relays.size()];
            for (int k = 0; k < relays.size(); k++) {
                cpuBefore[k] = relays.get(k).process().cpuNanos();
                jitBefore[k] = relays.get(k).process().jitCpuNanos();
            }
            ClusterEventCounter.Mark redisBefore = redis == null ? null : redis.mark();
            long start = System.nanoTime();
            List<SimulatedCall> open = lanes.drive(client, timer, targets, s, report, 0);
            report.wallNanos = System.nanoTime() - start;
            ClusterEventCounter.Mark redisAfter = redis == null ? null : settled(redis);
            for (int k = 0; k < relays.size(); k++) {
                Report.NodeFigures f = report.nodes.get(k);
                f.cpuNanos = relays.get(k).process().cpuNanos() - cpuBefore[k];
                f.jitCpuNanos = relays.get(k).process().jitCpuNanos() - jitBefore[k];
            }
            if (options.relayJfr != null) {
                for (Node n : relays) {
                    n.process().stopRecording();
                }
            }
            if (attached != null) {
                // The consoles may still be receiving after the callers' last turn: the relays' CPU
                // until they have everything is what consoles cost them.
                long drained = BenchProcesses.awaitConsolesDrained(attached);
                report.consolesDrainedNanos = drained - start;
                long cpu = 0;
                for (int k = 0; k < relays.size(); k++) {
                    cpu += relays.get(k).process().cpuNanos() - cpuBefore[k];
                }
                report.relayCpuUntilConsolesDrainedNanos = cpu;
            }
            Map<String, ChildProcess.ClassCount> heapOpen = null;
            if (s.holdOpen()) {
                for (int k = 0; k < relays.size(); k++) {
                    report.nodes.get(k).heapOpenBytes = relays.get(k).process().heapAfterFullGc();
                }
                if (options.heapByClass && relays.size() == 1) {
                    heapOpen = relays.get(0).process().classHistogram();
                }
                CallerLanes.hangUp(open, report);
            }
            // "Retained with zero live calls" is the steady state: a call whose socket closed
            // waits up to the relay's end grace (10 s) for Twilio's action webhook, and ended
            // calls leave the list on the next pruning tick (5 s). A benchmark may wait.
            Thread.sleep(SETTLE.toMillis());
            for (int k = 0; k < relays.size(); k++) {
                report.nodes.get(k).heapAfterBytes = relays.get(k).process().heapAfterFullGc();
            }
            if (heapOpen != null) {
                report.heapOfOpenCalls = SoakReport.histogramGrowth(relays.get(0).process().classHistogram(), heapOpen, 20);
            }
            report.sumNodes();
            ModelRecord.matchTokens(report, ModelRecord.fetchSends(modelBase));
            if (s.turns() > 40) {
                for (Node n : relays) {
                    Path db = n.dir().resolve("data").resolve("switchboard.db");
                    if (Files.exists(db)) { // a relay other than the product (--relay-main) may keep no store
                        ModelRecord.relayLatencyByTurn(db, report);
                    }
                }
            }
            if (redis != null) {
                report.cluster = redis.between(redisBefore, redisAfter);
                for (Report.NodeFigures f : report.nodes) {
                    f.eventsPublished = report.cluster.byNode().getOrDefault(f.id, 0L);
                }
            }
            if (attached != null) {
                attached.send("report");
                Matcher m = ChildProcess.match(ConsoleLoad.REPORT, attached.awaitLine(ConsoleLoad.REPORT, 60));
                report.consoleEvents = Long.parseLong(m.group(1));
                report.consoleDeliveries = Long.parseLong(m.group(2));
                report.consoleResyncs = Long.parseLong(m.group(3));
                report.consolesConnected = Integer.parseInt(m.group(4));
                report.consoleSummary = m.group(5);
            }
        } finally {
            if (attached != null) {
                attached.close();
            }
        }
        List<String> problems = new ArrayList<>();
        for (Node n : relays) {
            report.relayErrorLines += n.process().errorLines();
            report.relayWarningLines += n.process().warningLines();
            n.process().problems().forEach(p -> problems.add(relays.size() == 1 ? p : n.id() + ": " + p));
        }
        report.relayProblems = problems;
    }

    /**
     * Starts the scenario's relays (in parallel: their start-ups overlap) and waits until each
     * listens. Cluster nodes get ids unique to this run, so a Redis shared with earlier runs
     * holds nothing of theirs under the same name.
     */
    private void startRelays(RelayBench.Scenario s, List<Path> dirs, String modelBase, String token, List<Node> started)
            throws Exception {
        String run = RelayBench.randomToken().substring(0, 6);
        for (int k = 0; k < dirs.size(); k++) {
            String id = options.cluster == null ? "relay-" + (k + 1) : "bench-" + run + "-" + (k + 1);
            // In the list before it listens, so run() stops it whatever happens next.
            started.add(new Node(id, dirs.get(k), startRelay(dirs.get(k), s, modelBase, token, options.cluster == null ? null : id),
                    null));
        }
        for (int k = 0; k < started.size(); k++) {
            Node n = started.get(k);
            started.set(k, new Node(n.id(), n.dir(), n.process(), BenchProcesses.target(n.process(), token)));
        }
    }

    private ChildProcess startModel(RelayBench.Scenario s) throws Exception {
        return BenchProcesses.startModel(options.firstTokenMillis, s.tokensPerSecond(), options.tokensPerReply);
    }

    private ChildProcess startRelay(Path dir, RelayBench.Scenario s, String modelBase, String token, String nodeId) throws Exception {
        // The system prompt comes from the settings file in the data directory, as a user sets it.
        Map<String, Object> settings = new HashMap<>();
        if (s.promptKb() > 0) {
            settings.put("systemPrompt", RelayBench.systemPrompt(s.promptKb() * 1024));
        }
        // The bench's callers speak without pauses (a 300-turn call in seconds, hundreds of
        // frames a second on one socket), which the relay's default limit rightly refuses as a
        // flood; the relay under test gets a frame rate no real caller reaches.
        settings.put("socketFramesPerSecond", 100_000.0);
        settings.put("socketFrameBurst", 100_000);
        List<String> jvm = new ArrayList<>(options.relayJvm);
        if (options.relayJfr != null) {
            jvm.add(ChildProcess.idleRecordingOption(dir));
        }
        return BenchProcesses.startRelay(dir, settings, modelBase, token, jvm, options.relayLaunch(), options.cluster, nodeId);
    }
}
