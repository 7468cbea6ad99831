package app.switchboard.sim;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Drives N concurrent simulated calls through a relay and reports latency, CPU, heap and
 * errors (docs/benchmarks.md). By default the relay runs in this JVM ({@link InProcessRelay}),
 * which is what makes per-token relay latency measurable: the relay stamps each token when
 * the model hands it over and the simulated caller stamps its arrival, on one clock. Against
 * a relay in another process ({@code --url}) only what a caller can see is reported.
 *
 * <p>Each call: signed upgrade, {@code setup}, then {@code --turns} caller turns (cumulative
 * partials every 250 ms, the final prompt, the streamed answer awaited, a pause), then all
 * calls are held open while the heap is measured, then hung up.
 */
@Command(name = "switchboard-load", mixinStandardHelpOptions = true,
        description = "Load generator: concurrent simulated Twilio calls against a Switchboard relay.")
public final class LoadGenerator implements Callable<Integer> {

    @Option(names = "--calls", split = ",", defaultValue = "1,50,200,500",
            description = "Concurrent calls per run, comma separated (default: ${DEFAULT-VALUE}).")
    List<Integer> calls;

    @Option(names = "--turns", defaultValue = "3", description = "Caller turns per call (default: ${DEFAULT-VALUE}).")
    int turns;

    @Option(names = "--tokens-per-second", defaultValue = "30",
            description = "Pace of the in-process offline responder (default: ${DEFAULT-VALUE}).")
    double tokensPerSecond;

    @Option(names = "--ramp-seconds", defaultValue = "5",
            description = "Spread call arrivals over this many seconds (default: ${DEFAULT-VALUE}).")
    double rampSeconds;

    @Option(names = "--pace", defaultValue = "1",
            description = "Scale of the caller's pauses; 1 is natural (default: ${DEFAULT-VALUE}).")
    double pace;

    @Option(names = "--max-seconds", defaultValue = "180",
            description = "Give up on a run after this long (default: ${DEFAULT-VALUE}).")
    long maxSeconds;

    @Option(names = "--warmup-calls", defaultValue = "20",
            description = "Calls run once before measuring, to warm the JIT (default: ${DEFAULT-VALUE}).")
    int warmupCalls;

    @Option(names = "--client-threads", defaultValue = "32",
            description = "Threads of the simulated callers' socket client (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--url", description = "wss URL of a relay running elsewhere; default: run one in process.")
    URI url;

    @Option(names = "--signed-url", description = "With --url: the relay URL Twilio signs (default: --url).")
    String signedUrl;

    @Option(names = "--action-url", description = "With --url: where to post action webhooks (loopback https URL).")
    URI actionUrl;

    @Option(names = "--action-signed-url", description = "With --url: the public action URL signed over.")
    String actionSignedUrl;

    @Option(names = "--fingerprint", description = "With --url: the relay certificate's SHA-256 fingerprint to pin.")
    String fingerprint;

    @Option(names = "--auth-token-env", defaultValue = "TWILIO_AUTH_TOKEN",
            description = "Environment variable holding the auth token to sign with (default: ${DEFAULT-VALUE}).")
    String authTokenEnv;

    private static final String LOCAL_TOKEN_NOTE = "in-process relay uses a random token";

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    /** Where the calls go. */
    private record Target(URI connectUrl, String signedUrl, URI actionPostUrl, String actionSignedUrl,
                          String authToken, String fingerprint, TokenClock clock) {
    }

    @Override
    public Integer call() throws Exception {
        List<Report> reports = execute(System.out);
        return reports.stream().allMatch(r -> r.errors() == 0) ? 0 : 1;
    }

