package app.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up of the benchmark's other processes, each in a JVM of its own: the {@link ModelServer},
 * the product's headless relay (one per node), the {@link ConsoleLoad} consoles; and where the
 * callers dial a relay, read from its start-up lines. Shared by {@link RelayBench} and {@link SoakBench}.
 */
final class BenchProcesses {

    private BenchProcesses() {
    }

    static final Pattern RELAY_READY = Pattern.compile("^Switchboard relay listening on (wss://([^\\s/]+)/relay)$");
    static final Pattern TWIML = Pattern.compile("^TwiML webhook: (https://\\S+)/twiml$");
    static final Pattern FINGERPRINT = Pattern.compile("^TLS certificate SHA-256: (\\S+)$");
    static final Pattern MODEL_READY = Pattern.compile("^" + Pattern.quote(ModelServer.READY) + "(http://\\S+)$");

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** The {@link ModelServer} in a JVM of its own; its base URL is on its {@link #MODEL_READY} line. */
    static ChildProcess startModel(long firstTokenMillis, double tokensPerSecond, int tokensPerReply) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), ModelServer.class.getName(),
                "--first-token-ms", Long.toString(firstTokenMillis),
                "--tokens-per-second", Double.toString(tokensPerSecond),
                "--tokens", Integer.toString(tokensPerReply)));
        return ChildProcess.start("model", cmd, Map.of());
    }

    /**
     * How a relay process is started: {@code java -jar jar}, or {@code java -cp <this class path>
     * mainClass} (the product's {@code app.switchboard.Launcher} when both are null, or another
     * relay such as {@link FloorRelay}); {@code extraArgs} follow the usual ones.
     */
    record RelayLaunch(Path jar, String mainClass, List<String> extraArgs) {
        RelayLaunch {
            if (jar != null && mainClass != null) {
                throw new IllegalArgumentException("a relay runs from a jar or a main class, not both");
            }
            extraArgs = extraArgs == null ? List.of() : extraArgs.stream().filter(a -> !a.isBlank()).toList();
        }

        static RelayLaunch jar(Path jar) {
            return new RelayLaunch(jar, null, List.of());
        }

        /** What ran, for the report's header. */
        String describe() {
            String what = jar != null ? "-jar " + jar
                    : mainClass != null ? "main class " + mainClass : "the product from this class path";
            return what + (extraArgs.isEmpty() ? "" : " " + String.join(" ", extraArgs));
        }
    }

    /**
     * The product's relay, headless, in a JVM of its own on {@code dir} as its data directory,
     * with {@code settings} as the user's settings file, its agent on openai-java against
     * {@code modelBase}, signatures checked with {@code token}; {@code relayJar} null runs it
     * from this class path, {@code cluster} null as a single node.
     */
    static ChildProcess startRelay(Path dir, Map<String, Object> settings, String modelBase, String token,
                                   List<String> relayJvm, Path relayJar, String cluster) throws Exception {
        return startRelay(dir, settings, modelBase, token, relayJvm, RelayLaunch.jar(relayJar), cluster, "bench-relay");
    }

    /** As above, started as {@code launch} says, a cluster node named {@code nodeId}. */
    static ChildProcess startRelay(Path dir, Map<String, Object> settings, String modelBase, String token,
                                   List<String> relayJvm, RelayLaunch launch, String cluster, String nodeId) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        JSON.writeValue(config.resolve("settings.json").toFile(), settings);
        List<String> cmd = new ArrayList<>();
        cmd.add(ChildProcess.java());
        cmd.addAll(relayJvm.stream().filter(o -> !o.isBlank()).toList());
        if (launch.jar() != null) {
            cmd.addAll(List.of("-jar", launch.jar().toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                    launch.mainClass() != null ? launch.mainClass() : "app.switchboard.Launcher"));
        }
        cmd.addAll(List.of("--headless", "--port", "0", "--data-dir", dir.toString()));
        if (cluster != null) {
            cmd.addAll(List.of("--cluster", cluster, "--node-id", nodeId));
        }
        cmd.addAll(launch.extraArgs());
        Map<String, String> env = new HashMap<>();
        env.put("OPENAI_BASE_URL", modelBase);
        env.put("OPENAI_API_KEY", "bench-not-a-key");
        env.put("TWILIO_AUTH_TOKEN", token);
        return ChildProcess.start("relay", cmd, env);
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
    static long awaitConsolesDrained(ChildProcess consoles) throws Exception {
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
    static ChildProcess startConsoles(int n, Target target, String token, int niceness) throws Exception {
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
}
