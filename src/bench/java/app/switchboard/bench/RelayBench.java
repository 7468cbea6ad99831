package app.switchboard.bench;

import app.switchboard.cluster.ClusterEventCounter;
import app.switchboard.sim.CallerScript;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TokenClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The production-shape benchmark (docs/benchmarks.md): three processes, as a deployment runs.
 * This JVM plays Twilio (simulated callers over {@code wss://}, signed upgrades and webhooks);
 * it starts a {@link ModelServer} in a second JVM and a headless relay in a third
 * ({@code switchboard --headless}, TLS, signatures and the store on, its agent talking to the
 * model server through openai-java via {@code OPENAI_BASE_URL}). Each scenario gets a fresh
 * relay, model server and data directory.
 *
 * <p>Scenarios: {@code long-call} (1 call, many turns, a large system prompt),
 * {@code back-to-back} (N calls × M turns with no pauses), {@code paced} (N calls, the model at
 * a human-ish token pace), {@code short-calls} (many one-turn calls, a few at a time, then the
 * heap with zero live calls).
 *
 * <p>Longer than most classes because it is the whole method in one place: the processes, the
 * callers' lanes and the pairing of the model's stamps with the callers'. The numbers are
 * {@link Report}'s, the processes {@link ChildProcess}'s.
 */
@Command(name = "switchboard-bench", mixinStandardHelpOptions = true,
        description = "Production-shape benchmark: load generator, headless relay and model server in three processes.")
public final class RelayBench implements Callable<Integer> {

    static final Pattern RELAY_READY = Pattern.compile("^Switchboard relay listening on (wss://([^\\s/]+)/relay)$");
    static final Pattern TWIML = Pattern.compile("^TwiML webhook: (https://\\S+)/twiml$");
    static final Pattern FINGERPRINT = Pattern.compile("^TLS certificate SHA-256: (\\S+)$");
    static final Pattern MODEL_READY = Pattern.compile("^" + Pattern.quote(ModelServer.READY) + "(http://\\S+)$");
    static final Pattern TAG = Pattern.compile("Question (\\d+)-(\\d+):");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The relay's end grace (10 s) plus one pruning tick (5 s), and a second of margin. */
    private static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(16);

    @Option(names = "--scenarios", split = ",", defaultValue = "long-call,back-to-back,paced,short-calls",
            description = "Which scenarios to run (default: ${DEFAULT-VALUE}).")
    List<String> scenarios;

    @Option(names = "--long-turns", defaultValue = "300", description = "long-call: turns (default: ${DEFAULT-VALUE}).")
    int longTurns;

    @Option(names = "--prompt-kb", defaultValue = "10", description = "long-call: system prompt size in KB (default: ${DEFAULT-VALUE}).")
    int promptKb;

    @Option(names = "--b2b-calls", defaultValue = "50", description = "back-to-back: calls (default: ${DEFAULT-VALUE}).")
    int backToBackCalls;

    @Option(names = "--b2b-turns", defaultValue = "20", description = "back-to-back: turns per call (default: ${DEFAULT-VALUE}).")
    int backToBackTurns;

    @Option(names = "--paced-calls", split = ",", defaultValue = "200,500",
            description = "paced: concurrent calls, one run per size (default: ${DEFAULT-VALUE}).")
    List<Integer> pacedCalls;

    @Option(names = "--paced-turns", defaultValue = "3", description = "paced: turns per call (default: ${DEFAULT-VALUE}).")
    int pacedTurns;

    @Option(names = "--paced-tokens-per-second", defaultValue = "30",
            description = "paced: the model's token pace (default: ${DEFAULT-VALUE}).")
    double pacedTokensPerSecond;

    @Option(names = "--ramp-seconds", defaultValue = "5",
            description = "paced and back-to-back: spread call arrivals over this long (default: ${DEFAULT-VALUE}).")
    double rampSeconds;

    @Option(names = "--short-calls", defaultValue = "10000", description = "short-calls: calls (default: ${DEFAULT-VALUE}).")
    int shortCalls;

    @Option(names = "--short-concurrency", defaultValue = "4",
            description = "short-calls: calls in flight at once (default: ${DEFAULT-VALUE}).")
    int shortConcurrency;

    @Option(names = "--first-token-ms", defaultValue = "0", description = "Model time to first token (default: ${DEFAULT-VALUE}).")
    long firstTokenMillis;

    @Option(names = "--tokens", defaultValue = "20", description = "Model tokens per reply (default: ${DEFAULT-VALUE}).")
    int tokensPerReply;

    @Option(names = "--warmup-calls", defaultValue = "300",
            description = "Calls of 3 turns run before each scenario's measurement, to warm the relay's JIT (default: ${DEFAULT-VALUE}).")
    int warmupCalls;

    @Option(names = "--consoles", split = ",", defaultValue = "0", paramLabel = "N[,N…]",
            description = "Supervisor consoles attached through /console during each scenario; a list runs each scenario once per count (default: ${DEFAULT-VALUE}).")
    List<Integer> consoles;

    @Option(names = "--relay-jfr", paramLabel = "DIR",
            description = "Record the relay with JFR (profile settings) over each scenario's measured window, after the warm-up, into DIR/SCENARIO.jfr.")
    Path relayJfr;

    @Option(names = "--relay-jar", description = "Run the relay as java -jar FILE (e.g. target/switchboard.jar); default: this class path.")
    Path relayJar;

    @Option(names = "--relay-jvm", split = " ", defaultValue = "-Xmx1g",
            description = "JVM options of the relay, space separated (default: ${DEFAULT-VALUE}, as the installer).")
    List<String> relayJvm;

    @Option(names = "--cluster", paramLabel = "URI", description = "Run the relay as a cluster node on this Redis "
            + "(redis://127.0.0.1:PORT): every event also goes through Redis; default: a single node.")
    String cluster;

    @Option(names = "--nodes", defaultValue = "1", paramLabel = "N",
            description = "Relay processes, each with its own data directory and port, the callers spread over them "
                    + "round-robin as a load balancer would; with --cluster each is a cluster node (its own --node-id), "
                    + "without it N independent relays (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--console-nice", defaultValue = "0", paramLabel = "N",
            description = "Run the consoles' process under nice -n N (0-19), so it takes CPU only when the relays, the "
                    + "model server and the callers leave it, as consoles on other machines would (default: ${DEFAULT-VALUE}).")
    int consoleNice;

    @Option(names = "--client-threads", defaultValue = "32", description = "Socket client threads of the callers (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--max-seconds", defaultValue = "900", description = "Give up on a scenario after this long (default: ${DEFAULT-VALUE}).")
    long maxSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RelayBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Report> reports = execute(System.out);
        return reports.stream().allMatch(r -> r.errors() == 0) ? 0 : 1;
    }

    /** One scenario run: its shape. {@code nodes}: relay processes the callers are spread over. */
    record Scenario(String name, int calls, int turns, int concurrency, double tokensPerSecond, int promptKb,
                    double rampSeconds, boolean holdOpen, int consoles, int nodes) {
        Scenario(String name, int calls, int turns, int concurrency, double tokensPerSecond, int promptKb,
                 double rampSeconds, boolean holdOpen) {
            this(name, calls, turns, concurrency, tokensPerSecond, promptKb, rampSeconds, holdOpen, 0, 1);
        }

        String label() {
            return String.format(Locale.ROOT, "%s %d×%d", name, calls, turns)
                    + (nodes > 1 ? String.format(Locale.ROOT, ", %d nodes", nodes) : "")
                    + (consoles > 0 ? String.format(Locale.ROOT, ", %d console%s", consoles, consoles == 1 ? "" : "s") : "");
        }

        Scenario withConsoles(int n) {
            return new Scenario(name, calls, turns, concurrency, tokensPerSecond, promptKb, rampSeconds, holdOpen, n, nodes);
        }

        Scenario withNodes(int n) {
            return new Scenario(name, calls, turns, concurrency, tokensPerSecond, promptKb, rampSeconds, holdOpen, consoles, n);
        }
    }

    /** The relay (0-based) that call {@code index} dials: round-robin, as a load balancer spreads new connections. */
    static int nodeOf(int index, int nodes) {
        return Math.floorMod(index, nodes);
    }

    List<Scenario> plan() {
        List<Scenario> plan = new ArrayList<>();
        for (String s : scenarios) {
            switch (s.strip()) {
                case "long-call" -> plan.add(new Scenario("long-call", 1, longTurns, 1, 0, promptKb, 0, true));
                case "back-to-back" -> plan.add(new Scenario("back-to-back", backToBackCalls, backToBackTurns,
                        backToBackCalls, 0, 0, rampSeconds, true));
                case "paced" -> pacedCalls.forEach(n -> plan.add(new Scenario("paced", n, pacedTurns, n,
                        pacedTokensPerSecond, 0, rampSeconds, true)));
                case "short-calls" -> plan.add(new Scenario("short-calls", shortCalls, 1, shortConcurrency, 0, 0, 0,
                        false));
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown scenario " + s);
            }
        }
        if (nodes < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--nodes must be at least 1");
        }
        if (consoleNice < 0 || consoleNice > 19) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--console-nice must be 0 to 19");
        }
        List<Scenario> withConsoles = new ArrayList<>();
        for (Scenario s : plan) {
            consoles.forEach(n -> withConsoles.add(s.withConsoles(n).withNodes(nodes)));
        }
        return withConsoles;
    }

    List<Report> execute(PrintStream out) throws Exception {
        List<Scenario> plan = plan();
        out.printf(Locale.ROOT, "# Switchboard production-shape benchmark: %d cores, Java %s, relay JVM %s, model: "
                        + "first token %d ms, %d tokens a reply; %s%s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), String.join(" ", relayJvm), firstTokenMillis, tokensPerReply,
                nodes == 1 ? "one relay" : nodes + " relays, callers round-robin",
                cluster == null ? ", no cluster" : ", cluster nodes on " + cluster);
        out.println(Report.HEADER);
        out.flush();
        List<Report> reports = new ArrayList<>();
        for (Scenario s : plan) {
            Report r = run(s);
            reports.add(r);
            out.println(r.row());
            out.println(r.details());
            out.flush();
        }
        if (nodes > 1 || cluster != null) {
            out.println();
            out.println(Report.NODE_HEADER);
            reports.forEach(r -> r.nodeRows().forEach(out::println));
            out.flush();
        }
        return reports;
    }

    // ---------------------------------------------------------------- one scenario

    /** One relay process of a scenario: its cluster node id (or a plain name), data directory, process, and where callers dial it. */
    record Node(String id, Path dir, ChildProcess process, Target target) {
    }

    Report run(Scenario s) throws Exception {
        Path dir = Files.createTempDirectory("switchboard-bench");
        Report report = new Report(s);
        report.loadBefore = loadAverage();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-timer");
            t.setDaemon(true);
            return t;
        });
        String token = randomToken();
        List<Path> nodeDirs = new ArrayList<>();
        for (int k = 0; k < s.nodes(); k++) {
            nodeDirs.add(s.nodes() == 1 ? dir : Files.createDirectories(dir.resolve("node-" + (k + 1))));
        }
        if (s.nodes() > 1) {
            shareCertificate(nodeDirs);
        }
        // Consoles sign in on the first relay (a cluster node shows them every node's calls).
        String consoleToken = s.consoles() > 0
                ? ConsoleLoad.addAccount(Files.createDirectories(nodeDirs.get(0).resolve("data"))) : null;
        List<Node> relays = new ArrayList<>();
        try (ChildProcess model = startModel(s);
             ClusterEventCounter redis = cluster == null ? null : ClusterEventCounter.connect(cluster)) {
            try {
                String modelBase = ChildProcess.match(MODEL_READY, model.awaitLine(MODEL_READY, 60)).group(1);
                startRelays(s, nodeDirs, modelBase, token, relays);
                runOn(s, report, relays, modelBase, redis, timer, consoleToken);
            } finally {
                for (int k = relays.size() - 1; k >= 0; k--) {
                    relays.get(k).process().close();
                }
            }
        } finally {
            timer.shutdownNow();
            report.loadAfter = loadAverage();
            deleteTree(dir);
        }
        return report;
    }

    private void runOn(Scenario s, Report report, List<Node> relays, String modelBase, ClusterEventCounter redis,
                       ScheduledExecutorService timer, String consoleToken) throws Exception {
        List<Target> targets = relays.stream().map(Node::target).toList();
        report.sharedClock = sharesClock(modelBase);
        relays.forEach(n -> report.nodes.add(new Report.NodeFigures(n.id())));
        ChildProcess attached = null;
        // One certificate for every relay (shareCertificate), as nodes behind one load balancer name.
        try (SimClient client = SimClient.create(targets.get(0).fingerprint(), clientThreads)) {
            if (s.consoles() > 0) {
                // Attached before the warm-up, so the consoles' own JVM is warm when the scenario starts.
                attached = startConsoles(s.consoles(), targets.get(0), consoleToken, consoleNice);
                report.consoleNiceness = attached.niceness();
            }
            if (warmupCalls > 0) {
                // Per relay: each JVM as warm as a single relay's would be.
                Scenario warm = new Scenario("warm-up", warmupCalls * s.nodes(), 3, Math.min(warmupCalls, 10) * s.nodes(),
                        0, 0, 0, false).withNodes(s.nodes());
                drive(client, timer, targets, warm, new Report(warm), 1_000_000);
                // The model server counts from its start: the scenario's requests are those after this.
                JsonNode warmed = fetchSends(modelBase);
                report.warmupModelRequests = warmed.path("requests").asLong();
                report.warmupSummaryRequests = warmed.path("summaries").asLong();
                report.warmupModelFailures = warmed.path("failed").asLong();
            }
            if (attached != null) {
                awaitConsolesDrained(attached);
                attached.send("reset");
                attached.awaitLine(Pattern.compile("^consoles reset$"), 30);
            }
            for (int k = 0; k < relays.size(); k++) {
                report.nodes.get(k).heapBeforeBytes = relays.get(k).process().heapAfterFullGc();
            }
            if (relayJfr != null) {
                Files.createDirectories(relayJfr);
                for (Node n : relays) {
                    n.process().startRecording(relayJfr.resolve(s.name() + (relays.size() == 1 ? "" : "-" + n.id()) + ".jfr"));
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
            List<SimulatedCall> open = drive(client, timer, targets, s, report, 0);
            report.wallNanos = System.nanoTime() - start;
            ClusterEventCounter.Mark redisAfter = redis == null ? null : redis.mark();
            for (int k = 0; k < relays.size(); k++) {
                Report.NodeFigures f = report.nodes.get(k);
                f.cpuNanos = relays.get(k).process().cpuNanos() - cpuBefore[k];
                f.jitCpuNanos = relays.get(k).process().jitCpuNanos() - jitBefore[k];
            }
            if (relayJfr != null) {
                for (Node n : relays) {
                    n.process().stopRecording();
                }
            }
            if (attached != null) {
                // The consoles may still be receiving after the callers' last turn: the relays' CPU
                // until they have everything is what consoles cost them.
                long drained = awaitConsolesDrained(attached);
                report.consolesDrainedNanos = drained - start;
                long cpu = 0;
                for (int k = 0; k < relays.size(); k++) {
                    cpu += relays.get(k).process().cpuNanos() - cpuBefore[k];
                }
                report.relayCpuUntilConsolesDrainedNanos = cpu;
            }
            if (s.holdOpen()) {
                for (int k = 0; k < relays.size(); k++) {
                    report.nodes.get(k).heapOpenBytes = relays.get(k).process().heapAfterFullGc();
                }
                hangUp(open, report);
            }
            // "Retained with zero live calls" is the steady state: a call whose socket closed
            // waits up to the relay's end grace (10 s) for Twilio's action webhook, and ended
            // calls leave the list on the next pruning tick (5 s). A benchmark may wait.
            Thread.sleep(SETTLE.toMillis());
            for (int k = 0; k < relays.size(); k++) {
                report.nodes.get(k).heapAfterBytes = relays.get(k).process().heapAfterFullGc();
            }
            report.sumNodes();
            matchTokens(report, fetchSends(modelBase));
            if (s.turns() > 40) {
                for (Node n : relays) {
                    relayLatencyByTurn(n.dir().resolve("data").resolve("switchboard.db"), report);
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
    private void startRelays(Scenario s, List<Path> dirs, String modelBase, String token, List<Node> started)
            throws Exception {
        String run = randomToken().substring(0, 6);
        for (int k = 0; k < dirs.size(); k++) {
            String id = cluster == null ? "relay-" + (k + 1) : "bench-" + run + "-" + (k + 1);
            // In the list before it listens, so run() stops it whatever happens next.
            started.add(new Node(id, dirs.get(k), startRelay(dirs.get(k), s, modelBase, token, cluster == null ? null : id),
                    null));
        }
        for (int k = 0; k < started.size(); k++) {
            Node n = started.get(k);
            started.set(k, new Node(n.id(), n.dir(), n.process(), target(n.process(), token)));
        }
    }

    /**
     * One self-signed certificate for every relay, generated into the first relay's data
     * directory and copied to the others' (where each relay looks for it at start), as the nodes
     * behind one load-balanced name would share one. The callers pin it once.
     */
    static void shareCertificate(List<Path> nodeDirs) throws java.io.IOException {
        Path first = Files.createDirectories(nodeDirs.get(0).resolve("data"));
        app.switchboard.relay.TlsMaterial.selfSigned(first);
        try (var files = Files.list(first)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                for (Path other : nodeDirs.subList(1, nodeDirs.size())) {
                    Files.copy(f, Files.createDirectories(other.resolve("data")).resolve(f.getFileName()));
                }
            }
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger COUNT_QUERIES = new java.util.concurrent.atomic.AtomicInteger();

    /** Polls the consoles' event count until it stops growing for a second; returns System.nanoTime() then. */
    private static long awaitConsolesDrained(ChildProcess consoles) throws Exception {
        long previous = -1;
        long stableSince = System.nanoTime();
        while (true) {
            // A fresh number each time: the child's earlier answers stay in its output.
            int k = COUNT_QUERIES.incrementAndGet();
            consoles.send("count " + k);
            Matcher m = ChildProcess.match(Pattern.compile("^consoles count " + k + ": (\\d+)$"),
                    consoles.awaitLine(Pattern.compile("^consoles count " + k + ": "), 30));
            long n = Long.parseLong(m.group(1));
            long now = System.nanoTime();
            if (n != previous) {
                previous = n;
                stableSince = now;
            } else if (now - stableSince >= 1_000_000_000L) {
                return stableSince;
            }
            Thread.sleep(100); // polling a child process's counter, not synchronising with it
        }
    }

    /**
     * The consoles in a process of their own, attached and signed in when this returns; under
     * {@code nice -n niceness} when above 0. (With Linux's autogroups, nice ranks processes of one
     * session: the bench's children, whose session this is, not other users' work.)
     */
    private static ChildProcess startConsoles(int n, Target target, String token, int niceness) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (niceness > 0) {
            cmd.addAll(List.of("nice", "-n", Integer.toString(niceness)));
        }
        cmd.addAll(List.of(ChildProcess.java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                ConsoleLoad.class.getName(), Integer.toString(n), target.connectUrl().toString(), target.fingerprint()));
        ChildProcess consoles = ChildProcess.start("consoles", cmd, Map.of("SWITCHBOARD_BENCH_CONSOLE_TOKEN", token));
        try {
            consoles.awaitLine(ConsoleLoad.READY, 120);
        } catch (Exception e) {
            consoles.close();
            throw e;
        }
        return consoles;
    }

    private ChildProcess startModel(Scenario s) throws Exception {
        return startModel(firstTokenMillis, s.tokensPerSecond(), tokensPerReply);
    }

    /** The {@link ModelServer} in a JVM of its own; its base URL is on its {@link #MODEL_READY} line. */
    static ChildProcess startModel(long firstTokenMillis, double tokensPerSecond, int tokensPerReply) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), ModelServer.class.getName(),
                "--first-token-ms", Long.toString(firstTokenMillis),
                "--tokens-per-second", Double.toString(tokensPerSecond),
                "--tokens", Integer.toString(tokensPerReply)));
        return ChildProcess.start("model", cmd, Map.of());
    }

    private ChildProcess startRelay(Path dir, Scenario s, String modelBase, String token, String nodeId) throws Exception {
        // The system prompt comes from the settings file in the data directory, as a user sets it.
        Map<String, Object> settings = new HashMap<>();
        if (s.promptKb() > 0) {
            settings.put("systemPrompt", systemPrompt(s.promptKb() * 1024));
        }
        // The bench's callers speak without pauses (a 300-turn call in seconds, hundreds of
        // frames a second on one socket), which the relay's default limit rightly refuses as a
        // flood; the relay under test gets a frame rate no real caller reaches.
        settings.put("socketFramesPerSecond", 100_000.0);
        settings.put("socketFrameBurst", 100_000);
        return startRelay(dir, settings, modelBase, token, relayJvm, relayJar, cluster, nodeId);
    }

    /**
     * The product's relay, headless, in a JVM of its own on {@code dir} as its data directory,
     * with {@code settings} as the user's settings file, its agent on openai-java against
     * {@code modelBase}, signatures checked with {@code token}; {@code relayJar} null runs it
     * from this class path, {@code cluster} null as a single node.
     */
    static ChildProcess startRelay(Path dir, Map<String, Object> settings, String modelBase, String token,
                                   List<String> relayJvm, Path relayJar, String cluster) throws Exception {
        return startRelay(dir, settings, modelBase, token, relayJvm, relayJar, cluster, "bench-relay");
    }

    /** As above, a cluster node named {@code nodeId}. */
    static ChildProcess startRelay(Path dir, Map<String, Object> settings, String modelBase, String token,
                                   List<String> relayJvm, Path relayJar, String cluster, String nodeId) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        JSON.writeValue(config.resolve("settings.json").toFile(), settings);
        List<String> cmd = new ArrayList<>();
        cmd.add(ChildProcess.java());
        cmd.addAll(relayJvm.stream().filter(o -> !o.isBlank()).toList());
        if (relayJar != null) {
            cmd.addAll(List.of("-jar", relayJar.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "app.switchboard.Launcher"));
        }
        cmd.addAll(List.of("--headless", "--port", "0", "--data-dir", dir.toString()));
        if (cluster != null) {
            cmd.addAll(List.of("--cluster", cluster, "--node-id", nodeId));
        }
        Map<String, String> env = new HashMap<>();
        env.put("OPENAI_BASE_URL", modelBase);
        env.put("OPENAI_API_KEY", "bench-not-a-key");
        env.put("TWILIO_AUTH_TOKEN", token);
        return ChildProcess.start("relay", cmd, env);
    }

    /** Where the callers dial and what they sign over, from the relay's start-up lines. */
    record Target(URI connectUrl, String signedUrl, URI actionPostUrl, String actionSignedUrl, String authToken,
                  String fingerprint) {
    }

    static Target target(ChildProcess relay, String token) throws Exception {
        Matcher ready = ChildProcess.match(RELAY_READY, relay.awaitLine(RELAY_READY, 120));
        String publicBase = ChildProcess.match(TWIML, relay.awaitLine(TWIML, 10)).group(1);
        String fingerprint = ChildProcess.match(FINGERPRINT, relay.awaitLine(FINGERPRINT, 10)).group(1);
        String hostPort = ready.group(2);
        return new Target(URI.create(ready.group(1)), "wss://" + publicBase.substring("https://".length()) + "/relay",
                URI.create("https://" + hostPort + "/action"), publicBase + "/action", token, fingerprint);
    }

    private static final String[] UTTERANCES = {
        "Hi, I have a question about my bill",
        "What are your opening hours on Saturday",
        "Why is there an extra charge on my invoice",
        "Can you check the status of my order",
        "Okay thank you, that helps",
    };

    /** Tagged so the model server's record of each reply can be paired with the turn that asked. */
    private static CallerScript script(int call, int turns) {
        CallerScript.Builder b = CallerScript.named("bench " + call).from(String.format("+1555%07d", call % 10_000_000));
        for (int t = 0; t < turns; t++) {
            b.say("Question " + call + "-" + t + ": " + UTTERANCES[(call + t) % UTTERANCES.length]);
        }
        return b.build();
    }

    /**
     * Runs the scenario's calls, at most {@code concurrency} at once (one lane per call in
     * flight), lane starts spread over the ramp. Calls the scenario holds open are returned
     * open; the others hang up after their turns. Call {@code i} dials relay {@link #nodeOf}.
     */
    private List<SimulatedCall> drive(SimClient client, ScheduledExecutorService timer, List<Target> targets, Scenario s,
                                      Report report, int firstIndex) throws Exception {
        CallerScript.Pacing pacing = CallerScript.Pacing.immediate();
        AtomicBoolean stop = new AtomicBoolean();
        List<SimulatedCall> open = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        int laneCount = Math.min(s.concurrency(), s.calls());
        var lanes = Executors.newFixedThreadPool(Math.max(1, laneCount), r -> {
            Thread t = new Thread(r, "bench-lane");
            t.setDaemon(true);
            return t;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int lane = 0; lane < laneCount; lane++) {
            long rampNanos = (long) (s.rampSeconds() * 1e9 * lane / laneCount);
            running.add(lanes.submit(() -> {
                // Arrival pacing, not synchronisation: lane k starts k/N of the way through the ramp.
                TimeUnit.NANOSECONDS.sleep(rampNanos);
                for (int i; (i = next.getAndIncrement()) < s.calls() && !stop.get(); ) {
                    long left = deadline - System.nanoTime();
                    int index = firstIndex + i;
                    oneCall(client, timer, targets.get(nodeOf(index, targets.size())), s, report, index, pacing, stop, open)
                            .get(Math.max(1, left), TimeUnit.NANOSECONDS);
                }
                return null;
            }));
        }
        try {
            for (var f : running) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            report.timedOut = true;
            stop.set(true);
        } finally {
            lanes.shutdownNow();
        }
        return open;
    }

    private CompletableFuture<Void> oneCall(SimClient client, ScheduledExecutorService timer, Target target,
                                            Scenario s, Report report, int index, CallerScript.Pacing pacing,
                                            AtomicBoolean stop, List<SimulatedCall> open) {
        SimulatedCall call = SimulatedCall.builder(client, target.connectUrl())
                .signedUrl(target.signedUrl())
                .authToken(target.authToken())
                .action(target.actionPostUrl(), target.actionSignedUrl())
                .voiceWebhookBesideAction() // as Twilio: the TwiML first, its per-call token in setup
                .timeout(Duration.ofSeconds(30))
                .from(String.format("+1555%07d", index % 10_000_000))
                .build();
        CallerScript script = script(index, s.turns());
        AtomicBoolean connected = new AtomicBoolean();
        return call.connect()
                .thenCompose(c -> {
                    connected.set(true);
                    return script.run(c, timer, pacing, stop);
                })
                .handle((records, failure) -> {
                    if (failure != null) {
                        (connected.get() ? report.scriptFailures : report.connectFailures).incrementAndGet();
                        records = List.of();
                    }
                    report.add(index, records, s.turns());
                    report.invalidFrames.addAndGet(call.invalidFrames().size());
                    if (call.closeStatus().isPresent()) {
                        report.unexpectedCloses.incrementAndGet();
                    }
                    return call;
                })
                .thenCompose(c -> {
                    if (s.holdOpen() && c.isOpen()) {
                        open.add(c);
                        return CompletableFuture.completedFuture(null);
                    }
                    return hangUp(c, report);
                });
    }

    private static CompletableFuture<Void> hangUp(SimulatedCall call, Report report) {
        if (!call.isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        return call.hangUp()
                .thenCompose(close -> call.actionResult())
                .orTimeout(30, TimeUnit.SECONDS)
                .handle((result, failure) -> {
                    if (failure != null) {
                        report.hangupProblems.incrementAndGet();
                    } else if (result.status() != 200) {
                        report.webhookErrors.incrementAndGet();
                    }
                    return null;
                });
    }

    private static void hangUp(List<SimulatedCall> calls, Report report) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (SimulatedCall c : calls) {
            all.add(hangUp(c, report));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- the model server's record

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static JsonNode get(String modelBase, String path) throws Exception {
        String root = modelBase.substring(0, modelBase.length() - "/v1".length());
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(root + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("model server answered " + r.statusCode() + " to " + path);
        }
        return JSON.readTree(r.body());
    }

    static JsonNode fetchSends(String modelBase) throws Exception {
        return get(modelBase, "/bench/sends");
    }

    /**
     * Whether the model server's {@link System#nanoTime()} is this JVM's (on Linux both are
     * {@code CLOCK_MONOTONIC}): its reading must fall between ours before and after asking.
     */
    static boolean sharesClock(String modelBase) throws Exception {
        long before = System.nanoTime();
        long theirs = get(modelBase, "/bench/clock").path("nanos").asLong();
        long after = System.nanoTime();
        return theirs >= before && theirs <= after;
    }

    /**
     * Per-token added latency: the caller's arrival stamp of the frame carrying a token's last
     * character minus the model server's stamp when it wrote that token's chunk. Paired by text
     * position per turn, as the agent may send several tokens in one frame.
     */
    private static void matchTokens(Report report, JsonNode sends) {
        report.modelRequests = sends.path("requests").asLong() - report.warmupModelRequests;
        report.summaryRequests = sends.path("summaries").asLong() - report.warmupSummaryRequests;
        report.modelFailures = sends.path("failed").asLong() - report.warmupModelFailures;
        Map<Long, List<TokenClock.Stamp>> byTurn = stampsByTurn(sends);
        for (Map.Entry<Long, List<TokenClock.Stamp>> e : report.arrivals.entrySet()) {
            List<TokenClock.Stamp> sent = byTurn.get(e.getKey());
            if (sent == null) {
                report.unpairedTurns++;
                continue;
            }
            long[] delays = TokenClock.delays(sent, e.getValue());
            if (delays == null) {
                report.textMismatches++;
                continue;
            }
            if (report.sharedClock) {
                Arrays.stream(delays).forEach(report.perToken::add);
            }
        }
    }

    /** The model server's token stamps of each reply, by {@link #key} of the tagged turn that asked for it. */
    static Map<Long, List<TokenClock.Stamp>> stampsByTurn(JsonNode sends) {
        Map<Long, List<TokenClock.Stamp>> byTurn = new HashMap<>();
        for (JsonNode s : sends.path("sends")) {
            Matcher m = TAG.matcher(s.path("user").asText());
            if (!m.find()) {
                continue;
            }
            List<TokenClock.Stamp> stamps = new ArrayList<>();
            for (int i = 0; i < s.path("tokens").size(); i++) {
                stamps.add(new TokenClock.Stamp(s.path("nanos").get(i).asLong(), s.path("tokens").get(i).asText()));
            }
            byTurn.put(key(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))), stamps);
        }
        return byTurn;
    }

    /**
     * The relay's own view of each turn, from the {@code LATENCY} events in its store: request
     * sent to the model → first frame written, for the first and the last 20 turns of each long
     * call. A stall on the model connection (Nagle and delayed ACK) shows here, away from the
     * callers' side of the noise.
     */
    private static void relayLatencyByTurn(Path db, Report report) throws Exception {
        Map<String, Map<Integer, Double>> byCall = new HashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement st = c.createStatement()) {
            st.execute("PRAGMA query_only = 1");
            try (java.sql.ResultSet r = st.executeQuery("SELECT call_id, fields FROM events WHERE kind = 'LATENCY'")) {
                while (r.next()) {
                    JsonNode f = JSON.readTree(r.getString(2));
                    if (f.path("sentToFirstFrameMs").isNumber()) {
                        byCall.computeIfAbsent(r.getString(1), k -> new HashMap<>())
                                .put(f.path("turn").asInt(), f.path("sentToFirstFrameMs").asDouble());
                    }
                }
            }
        }
        for (Map<Integer, Double> turns : byCall.values()) {
            int last = turns.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            if (last <= 40) {
                continue; // a warm-up call
            }
            turns.forEach((turn, ms) -> {
                long nanos = (long) (ms * 1e6);
                if (turn <= 20) {
                    report.relaySentToFirstFrameEarly.add(nanos);
                } else if (turn > last - 20) {
                    report.relaySentToFirstFrameLate.add(nanos);
                }
            });
        }
    }

    static long key(int call, int turn) {
        return ((long) call << 20) | turn;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A system prompt of about {@code bytes} bytes: a policy manual in numbered sections, in words
     * the model server's replies never use in a row (so the agent's output guard holds nothing).
     */
    static String systemPrompt(int bytes) {
        StringBuilder b = new StringBuilder("You are the voice assistant of Acme Telecom. Speak briefly and plainly.\n");
        String[] topics = {"billing disputes", "roaming charges", "contract renewals", "broadband outages",
            "device repairs", "number porting", "accessibility requests", "fraud reports"};
        for (int i = 1; b.length() < bytes; i++) {
            String topic = topics[i % topics.length];
            b.append("Section ").append(i).append(". When callers raise ").append(topic)
                    .append(", confirm identity through postcode verification, summarise relevant policy clauses, ")
                    .append("offer escalation toward specialist teams where regulations require, and record outcomes.\n");
        }
        return b.substring(0, bytes);
    }

    static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("Could not delete " + dir + ": " + e.getMessage());
        }
    }
}
