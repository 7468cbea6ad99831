package app.switchboard.bench;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.sim.LatencyStats;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TokenClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.sqlite.SQLiteConfig;
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
 */
@Command(name = "switchboard-soak", mixinStandardHelpOptions = true,
        description = "Soak benchmark: many calls with turns, floods, reconnects and silent sockets for a long time; "
                + "heap after GC, RSS, rows and callers' latency at intervals.")
public final class SoakBench implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIVE_SESSION_REFUSED = "Call already has a live relay session";
    private static final int FLOOD_FRAMES = 600;
    private static final int RECONNECT_ATTEMPTS = 5;

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

    // ---------------------------------------------------------------- what the callers count

    /** The callers' figures over one sampling interval; lanes and abuse tasks add, the sampler swaps. */
    static final class Interval {
        final LatencyStats firstFrame = new LatencyStats();
        final Map<Long, List<TokenClock.Stamp>> arrivals = new ConcurrentHashMap<>();
        final AtomicInteger turns = new AtomicInteger();
        final AtomicInteger connectFailures = new AtomicInteger();
        final AtomicInteger unanswered = new AtomicInteger();
        final AtomicInteger unexpectedCloses = new AtomicInteger();
        final AtomicInteger callsLost = new AtomicInteger();
        final AtomicInteger invalidFrames = new AtomicInteger();
        final AtomicInteger hangupProblems = new AtomicInteger();
        final AtomicInteger floodsSent = new AtomicInteger();
        final AtomicInteger floodsClosedByRelay = new AtomicInteger();
        final AtomicInteger reconnectsTried = new AtomicInteger();
        final AtomicInteger reconnectsResumed = new AtomicInteger();
        final AtomicInteger reconnectsRefusedThenRetried = new AtomicInteger();
        final AtomicInteger silentOpened = new AtomicInteger();
        final AtomicInteger silentClosedBySetupDeadline = new AtomicInteger();

        int errors() {
            return connectFailures.get() + unanswered.get() + unexpectedCloses.get() + invalidFrames.get()
                    + hangupProblems.get() + (reconnectsTried.get() - reconnectsResumed.get())
                    + (floodsSent.get() - floodsClosedByRelay.get()) + (silentOpened.get() - silentClosedBySetupDeadline.get());
        }

        String errorDetail() {
            List<String> parts = new ArrayList<>();
            add(parts, "connect", connectFailures.get());
            add(parts, "unanswered", unanswered.get());
            add(parts, "unexpected close", unexpectedCloses.get());
            add(parts, "invalid frames", invalidFrames.get());
            add(parts, "hang-up", hangupProblems.get());
            add(parts, "reconnect not resumed", reconnectsTried.get() - reconnectsResumed.get());
            add(parts, "flood not closed by the relay", floodsSent.get() - floodsClosedByRelay.get());
            add(parts, "no-setup socket not closed", silentOpened.get() - silentClosedBySetupDeadline.get());
            return String.join(", ", parts);
        }

        private static void add(List<String> parts, String what, int n) {
            if (n != 0) {
                parts.add(what + " " + n);
            }
        }
    }

    private final AtomicReference<Interval> current = new AtomicReference<>(new Interval());
    private final List<Interval> closedIntervals = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger callersOpen = new AtomicInteger();
    private final AtomicInteger nextCall = new AtomicInteger();
    private final AtomicInteger reconnectsDue = new AtomicInteger();
    private final AtomicInteger floodCount = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Flood calls: callSid → the limit the flood was built to trip. */
    private final Map<String, String> floodCalls = new ConcurrentHashMap<>();
    /** Close codes the flood sockets saw, for the report. */
    private final Map<String, AtomicInteger> floodClosesSeen = new ConcurrentHashMap<>();
    /** Callers whose socket dropped and came back: callSid → reconnects that resumed. */
    private final Map<String, AtomicInteger> resumedCalls = new ConcurrentHashMap<>();
    private final AtomicInteger totalReconnectRetries = new AtomicInteger();
    /** Prompt → first frame over the whole run. */
    private final LatencyStats allFirstFrame = new LatencyStats();

    private Interval now() {
        return current.get();
    }

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
                    running.add(lanes.submit(() -> lane(client, target, laneNo, delay)));
                }
                schedule(timer, floodEvery, () -> abuse.submit(() -> flood(client, target)));
                schedule(timer, reconnectEvery, reconnectsDue::incrementAndGet);
                schedule(timer, silentEvery, () -> abuse.submit(() -> silent(loopback, target)));

                long rowsBefore = 0;
                for (long next = start + every.toNanos(); next <= end; next += every.toNanos()) {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the sampling clock
                    Interval closed = current.getAndSet(new Interval());
                    closedIntervals.add(closed);
                    SoakReport.Sample s = sample(relay, loopback, target, db, modelBase, pairing, closed, sharedClock,
                            (next - start) / 1e9, next - start < warm.toNanos(), rowsBefore);
                    rowsBefore = s.rowsWritten();
                    samples.add(s);
                    print.println(SoakReport.row(s));
                    print.flush();
                }

                // The end: callers finish the turn they are in and hang up; abuse stops.
                stopping.set(true);
                timer.shutdownNow();
                for (Future<?> f : running) {
                    f.get(120, TimeUnit.SECONDS);
                }
                abuse.shutdown();
                abuse.awaitTermination(60, TimeUnit.SECONDS);
                Interval last = current.getAndSet(new Interval());
                closedIntervals.add(last);
                long cpuUsed = relay.cpuNanos() - cpuBefore;
                long wall = System.nanoTime() - start;

                int liveAfter = awaitNoLiveCalls(loopback, target, Duration.ofSeconds(90));
                long heapAfter = relay.heapAfterFullGc();
                histogramRows.addAll(SoakReport.histogramGrowth(histogramBefore, relay.classHistogram(), 15));
                long rows = rows(db);
                JsonNode health = loopback.health(target);
                StoreChecks stored = storeChecks(db);

                Interval all = sum(closedIntervals);
                long turns = all.turns.get();
                totals.add(String.format(Locale.ROOT, "Wall %.0f s; calls placed %d; turns answered %d; relay CPU %.1f s "
                                + "(%.2f ms per turn, %.0f %% of one core); events rows %d (%.0f per turn); load average %.1f → %.1f",
                        wall / 1e9, nextCall.get(), turns, cpuUsed / 1e9, turns == 0 ? Double.NaN : cpuUsed / 1e6 / turns,
                        100.0 * cpuUsed / wall, rows, turns == 0 ? Double.NaN : (double) rows / turns, loadBefore,
                        RelayBench.loadAverage()));
                totals.add(String.format(Locale.ROOT, "Relay heap after full GC: %.1f MB before the load, %.1f MB after it "
                                + "with %d live calls (relay's count after up to 90 s for the reconnect waits to end); relay health at the end: %s",
                        heapBefore / 1048576.0, heapAfter / 1048576.0, liveAfter, health.path("status").asText("?")));
                totals.add("Callers' prompt→first frame over the whole run ms p50 / p95 / p99 / max: " + allFirstFrame.summary()
                        + "; per-token added: " + pairing.all.summary() + " (" + pairing.all.count() + " tokens paired"
                        + (sharedClock ? "" : ", clocks not shared: not measured") + ", " + pairing.unpaired + " turns unpaired, "
                        + pairing.mismatched + " with text differing from the model's)");
                totals.add("Errors: " + (all.errorDetail().isEmpty() ? "none" : all.errorDetail())
                        + "; reconnect attempts refused while the relay had not yet seen the drop, then retried: "
                        + totalReconnectRetries.get() + "; relay log lines at ERROR " + relay.errorLines() + ", at WARN "
                        + relay.warningLines() + (relay.problems().isEmpty() ? ""
                        : "; first: `" + relay.problems().get(0).replace("|", "\\|") + "`"));
                totals.add("Agent faults in the relay's record (`FAULT` events: e.g. no token within the 4 s "
                        + "first-token timeout, when the fallback sentence is spoken instead of the model's answer): "
                        + (stored.faultsByReason.isEmpty() ? "none" : stored.faultsByReason.toString()));
                totals.add("Closes the flood sockets saw (1006: the close frame lost to a broken pipe while still writing): "
                        + new java.util.TreeMap<>(floodClosesSeen));

                criteria.addAll(verdict(all, stored, samples, relay, health, db, totals));
            }
        } finally {
            stopping.set(true);
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
    private List<SoakReport.Criterion> verdict(Interval all, StoreChecks stored, List<SoakReport.Sample> samples,
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
        int recordedResumes = resumedCalls.entrySet().stream()
                .mapToInt(e -> Math.min(e.getValue().get(), stored.reconnectedByCall.getOrDefault(e.getKey(), 0))).sum();
        List<String> unrecorded = resumedCalls.entrySet().stream()
                .filter(e -> stored.reconnectedByCall.getOrDefault(e.getKey(), 0) < e.getValue().get())
                .map(Map.Entry::getKey).sorted().toList();
        if (!unrecorded.isEmpty()) {
            totals.add("Reconnected calls whose record lacks a `SESSION_RECONNECTED` (their session events): "
                    + sessionHistory(db, unrecorded));
        }
        criteria.add(new SoakReport.Criterion("every reconnect resumed",
                all.reconnectsTried.get() > 0 && resumedByCallers == all.reconnectsTried.get()
                        && recordedResumes == resumedByCallers,
                String.format(Locale.ROOT, "%d of %d answered the next turn on the new socket; %d recorded "
                        + "`SESSION_RECONNECTED` in the relay's store", resumedByCallers, all.reconnectsTried.get(),
                        recordedResumes)));
        long floodsRecorded = floodCalls.entrySet().stream()
                .filter(e -> e.getValue().equals(stored.limitByCall.get(e.getKey()))).count();
        criteria.add(new SoakReport.Criterion("every flood socket closed with the limit code",
                !floodCalls.isEmpty() && floodsRecorded == floodCalls.size()
                        && all.floodsClosedByRelay.get() == all.floodsSent.get(),
                String.format(Locale.ROOT, "the relay closed %d of %d flood sockets within 30 s; its record "
                                + "(`SESSION_CLOSED` code and `limit`) names the limit each was built to trip "
                                + "(1007 `consecutiveInvalid` or 1008 `framesPerSecond`) for %d of %d",
                        all.floodsClosedByRelay.get(), all.floodsSent.get(), floodsRecorded, floodCalls.size())));
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
                                     String modelBase, TokenPairing pairing, Interval closed, boolean sharedClock,
                                     double seconds, boolean warmUp, long rowsBefore) throws Exception {
        long heap = relay.heapAfterFullGc();
        long rss = relay.rssBytes();
        int live = loopback.health(target).path("liveCalls").asInt(-1);
        long rows = rows(db);
        LatencyStats perToken = pairing.pair(ModelRecord.fetchSends(modelBase), closed.arrivals, sharedClock);
        return new SoakReport.Sample(seconds, warmUp, heap, rss, live, callersOpen.get(), rows, rows - rowsBefore,
                closed.turns.get(), p50p99(closed.firstFrame), p50p99(perToken),
                closed.floodsClosedByRelay.get() + " / " + closed.floodsSent.get(),
                closed.reconnectsResumed.get() + " / " + closed.reconnectsTried.get(),
                closed.silentClosedBySetupDeadline.get() + " / " + closed.silentOpened.get(),
                closed.errors(), closed.errorDetail(), RelayBench.loadAverage());
    }

    private static String p50p99(LatencyStats s) {
        return s.count() == 0 ? "n/a" : LatencyStats.fmt(s.percentileMs(50)) + " / " + LatencyStats.fmt(s.percentileMs(99));
    }

    private static Connection readOnly(Path db) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + db);
    }

    /** Rows written to the events table so far: its largest id (the table is append-only; retention is in days). */
    private static long rows(Path db) throws Exception {
        try (Connection c = readOnly(db); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT coalesce(max(id), 0) FROM events")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /** What the relay's record says about the abuse: the limit each closed call names, each call's reconnects. */
    private record StoreChecks(Map<String, String> limitByCall, Map<String, Integer> reconnectedByCall,
                               Map<String, Integer> faultsByReason) {
    }

    private static StoreChecks storeChecks(Path db) throws Exception {
        Map<String, String> limits = new HashMap<>();
        Map<String, Integer> reconnects = new HashMap<>();
        Map<String, Integer> faults = new java.util.TreeMap<>();
        try (Connection c = readOnly(db); Statement st = c.createStatement()) {
            try (ResultSet r = st.executeQuery("SELECT coalesce(c.call_sid, e.call_id), e.fields FROM events e "
                    + "LEFT JOIN calls c ON c.call_id = e.call_id WHERE e.kind = 'SESSION_CLOSED'")) {
                while (r.next()) {
                    JsonNode f = JSON.readTree(r.getString(2));
                    if (f.hasNonNull("limit")) {
                        limits.put(r.getString(1), f.path("code").asInt() + " " + f.path("limit").asText());
                    }
                }
            }
            try (ResultSet r = st.executeQuery("SELECT coalesce(c.call_sid, e.call_id), count(*) FROM events e "
                    + "LEFT JOIN calls c ON c.call_id = e.call_id WHERE e.kind = 'SESSION_RECONNECTED' GROUP BY 1")) {
                while (r.next()) {
                    reconnects.put(r.getString(1), r.getInt(2));
                }
            }
            try (ResultSet r = st.executeQuery("SELECT fields FROM events WHERE kind = 'FAULT'")) {
                while (r.next()) {
                    JsonNode f = JSON.readTree(r.getString(1));
                    String reason = f.path("reason").asText("?");
                    faults.merge((reason.length() > 60 ? reason.substring(0, 60) + "…" : reason)
                            + (f.hasNonNull("fallback") ? " (fallback spoken)" : ""), 1, Integer::sum);
                }
            }
        }
        return new StoreChecks(limits, reconnects, faults);
    }

    /** The session events of these calls in the relay's record, e.g. to see why a reconnect was not taken as one. */
    private static Map<String, List<String>> sessionHistory(Path db, List<String> callSids) throws Exception {
        Map<String, List<String>> history = new LinkedHashMap<>();
        try (Connection c = readOnly(db);
             var st = c.prepareStatement("SELECT e.kind, e.fields FROM events e LEFT JOIN calls c ON c.call_id = e.call_id "
                     + "WHERE coalesce(c.call_sid, e.call_id) = ? AND (e.kind LIKE 'SESSION_%' OR e.kind IN "
                     + "('CALL_ENDED', 'ATTENTION', 'SETUP')) ORDER BY e.id")) {
            for (String sid : callSids) {
                st.setString(1, sid);
                List<String> kinds = new ArrayList<>();
                try (ResultSet r = st.executeQuery()) {
                    while (r.next()) {
                        String fields = r.getString(2);
                        kinds.add(r.getString(1) + (fields.length() > 120 ? fields.substring(0, 120) + "…" : fields));
                    }
                }
                history.put(sid, kinds);
            }
        }
        return history;
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

    private static Interval sum(List<Interval> intervals) {
        Interval all = new Interval();
        for (Interval i : intervals) {
            all.turns.addAndGet(i.turns.get());
            all.connectFailures.addAndGet(i.connectFailures.get());
            all.unanswered.addAndGet(i.unanswered.get());
            all.unexpectedCloses.addAndGet(i.unexpectedCloses.get());
            all.callsLost.addAndGet(i.callsLost.get());
            all.invalidFrames.addAndGet(i.invalidFrames.get());
            all.hangupProblems.addAndGet(i.hangupProblems.get());
            all.floodsSent.addAndGet(i.floodsSent.get());
            all.floodsClosedByRelay.addAndGet(i.floodsClosedByRelay.get());
            all.reconnectsTried.addAndGet(i.reconnectsTried.get());
            all.reconnectsResumed.addAndGet(i.reconnectsResumed.get());
            all.silentOpened.addAndGet(i.silentOpened.get());
            all.silentClosedBySetupDeadline.addAndGet(i.silentClosedBySetupDeadline.get());
        }
        return all;
    }

    // ---------------------------------------------------------------- the callers

    private static final String[] UTTERANCES = {
        "Hi, I have a question about my bill",
        "What are your opening hours on Saturday",
        "Why is there an extra charge on my invoice",
        "Can you check the status of my order",
        "Okay thank you, that helps",
    };

    private SimulatedCall newCall(SimClient client, BenchProcesses.Target target, int index) {
        return SimulatedCall.builder(client, target.connectUrl())
                .signedUrl(target.signedUrl())
                .authToken(target.authToken())
                .action(target.actionPostUrl(), target.actionSignedUrl())
                .voiceWebhookBesideAction() // as Twilio: the TwiML first, its per-call token in setup
                .timeout(Duration.ofSeconds(30))
                .from(String.format("+1555%07d", index % 10_000_000))
                .build();
    }

    /** One lane: a call at a time until the run stops. */
    private Void lane(SimClient client, BenchProcesses.Target target, int lane, long delayNanos) throws Exception {
        TimeUnit.NANOSECONDS.sleep(delayNanos); // arrival pacing over the ramp
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + lane);
        while (!stopping.get()) {
            oneCall(client, target, nextCall.getAndIncrement(), random);
        }
        return null;
    }

    private void oneCall(SimClient client, BenchProcesses.Target target, int index, SplittableRandom random) throws Exception {
        SimulatedCall call = newCall(client, target, index);
        try {
            call.connect().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            now().connectFailures.incrementAndGet();
            call.close();
            TimeUnit.SECONDS.sleep(1); // do not hammer a relay that refuses calls
            return;
        }
        callersOpen.incrementAndGet();
        try {
            int turns = minTurns + random.nextInt(maxTurns - minTurns + 1);
            for (int t = 0; t < turns && !stopping.get(); t++) {
                // A drop mid-call, after at least one answered turn: there is a conversation to resume.
                boolean reconnect = t > 0 && takeReconnect();
                if (reconnect) {
                    // The sockets given up on have counted their invalid frames already.
                    call = dropAndReconnect(call, index, t);
                    if (call == null) {
                        return;
                    }
                } else if (!turn(call, index, t)) {
                    return;
                }
                // A person thinks before the next thing they say.
                TimeUnit.MILLISECONDS.sleep(thinkMs.get(0) + random.nextLong(Math.max(1, thinkMs.get(1) - thinkMs.get(0) + 1)));
            }
            hangUp(call);
        } finally {
            callersOpen.decrementAndGet();
            if (call != null) {
                now().invalidFrames.addAndGet(call.invalidFrames().size());
            }
        }
    }

    private boolean takeReconnect() {
        return reconnectsDue.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** What became of one turn. */
    private enum TurnEnd { ANSWERED, REFUSED_LIVE_SESSION, LOST }

    /** One caller turn; false if the call was lost (counted). */
    private boolean turn(SimulatedCall call, int index, int t) throws Exception {
        TurnEnd end = say(call, index, t);
        if (end != TurnEnd.ANSWERED) {
            lost(call);
            return false;
        }
        return true;
    }

    private void lost(SimulatedCall call) {
        Interval i = now();
        i.callsLost.incrementAndGet();
        if (call.closeStatus().isPresent() && !call.closeStatus().get().bySimulator()) {
            i.unexpectedCloses.incrementAndGet();
        } else {
            i.unanswered.incrementAndGet();
        }
        call.close();
    }

    /** The caller says a tagged question (partials a quarter second apart), then waits for the whole answer. */
    private TurnEnd say(SimulatedCall call, int index, int t) throws Exception {
        String text = "Question " + index + "-" + t + ": " + UTTERANCES[Math.floorMod(index + t, UTTERANCES.length)];
        for (String partial : SimulatedCall.partials(text)) {
            call.prompt(partial, "en-US", false);
            TimeUnit.MILLISECONDS.sleep(250); // a person's pace: Twilio sends a partial every 200–300 ms
        }
        int mark = call.mark();
        long promptNanos = System.nanoTime();
        call.prompt(text, "en-US", true);
        SimulatedCall.Turn answer;
        try {
            answer = call.turnAfter(mark).get(20, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            return call.closeStatus().filter(c -> !c.bySimulator() && c.code() == 1008
                    && LIVE_SESSION_REFUSED.equals(c.reason())).isPresent() ? TurnEnd.REFUSED_LIVE_SESSION : TurnEnd.LOST;
        }
        Interval i = now();
        i.turns.incrementAndGet();
        i.firstFrame.add(answer.firstNanos() - promptNanos);
        allFirstFrame.add(answer.firstNanos() - promptNanos);
        List<TokenClock.Stamp> arrived = new ArrayList<>();
        for (SimulatedCall.Frame f : answer.frames()) {
            if (!f.text().token().isEmpty()) {
                arrived.add(new TokenClock.Stamp(f.nanos(), f.text().token()));
            }
        }
        i.arrivals.put(ModelRecord.key(index, t), arrived);
        return TurnEnd.ANSWERED;
    }

    /**
     * The connection drops between turns (no close frame), and Twilio reconnects with the same
     * setup and call token; the next turn, answered on the new socket, shows the call resumed.
     * Twilio may reconnect before the relay has seen the old socket go: the relay then refuses
     * the new one (1008, a live session) and Twilio tries again, as here, a little later.
     * Returns the call's socket from here on, or null if the call was lost.
     */
    private SimulatedCall dropAndReconnect(SimulatedCall call, int index, int t) throws Exception {
        // Counted when the outcome is known, so that an interval's row adds up.
        try {
            call.drop().get(10, TimeUnit.SECONDS);
            now().invalidFrames.addAndGet(call.invalidFrames().size()); // the socket's own; the new one counts its own
        } catch (TimeoutException e) {
            now().reconnectsTried.incrementAndGet();
            now().callsLost.incrementAndGet();
            return null;
        }
        for (int attempt = 1; attempt <= RECONNECT_ATTEMPTS; attempt++) {
            SimulatedCall again;
            try {
                again = call.reconnect();
            } catch (RuntimeException e) {
                TimeUnit.MILLISECONDS.sleep(200L * attempt); // Twilio's retry, paced
                continue;
            }
            TurnEnd end = say(again, index, t);
            if (end == TurnEnd.ANSWERED) {
                now().reconnectsTried.incrementAndGet();
                now().reconnectsResumed.incrementAndGet();
                resumedCalls.computeIfAbsent(again.callSid(), k -> new AtomicInteger()).incrementAndGet();
                return again;
            }
            now().invalidFrames.addAndGet(again.invalidFrames().size());
            if (end == TurnEnd.LOST) {
                now().reconnectsTried.incrementAndGet();
                lost(again);
                return null;
            }
            totalReconnectRetries.incrementAndGet();
            TimeUnit.MILLISECONDS.sleep(200L * attempt); // Twilio's retry, paced
        }
        now().reconnectsTried.incrementAndGet();
        now().callsLost.incrementAndGet();
        return null;
    }

    private void hangUp(SimulatedCall call) {
        if (!call.isOpen()) {
            now().callsLost.incrementAndGet();
            now().unexpectedCloses.incrementAndGet();
            return;
        }
        try {
            var result = call.hangUp().thenCompose(c -> call.actionResult()).get(30, TimeUnit.SECONDS);
            if (result.status() != 200) {
                now().hangupProblems.incrementAndGet();
            }
        } catch (Exception e) {
            now().hangupProblems.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- abuse

    /**
     * A call whose socket floods the relay: the even floods send only unknown-type and malformed
     * frames (the bad-frame count trips: 1007), the odd ones a valid {@code info} frame after
     * every nine bad ones, so the count never trips and the frame rate does (1008).
     */
    private void flood(SimClient client, BenchProcesses.Target target) {
        if (stopping.get()) {
            return;
        }
        int n = floodCount.getAndIncrement();
        boolean rate = n % 2 == 1;
        SimulatedCall call = newCall(client, target, 9_000_000 + n);
        try {
            call.connect().get(60, TimeUnit.SECONDS);
            floodCalls.put(call.callSid(), rate ? "1008 framesPerSecond" : "1007 consecutiveInvalid");
            for (int k = 0; k < FLOOD_FRAMES && call.isOpen(); k++) {
                call.send(floodFrame(k, rate));
            }
            // The close as this side saw it. A socket still writing when the relay closes it
            // often loses the close frame to a broken pipe (1006), so the code and limit are
            // judged at the end from the relay's record of the call, as SocketFloodTest does.
            SimulatedCall.Close close = call.closed().get(30, TimeUnit.SECONDS);
            floodClosesSeen.computeIfAbsent(close.code() + " " + close.reason(), k -> new AtomicInteger())
                    .incrementAndGet();
            Interval i = now(); // counted when the outcome is known, so that an interval's row adds up
            i.floodsSent.incrementAndGet();
            if (!close.bySimulator()) {
                i.floodsClosedByRelay.incrementAndGet();
            }
        } catch (Exception e) {
            now().floodsSent.incrementAndGet();
            floodClosesSeen.computeIfAbsent("failed: " + e.getClass().getSimpleName(), k -> new AtomicInteger())
                    .incrementAndGet();
            call.close();
        }
    }

    static InboundMessage floodFrame(int k, boolean rate) {
        if (rate && k % 10 == 9) {
            return new InboundMessage.Info("roundTripDelayMs", Integer.toString(100 + k % 50));
        }
        if (k % 3 == 2) {
            String raw = "{\"type\":\"prompt\",\"voicePrompt\":\"unterminated " + k;
            return new InboundMessage.Malformed(raw, "not JSON");
        }
        String raw = "{\"type\":\"flood\",\"n\":" + k + ",\"pad\":\"" + "x".repeat(200) + "\"}";
        return new InboundMessage.Unknown("flood", raw);
    }

    /** A signed socket that never sends setup: the relay must close it 1008 at its setup deadline. */
    private void silent(LoopbackClient loopback, BenchProcesses.Target target) {
        if (stopping.get()) {
            return;
        }
        boolean closedByDeadline = false;
        try {
            LoopbackClient.Closed closed = loopback.silentSocket(target).get(60, TimeUnit.SECONDS);
            closedByDeadline = closed.code() == 1008 && closed.reason() != null && closed.reason().startsWith("No setup within");
        } catch (Exception e) {
            // counted as not closed by the deadline
        }
        Interval i = now(); // counted when the outcome is known, so that an interval's row adds up
        i.silentOpened.incrementAndGet();
        if (closedByDeadline) {
            i.silentClosedBySetupDeadline.incrementAndGet();
        }
    }
}
