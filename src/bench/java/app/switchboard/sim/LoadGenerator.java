package app.switchboard.sim;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
        List<LoadReport> reports = execute(System.out);
        return reports.stream().allMatch(r -> r.errors() == 0) ? 0 : 1;
    }

    /** Runs every configured size, printing a markdown table to {@code out}; returns the reports. */
    List<LoadReport> execute(java.io.PrintStream out) throws Exception {
        List<LoadReport> reports = new ArrayList<>();
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
            out.println(LoadReport.header(target.clock() != null));
            for (int n : calls) {
                LoadReport report = run(client, timer, target, n);
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

    private LoadReport run(SimClient client, ScheduledExecutorService timer, Target target, int n) throws Exception {
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        if (target.clock() != null) {
            target.clock().clear();
        }
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        long cpuBefore = os.getProcessCpuTime();
        Map<Long, LoadProbes.ThreadCpu> threadsBefore = LoadProbes.threadCpu();
        double loadBefore = os.getSystemLoadAverage();
        LoadProbes.SchedulerProbe probe = new LoadProbes.SchedulerProbe();
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
        Map<Long, LoadProbes.ThreadCpu> threadsAfter = LoadProbes.threadCpu();
        double loadAfter = os.getSystemLoadAverage();

        // All calls are still open (idle, scripts done): what they cost in memory, both sides.
        System.gc();
        long heapWithCalls = memory.getHeapMemoryUsage().getUsed();
        long openAtMeasure = simCalls.stream().filter(SimulatedCall::isOpen).count();

        LoadReport report = new LoadReport(n, turns);
        report.schedulerLateness = probe.lateness;
        report.wallNanos = end - start;
        report.timedOut = timedOut;
        report.connectFailures = connectFailures.get();
        report.cpuNanos = cpuAfter - cpuBefore;
        report.cores = Runtime.getRuntime().availableProcessors();
        report.loadBefore = loadBefore;
        report.loadAfter = loadAfter;
        report.heapPerCallBytes = openAtMeasure == 0 ? 0 : (heapWithCalls - heapBefore) / openAtMeasure;
        LoadProbes.splitCpu(threadsBefore, threadsAfter, report);
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
    private static void matchTokens(SimulatedCall call, TokenClock clock, LoadReport report, long rampEnd) {
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

}
