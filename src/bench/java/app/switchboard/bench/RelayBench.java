package app.switchboard.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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
 * <p>This class is the command line, the plan of scenarios and the printed table; its parts:
 * {@link ScenarioRun} (one scenario start to finish), {@link CallerLanes} (the callers),
 * {@link BenchProcesses} (the model server, relay and console processes), {@link ModelRecord}
 * (pairing the model's stamps with the callers'). The numbers are {@link Report}'s, the processes
 * {@link ChildProcess}'s.
 */
@Command(name = "switchboard-bench", mixinStandardHelpOptions = true,
        description = "Production-shape benchmark: load generator, headless relay and model server in three processes.")
public final class RelayBench implements Callable<Integer> {

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
            description = "Record the relay with JFR (profile settings, or -Dbench.jfr.settings=FILE.jfc) over each scenario's measured window, after the warm-up, into DIR/SCENARIO.jfr; JFR itself starts with the relay, recording nothing until then.")
    Path relayJfr;

    @Option(names = "--heap-by-class",
            description = "In scenarios that hold their calls open: what the open calls hold, by class (two heap histograms, one relay only).")
    boolean heapByClass;

    @Option(names = "--relay-jar", description = "Run the relay as java -jar FILE (e.g. target/switchboard.jar); default: this class path.")
    Path relayJar;

    @Option(names = "--relay-main", paramLabel = "CLASS",
            description = "Run the relay as java -cp <this class path> CLASS (e.g. app.switchboard.bench.FloorRelay) "
                    + "with the product's command line; default: the product (--relay-jar, or app.switchboard.Launcher).")
    String relayMain;

    @Option(names = "--relay-args", split = " ", paramLabel = "ARGS",
            description = "More arguments for the relay, space separated, after the usual ones (e.g. --floor-store).")
    List<String> relayArgs;

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

    /** How each scenario's relay is started (jar, main class, extra arguments). */
    BenchProcesses.RelayLaunch relayLaunch() {
        return new BenchProcesses.RelayLaunch(relayJar, relayMain, relayArgs);
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
        if (relayJar != null && relayMain != null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--relay-jar and --relay-main exclude each other");
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
                        + "first token %d ms, %d tokens a reply; relay: %s; %s%s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), String.join(" ", relayJvm), firstTokenMillis, tokensPerReply,
                relayLaunch().describe(),
                nodes == 1 ? "one relay" : nodes + " relays, callers round-robin",
                cluster == null ? ", no cluster" : ", cluster nodes on " + cluster);
        out.println(Report.HEADER);
        out.flush();
        List<Report> reports = new ArrayList<>();
        for (Scenario s : plan) {
            Report r = new ScenarioRun(this).run(s);
            reports.add(r);
            out.println(r.row());
            out.println(r.details());
            if (!r.heapOfOpenCalls.isEmpty()) {
                out.printf(Locale.ROOT, "%n%s: live heap with its %d calls open minus with them ended (`jcmd PID "
                        + "GC.class_histogram`), the 20 classes that differ most%n", s.name(), s.calls());
                out.println("| class | instances ended → open | MB ended → open | open − ended MB |");
                out.println("|---|---:|---:|---:|");
                r.heapOfOpenCalls.forEach(out::println);
                out.println();
            }
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