    /** Runs every configured size, printing a markdown table to {@code out}; returns the reports. */
    List<Report> execute(java.io.PrintStream out) throws Exception {
        List<Report> reports = new ArrayList<>();
        Path dataDir = null;
        InProcessRelay inProcess = null;
        Target target;
        if (url == null) {
            dataDir = Files.createTempDirectory("switchboard-load");
            String token = SimulatedCall.newSid("");
            inProcess = new InProcessRelay(dataDir, tokensPerSecond, token, "https://calls.example.test/load");
            target = new Target(URI.create(inProcess.relay.localRelayUrl()), inProcess.relay.relayUrl(),
                    URI.create(inProcess.relay.localBaseUrl() + "/action"), inProcess.relay.actionUrl(), token,
                    inProcess.relay.fingerprint(), inProcess.clock);
        } else {
            target = new Target(url, signedUrl == null ? url.toString() : signedUrl, actionUrl,
                    actionSignedUrl == null && actionUrl != null ? actionUrl.toString() : actionSignedUrl,
                    System.getenv(authTokenEnv), fingerprint, null);
        }
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "load-timer");
            t.setDaemon(true);
            return t;
        });
        try (SimClient client = SimClient.create(target.fingerprint(), clientThreads)) {
            out.printf(Locale.ROOT, "# Switchboard load: %s relay, %d cores, Java %s, responder %s tokens/s, "
                            + "%d turns per call, pace x%s, ramp %ss%n",
                    inProcess != null ? "in-process (" + LOCAL_TOKEN_NOTE + ")" : "external " + url,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    inProcess != null ? fmt(tokensPerSecond) : "?", turns, fmt(pace), fmt(rampSeconds));
            if (warmupCalls > 0) {
                run(client, timer, target, warmupCalls);
                out.printf(Locale.ROOT, "# warm-up: %d calls done%n", warmupCalls);
            }
            out.println(Report.header(target.clock() != null));
            for (int n : calls) {
                Report report = run(client, timer, target, n);
                reports.add(report);
                out.println(report.row(target.clock() != null));
                out.println(report.details());
                out.flush();
            }
        } finally {
            timer.shutdownNow();
            if (inProcess != null) {
                inProcess.close();
            }
            if (dataDir != null) {
                deleteTree(dataDir);
            }
        }
        return reports;
    }

    private static final String[] UTTERANCES = {
        "Hi, I have a question about my bill",
        "What are your opening hours on Saturday",
        "Why is there an extra charge on my invoice",
        "Can I speak to a person please",
        "Okay thank you, that is all",
    };

    private CallerScript script(int i) {
        CallerScript.Builder b = CallerScript.named("load " + i).from(String.format("+1555%07d", i % 10_000_000));
        for (int t = 0; t < turns; t++) {
            b.say(UTTERANCES[(i + t) % UTTERANCES.length]);
        }
        return b.build();
    }

    private Report run(SimClient client, ScheduledExecutorService timer, Target target, int n) throws Exception {
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        if (target.clock() != null) {
            target.clock().clear();
        }
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        long cpuBefore = os.getProcessCpuTime();
        Map<Long, ThreadCpu> threadsBefore = threadCpu();
        double loadBefore = os.getSystemLoadAverage();
        SchedulerProbe probe = new SchedulerProbe();
        probe.start();
        long start = System.nanoTime();

        CallerScript.Pacing pacing = CallerScript.Pacing.natural().hearingAnswersOut(false).scaled(pace);
        AtomicBoolean stop = new AtomicBoolean();
        List<SimulatedCall> simCalls = new ArrayList<>();
        List<CompletableFuture<List<CallerScript.TurnRecord>>> scripts = new ArrayList<>();
        AtomicInteger connectFailures = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            SimulatedCall.Builder builder = SimulatedCall.builder(client, target.connectUrl())
                    .signedUrl(target.signedUrl())
                    .authToken(target.authToken())
                    .action(target.actionPostUrl(), target.actionSignedUrl());
            if (target.actionPostUrl() != null) {
                builder.voiceWebhookBesideAction();
            }
            SimulatedCall call = builder
                    .timeout(Duration.ofSeconds(30))
                    .from(String.format("+1555%07d", i))
                    .build();
            simCalls.add(call);
            CallerScript script = script(i);
            long delayNanos = n <= 1 ? 0 : (long) (rampSeconds * 1e9 * i / n);
            scripts.add(CallerScript.delay(Duration.ofNanos(delayNanos), timer)
                    .thenCompose(v -> call.connect())
                    .whenComplete((c, failure) -> {
                        if (failure != null) {
                            connectFailures.incrementAndGet();
                        }
                    })
                    .thenCompose(c -> script.run(c, timer, pacing, stop)));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(scripts.toArray(CompletableFuture[]::new));
        boolean timedOut = false;
        try {
            all.get(maxSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            timedOut = true;
            stop.set(true);
        } catch (java.util.concurrent.ExecutionException e) {
            // Individual failures are counted below.
        }
        long end = System.nanoTime();
        probe.stop();
        long cpuAfter = os.getProcessCpuTime();
        Map<Long, ThreadCpu> threadsAfter = threadCpu();
        double loadAfter = os.getSystemLoadAverage();

        // All calls are still open (idle, scripts done): what they cost in memory, both sides.
        System.gc();
        long heapWithCalls = memory.getHeapMemoryUsage().getUsed();
        long openAtMeasure = simCalls.stream().filter(SimulatedCall::isOpen).count();

        Report report = new Report(n, turns);
        report.schedulerLateness = probe.lateness;
        report.wallNanos = end - start;
        report.timedOut = timedOut;
        report.connectFailures = connectFailures.get();
        report.cpuNanos = cpuAfter - cpuBefore;
        report.cores = Runtime.getRuntime().availableProcessors();
        report.loadBefore = loadBefore;
        report.loadAfter = loadAfter;
        report.heapPerCallBytes = openAtMeasure == 0 ? 0 : (heapWithCalls - heapBefore) / openAtMeasure;
        splitCpu(threadsBefore, threadsAfter, report);
        double intervalNanos = tokensPerSecond > 0 ? 1e9 / tokensPerSecond : 0;

        for (int i = 0; i < n; i++) {
            SimulatedCall call = simCalls.get(i);
            CompletableFuture<List<CallerScript.TurnRecord>> script = scripts.get(i);
            List<CallerScript.TurnRecord> records = List.of();
            if (script.isDone() && !script.isCompletedExceptionally()) {
                records = script.join();
            } else if (script.isCompletedExceptionally()) {
                report.scriptFailures++;
            }
            for (CallerScript.TurnRecord record : records) {
                if (record.answer() == null) {
                    report.unanswered++;
                    continue;
                }
                report.answered++;
                report.firstToken.add(record.answer().firstNanos() - record.promptNanos());
                long previous = -1;
                for (SimulatedCall.Frame frame : record.answer().frames()) {
                    if (frame.text().token().isEmpty()) {
                        continue;
                    }
                    if (previous >= 0 && intervalNanos > 0) {
                        report.jitter.add(Math.abs(frame.nanos() - previous - (long) intervalNanos));
                    }
                    previous = frame.nanos();
                }
            }
            if (!script.isCompletedExceptionally()) {
                report.unanswered += Math.max(0, turns - records.size());
            }
            report.invalidFrames += call.invalidFrames().size();
            if (call.closeStatus().isPresent()) {
                report.unexpectedCloses++;
            }
            if (target.clock() != null) {
                matchTokens(call, target.clock(), report, start + (long) (rampSeconds * 1e9));
            }
        }

        // Hang up every call and wait for the sockets to close.
        List<CompletableFuture<SimulatedCall.Close>> closes = new ArrayList<>();
        for (SimulatedCall call : simCalls) {
            if (call.isOpen()) {
                closes.add(call.hangUp());
            }
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            report.hangupProblems++;
        }
        for (SimulatedCall call : simCalls) {
            CompletableFuture<Webhook.Result> action = call.actionResult();
            try {
                Webhook.Result result = action.get(10, TimeUnit.SECONDS);
                if (result.status() != 200) {
                    report.webhookErrors++;
                }
            } catch (Exception e) {
                report.webhookErrors++;
            }
        }
        return report;
    }

    /**
     * Pairs the relay's stamps of the answer text with the caller's arrival stamps by text
     * position: a token has arrived when the frame carrying its last character has.
     */
    private static void matchTokens(SimulatedCall call, TokenClock clock, Report report, long rampEnd) {
        List<TokenClock.Stamp> emitted = clock.emitted(call.callSid());
        List<TokenClock.Stamp> written = clock.written(call.callSid());
        List<TokenClock.Stamp> arrived = call.received().stream()
                .filter(f -> f.isText() && !f.text().token().isEmpty())
                .map(f -> new TokenClock.Stamp(f.nanos(), f.text().token())).toList();
        long[] total = TokenClock.delays(emitted, arrived);
        long[] agent = TokenClock.delays(emitted, written);
        long[] wire = TokenClock.delays(written, arrived);
        if (total == null || agent == null || wire == null) {
            report.tokenMismatches++;
            return;
        }
        for (int i = 0; i < emitted.size(); i++) {
            report.relayPerToken.add(total[i]);
            report.executorPerToken.add(agent[i]);
            if (emitted.get(i).nanos() > rampEnd) {
                report.relayPerTokenAfterRamp.add(total[i]);
            }
        }
        for (long w : wire) {
            report.wirePerToken.add(w);
        }
        report.framesPerToken.add(written.size(), emitted.size());
    }

    /**
     * A control for the machine, not the relay: a thread that asks to wake every millisecond and
     * records how late it woke. On a shared, overloaded machine this lateness, not the relay,
     * sets the floor of every latency above.
     */
    private static final class SchedulerProbe {
        final LatencyStats lateness = new LatencyStats();
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::loop, "load-probe");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        private void loop() {
            while (running) {
                long before = System.nanoTime();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                lateness.add(Math.max(0, System.nanoTime() - before - 1_000_000L));
            }
        }
    }

    private record ThreadCpu(String name, long nanos) {
    }

    private static Map<Long, ThreadCpu> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, ThreadCpu> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), new ThreadCpu(info.getThreadName(), nanos));
            }
        }
        return cpu;
    }

    /** CPU spent by the simulator's own threads vs every other Java thread (the relay's) during the run. */
    private static void splitCpu(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, Report report) {
        for (Map.Entry<Long, ThreadCpu> e : after.entrySet()) {
            ThreadCpu was = before.get(e.getKey());
            long delta = e.getValue().nanos() - (was == null ? 0 : was.nanos());
            String name = e.getValue().name();
            if (name.startsWith("relay") || name.startsWith("call-") || name.startsWith("offline-responder")
                    || name.startsWith("agent-")) {
                report.relayCpuNanos += delta;
            } else if (name.startsWith("sim-client") || name.startsWith("load-") || name.equals("main")
                    || name.startsWith("HttpClient") || name.startsWith("CompletableFutureDelayScheduler")) {
                report.simulatorCpuNanos += delta;
            } else {
                report.otherCpuNanos += delta;
                report.otherThreads.merge(name.replaceAll("[-@#]?[0-9a-f]{4,}.*|-?\\d+$", ""), delta, Long::sum);
            }
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("Could not delete " + dir + ": " + e.getMessage());
        }
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

    /** One run's numbers. */
    static final class Report {
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

        Report(int calls, int turns) {
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
    }
}
