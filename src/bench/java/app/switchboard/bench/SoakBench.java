package app.switchboard.bench;

import app.switchboard.sim.LatencyStats;
import app.switchboard.sim.SimClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak benchmark (issue 11, docs/benchmarks.md): the relay as a deployment runs it, for a
 * long time, under a steady crowd of callers with abuse mixed in. Three processes, as
 * {@link RelayBench}: this JVM plays Twilio, a {@link ModelServer} JVM answers, the product's
 * headless relay runs in a third (TLS, signatures, the SQLite store, openai-java against the
 * model server, application reconnect on, the default socket limits).
 *
 * <p>Callers: {@code --calls} lanes, each one call at a time. A call says a prompt (partial
 * transcripts a quarter second apart, then the final one), waits for the answer's
 * {@code last:true} frame, thinks 1–4 s and goes on; after a random number of turns it hangs
 * up (close 1000, the {@code completed} webhook) and the lane places a new call. Abuse:
 * every {@code --flood-every} a socket with a valid call floods it (unknown-type and malformed
 * frames; every other flood with a valid frame among them, so the frame rate trips instead of
 * the bad-frame count); every {@code --reconnect-every} one live caller's socket drops between
 * turns and comes back with the same setup and call token (application reconnect), and its
 * next turn must be answered; every {@code --silent-every} a signed socket that never sends
 * {@code setup}.
 *
 * <p>Every {@code --interval}: the relay's heap after a full GC, its RSS, its live calls (its
 * {@code /health}), the rows in its events table (the SQLite file opened read-only), and the
 * callers' latency, abuse outcomes and errors over the interval. At the end a markdown table
 * and the pass/fail criteria of {@link SoakReport}, printed and written to {@code --out}.
 *
 * <p>This class is the command line, the run's timeline, the samples and the verdict; its parts:
 * {@link SoakCallers} (the callers and the abuse), {@link SoakInterval} (what they count),
 * {@link SoakStore} (the relay's record), {@link BenchProcesses} (the processes).
 */
@Command(name = "switchboard-soak", mixinStandardHelpOptions = true,
        description = "Soak benchmark: many calls with turns, floods, reconnects and silent sockets for a long time; "
                + "heap after GC, RSS, rows and callers' latency at intervals.")
public final class SoakBench implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    @Option(names = "--duration", defaultValue = "30m", description = "How long the load runs (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--interval", defaultValue = "60s", description = "Sampling interval (default: ${DEFAULT-VALUE}).")
    String interval;

    /*
     * The relay keeps the last 200 ended calls (for up to an hour) with their event windows for the
     * supervisor's list (CallRegistry.EndedCalls): at 100 calls of ~50 s that list fills in about
     * two minutes, and the heap rises with it by design. The trend is judged after that.
     */
    @Option(names = "--warm-up", defaultValue = "5m",
            description = "Samples taken this early are shown but left out of the heap trend; longer than the relay "
                    + "takes to fill its list of 200 recent ended calls (default: ${DEFAULT-VALUE}).")
    String warmUp;

    @Option(names = "--calls", defaultValue = "100", description = "Concurrent calls (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--min-turns", defaultValue = "3", description = "Fewest turns of a call (default: ${DEFAULT-VALUE}).")
    int minTurns;

    @Option(names = "--max-turns", defaultValue = "15", description = "Most turns of a call (default: ${DEFAULT-VALUE}).")
    int maxTurns;

    @Option(names = "--think-ms", split = ",", defaultValue = "1000,4000",
            description = "A caller's pause after an answer, uniform between the two (default: ${DEFAULT-VALUE}).")
    List<Long> thinkMs;

    @Option(names = "--ramp", defaultValue = "10s", description = "Spread the first calls over this long (default: ${DEFAULT-VALUE}).")
    String ramp;

    @Option(names = "--flood-every", defaultValue = "30s", description = "A flooding socket this often (default: ${DEFAULT-VALUE}).")
    String floodEvery;

    @Option(names = "--reconnect-every", defaultValue = "20s",
            description = "A live call's socket drops and reconnects this often (default: ${DEFAULT-VALUE}).")
    String reconnectEvery;

    @Option(names = "--silent-every", defaultValue = "30s",
            description = "A socket that never sends setup this often (default: ${DEFAULT-VALUE}).")
    String silentEvery;

    @Option(names = "--reconnect-wait", defaultValue = "30s",
            description = "The relay's reconnectWaitSeconds: how long a dropped call waits for Twilio (default: ${DEFAULT-VALUE}).")
    String reconnectWait;

    @Option(names = "--first-token-ms", defaultValue = "0", description = "Model time to first token (default: ${DEFAULT-VALUE}).")
    long firstTokenMillis;

    @Option(names = "--tokens", defaultValue = "20", description = "Model tokens per reply (default: ${DEFAULT-VALUE}).")
    int tokensPerReply;

    @Option(names = "--tokens-per-second", defaultValue = "30",
            description = "The model's token pace, 0 as fast as the socket takes them (default: ${DEFAULT-VALUE}).")
    double tokensPerSecond;

    @Option(names = "--relay-jar", description = "Run the relay as java -jar FILE (e.g. target/switchboard.jar); default: this class path.")
    Path relayJar;

    @Option(names = "--relay-jvm", split = " ", defaultValue = "-Xmx1g",
            description = "JVM options of the relay, space separated (default: ${DEFAULT-VALUE}, as the installer).")
    List<String> relayJvm;

    @Option(names = "--client-threads", defaultValue = "32", description = "Socket client threads of the callers (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--seed", defaultValue = "11", description = "Seed of the callers' choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "target/soak-report.md", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return run(System.out).passed() ? 0 : 1;
    }

    /** What a run found: the report's text and whether every criterion held. */
    record Result(String markdown, List<SoakReport.Sample> samples, List<SoakReport.Criterion> criteria) {
        boolean passed() {
            return SoakReport.passed(criteria);
        }
    }

    /** The callers, the abuse and what they count: one run's worth. */
    private final SoakCallers callers = new SoakCallers(this);

    // ---------------------------------------------------------------- the run

    Result run(PrintStream print) throws Exception {
        Duration runFor = SoakReport.parseDuration(duration);
        Duration every = SoakReport.parseDuration(interval);
        Duration warm = SoakReport.parseDuration(warmUp);
        Path dir = Files.createTempDirectory("switchboard-soak");
        String token = RelayBench.randomToken();
        double loadBefore = RelayBench.loadAverage();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(4, daemon("soak-timer"));
        ExecutorService abuse = Executors.newCachedThreadPool(daemon("soak-abuse"));
        ExecutorService lanes = Executors.newFixedThreadPool(calls, daemon("soak-lane"));
        List<SoakReport.Sample> samples = new ArrayList<>();
        List<String> totals = new ArrayList<>();
        List<SoakReport.Criterion> criteria = new ArrayList<>();
        List<String> context = new ArrayList<>();
        List<String> histogramRows = new ArrayList<>();
        try (ChildProcess model = BenchProcesses.startModel(firstTokenMillis, tokensPerSecond, tokensPerReply);
             ChildProcess relay = BenchProcesses.startRelay(dir, relaySettings(),
                     ChildProcess.match(BenchProcesses.MODEL_READY, model.awaitLine(BenchProcesses.MODEL_READY, 60)).group(1),
                     token, relayJvm, relayJar, null);
             LoopbackClient loopback = new LoopbackClient()) {
            BenchProcesses.Target target = BenchProcesses.target(relay, token);
            String modelBase = ChildProcess.match(BenchProcesses.MODEL_READY, model.awaitLine(BenchProcesses.MODEL_READY, 1)).group(1);
            boolean sharedClock = ModelRecord.sharesClock(modelBase);
            Path db = dir.resolve("data").resolve("switchboard.db");
            context.add(String.format(Locale.ROOT, "%d cores, Java %s, relay JVM `%s`%s; model: first token %d ms, %d tokens a reply at %s tokens/s",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), String.join(" ", relayJvm),
                    relayJar == null ? " (this class path)" : " (`-jar " + relayJar + "`)", firstTokenMillis, tokensPerReply,
                    tokensPerSecond == 0 ? "full speed" : LatencyStats.fmt(tokensPerSecond)));
            context.add(String.format(Locale.ROOT, "%d calls for %s, sampled every %s (samples in the first %s are the warm-up); "
                            + "turns per call %d–%d, think %d–%d ms; a flood every %s, a reconnect every %s, a no-setup socket every %s",
                    calls, duration, interval, warmUp, minTurns, maxTurns, thinkMs.get(0), thinkMs.get(1), floodEvery,
                    reconnectEvery, silentEvery));
            print.println("# Switchboard soak: " + String.join("; ", context));
            print.println(SoakReport.HEADER);
            print.flush();

            long heapBefore = relay.heapAfterFullGc();
            Map<String, ChildProcess.ClassCount> histogramBefore = relay.classHistogram();
            long cpuBefore = relay.cpuNanos();
            TokenPairing pairing = new TokenPairing();
            try (SimClient client = SimClient.create(target.fingerprint(), clientThreads)) {
                long start = System.nanoTime();
                long end = start + runFor.toNanos();
                List<Future<?>> running = new ArrayList<>();
                long rampNanos = SoakReport.parseDuration(ramp).toNanos();
                for (int lane = 0; lane < calls; lane++) {
                    int laneNo = lane;
                    long delay = rampNanos * lane / calls;
                    running.add(lanes.submit(() -> callers.lane(client, target, laneNo, delay)));
                }
                schedule(timer, floodEvery, () -> abuse.submit(() -> callers.flood(client, target)));
                schedule(timer, reconnectEvery, callers.reconnectsDue::incrementAndGet);
                schedule(timer, silentEvery, () -> abuse.submit(() -> callers.silent(loopback, target)));

                long rowsBefore = 0;
                for (long next = start + every.toNanos(); next <= end; next += every.toNanos()) {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the sampling clock
                    SoakInterval closed = callers.current.getAndSet(new SoakInterval());
                    callers.closedIntervals.add(closed);
                    SoakReport.Sample s = sample(relay, loopback, target, db, modelBase, pairing, closed, sharedClock,
                            (next - start) / 1e9, next - start < warm.toNanos(), rowsBefore);
                    rowsBefore = s.rowsWritten();
                    samples.add(s);
                    print.println(SoakReport.row(s));
                    print.flush();
                }

                // The end: callers finish the turn they are in and hang up; abuse stops.
                callers.stopping.set(true);
                timer.shutdownNow();
                for (Future<?> f : running) {
                    f.get(120, TimeUnit.SECONDS);
                }
                abuse.shutdown();
                abuse.awaitTermination(60, TimeUnit.SECONDS);
                SoakInterval last = callers.current.getAndSet(new SoakInterval());
                callers.closedIntervals.add(last);
                long cpuUsed = relay.cpuNanos() - cpuBefore;
                long wall = System.nanoTime() - start;

                int liveAfter = awaitNoLiveCalls(loopback, target, Duration.ofSeconds(90));
                long heapAfter = relay.heapAfterFullGc();
                histogramRows.addAll(SoakReport.histogramGrowth(histogramBefore, relay.classHistogram(), 15));
                long rows = SoakStore.rows(db);
                JsonNode health = loopback.health(target);
                SoakStore.StoreChecks stored = SoakStore.storeChecks(db);

                SoakInterval all = SoakInterval.sum(callers.closedIntervals);
                long turns = all.turns.get();
                totals.add(String.format(Locale.ROOT, "Wall %.0f s; calls placed %d; turns answered %d; relay CPU %.1f s "
                                + "(%.2f ms per turn, %.0f %% of one core); events rows %d (%.0f per turn); load average %.1f → %.1f",
                        wall / 1e9, callers.nextCall.get(), turns, cpuUsed / 1e9, turns == 0 ? Double.NaN : cpuUsed / 1e6 / turns,
                        100.0 * cpuUsed / wall, rows, turns == 0 ? Double.NaN : (double) rows / turns, loadBefore,
                        RelayBench.loadAverage()));
                totals.add(String.format(Locale.ROOT, "Relay heap after full GC: %.1f MB before the load, %.1f MB after it "
                                + "with %d live calls (relay's count after up to 90 s for the reconnect waits to end); relay health at the end: %s",
                        heapBefore / 1048576.0, heapAfter / 1048576.0, liveAfter, health.path("status").asText("?")));
                totals.add("Callers' prompt→first frame over the whole run ms p50 / p95 / p99 / max: " + callers.allFirstFrame.summary()
                        + "; per-token added: " + pairing.all.summary() + " (" + pairing.all.count() + " tokens paired"
                        + (sharedClock ? "" : ", clocks not shared: not measured") + ", " + pairing.unpaired + " turns unpaired, "
                        + pairing.mismatched + " with text differing from the model's)");
                totals.add("Errors: " + (all.errorDetail().isEmpty() ? "none" : all.errorDetail())
                        + "; reconnect attempts refused while the relay had not yet seen the drop, then retried: "
                        + callers.totalReconnectRetries.get() + "; relay log lines at ERROR " + relay.errorLines() + ", at WARN "
                        + relay.warningLines() + (relay.problems().isEmpty() ? ""
                        : "; first: `" + relay.problems().get(0).replace("|", "\\|") + "`"));
                totals.add("Agent faults in the relay's record (`FAULT` events: e.g. no token within the 4 s "
                        + "first-token timeout, when the fallback sentence is spoken instead of the model's answer): "
                        + (stored.faultsByReason().isEmpty() ? "none" : stored.faultsByReason().toString()));
                totals.add("Closes the flood sockets saw (1006: the close frame lost to a broken pipe while still writing): "
                        + new java.util.TreeMap<>(callers.floodClosesSeen));

                criteria.addAll(verdict(all, stored, samples, relay, health, db, totals));
            }
        } finally {
            callers.stopping.set(true);
            timer.shutdownNow();
            abuse.shutdownNow();
            lanes.shutdownNow();
            RelayBench.deleteTree(dir);
        }
        String title = String.format(Locale.ROOT, "Soak: %d calls for %s", calls, duration);
        String markdown = SoakReport.markdown(title, context, samples, totals, criteria,
                "Relay heap histogram (`jcmd PID GC.class_histogram`, live objects), before the load → after it "
                        + "(every call ended): the 15 classes that grew most", histogramRows);
        print.println();
        print.println(markdown);
        print.flush();
        if (out != null) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, markdown);
            print.println("Report written to " + out);
        }
        return new Result(markdown, samples, criteria);
    }

    /** The pass/fail criteria of the run (and, in {@code totals}, why a reconnect was not recorded as one). */
    private List<SoakReport.Criterion> verdict(SoakInterval all, SoakStore.StoreChecks stored, List<SoakReport.Sample> samples,
                                               ChildProcess relay, JsonNode health, Path db, List<String> totals)
            throws Exception {
        List<SoakReport.Criterion> criteria = new ArrayList<>();
        SoakReport.Trend trend = SoakReport.heapTrend(SoakReport.judgedHeap(samples));
        criteria.add(new SoakReport.Criterion("heap after GC does not trend upward", trend.passes(), trend.describe()));
        int lost = all.connectFailures.get() + all.unanswered.get() + all.unexpectedCloses.get() + all.callsLost.get();
        criteria.add(new SoakReport.Criterion("no unexpected call loss",
                lost == 0 && all.invalidFrames.get() == 0 && all.hangupProblems.get() == 0,
                String.format(Locale.ROOT, "calls lost %d (of which unanswered turns %d, closes not by the caller %d), "
                                + "failed connects %d, invalid frames %d, failed hang-ups or webhooks %d", all.callsLost.get(),
                        all.unanswered.get(), all.unexpectedCloses.get(), all.connectFailures.get(),
                        all.invalidFrames.get(), all.hangupProblems.get())));
        int resumedByCallers = all.reconnectsResumed.get();
        int recordedResumes = callers.resumedCalls.entrySet().stream()
                .mapToInt(e -> Math.min(e.getValue().get(), stored.reconnectedByCall().getOrDefault(e.getKey(), 0))).sum();
        List<String> unrecorded = callers.resumedCalls.entrySet().stream()
                .filter(e -> stored.reconnectedByCall().getOrDefault(e.getKey(), 0) < e.getValue().get())
                .map(Map.Entry::getKey).sorted().toList();
        if (!unrecorded.isEmpty()) {
            totals.add("Reconnected calls whose record lacks a `SESSION_RECONNECTED` (their session events): "
                    + SoakStore.sessionHistory(db, unrecorded));
        }
        criteria.add(new SoakReport.Criterion("every reconnect resumed",
                all.reconnectsTried.get() > 0 && resumedByCallers == all.reconnectsTried.get()
                        && recordedResumes == resumedByCallers,
                String.format(Locale.ROOT, "%d of %d answered the next turn on the new socket; %d recorded "
                        + "`SESSION_RECONNECTED` in the relay's store", resumedByCallers, all.reconnectsTried.get(),
                        recordedResumes)));
        long floodsRecorded = callers.floodCalls.entrySet().stream()
                .filter(e -> e.getValue().equals(stored.limitByCall().get(e.getKey()))).count();
        criteria.add(new SoakReport.Criterion("every flood socket closed with the limit code",
                !callers.floodCalls.isEmpty() && floodsRecorded == callers.floodCalls.size()
                        && all.floodsClosedByRelay.get() == all.floodsSent.get(),
                String.format(Locale.ROOT, "the relay closed %d of %d flood sockets within 30 s; its record "
                                + "(`SESSION_CLOSED` code and `limit`) names the limit each was built to trip "
                                + "(1007 `consecutiveInvalid` or 1008 `framesPerSecond`) for %d of %d",
                        all.floodsClosedByRelay.get(), all.floodsSent.get(), floodsRecorded, callers.floodCalls.size())));
        criteria.add(new SoakReport.Criterion("every socket without setup closed by the deadline",
                all.silentOpened.get() > 0 && all.silentClosedBySetupDeadline.get() == all.silentOpened.get(),
                String.format(Locale.ROOT, "%d of %d closed 1008 \"No setup within …\"",
                        all.silentClosedBySetupDeadline.get(), all.silentOpened.get())));
        criteria.add(new SoakReport.Criterion("relay healthy, no ERROR lines",
                "ok".equals(health.path("status").asText()) && relay.errorLines() == 0,
                "health `" + health.path("status").asText("?") + "`, " + relay.errorLines() + " ERROR lines"));
        return criteria;
    }

    /** The user's settings file of the relay under soak: application reconnect on, every limit at its default. */
    private Map<String, Object> relaySettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("applicationReconnect", true);
        settings.put("reconnectWaitSeconds", Math.max(1, SoakReport.parseDuration(reconnectWait).toSeconds()));
        return settings;
    }

    private static void schedule(ScheduledExecutorService timer, String every, Runnable task) {
        long nanos = SoakReport.parseDuration(every).toNanos();
        if (nanos > 0) {
            timer.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- sampling

    private SoakReport.Sample sample(ChildProcess relay, LoopbackClient loopback, BenchProcesses.Target target, Path db,
                                     String modelBase, TokenPairing pairing, SoakInterval closed, boolean sharedClock,
                                     double seconds, boolean warmUp, long rowsBefore) throws Exception {
        long heap = relay.heapAfterFullGc();
        long rss = relay.rssBytes();
        int live = loopback.health(target).path("liveCalls").asInt(-1);
        long rows = SoakStore.rows(db);
        LatencyStats perToken = pairing.pair(ModelRecord.fetchSends(modelBase), closed.arrivals, sharedClock);
        return new SoakReport.Sample(seconds, warmUp, heap, rss, live, callers.callersOpen.get(), rows, rows - rowsBefore,
                closed.turns.get(), p50p99(closed.firstFrame), p50p99(perToken),
                closed.floodsClosedByRelay.get() + " / " + closed.floodsSent.get(),
                closed.reconnectsResumed.get() + " / " + closed.reconnectsTried.get(),
                closed.silentClosedBySetupDeadline.get() + " / " + closed.silentOpened.get(),
                closed.errors(), closed.errorDetail(), RelayBench.loadAverage());
    }

    private static String p50p99(LatencyStats s) {
        return s.count() == 0 ? "n/a" : LatencyStats.fmt(s.percentileMs(50)) + " / " + LatencyStats.fmt(s.percentileMs(99));
    }

    /** Polls the relay's live-call count until it is 0 or {@code limit} has passed; returns the last count. */
    private static int awaitNoLiveCalls(LoopbackClient loopback, BenchProcesses.Target target, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        int live;
        while ((live = loopback.health(target).path("liveCalls").asInt(-1)) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(500); // polling another process's figure; nothing to wait on
        }
        return live;
    }

}
