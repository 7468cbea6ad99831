package app.switchboard.bench;

import app.switchboard.cluster.ClusterEventCounter;
import app.switchboard.sim.CallerScript;
import app.switchboard.sim.LatencyStats;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TokenClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** One scenario's numbers. With several relays, the relay columns are their sums; {@link #nodeRows} has each. */
final class Report {
    static final String HEADER = "| scenario | turns answered | errors | prompt→first frame ms p50/p95/p99 "
            + "| per-token added ms p50/p95/p99 | text frames/s | relay CPU ms per turn (of which JIT) "
            + "| relay heap after full GC MB: before / calls open / all ended | load avg |\n"
            + "|---|---:|---:|---|---|---:|---:|---|---|";
    static final String NODE_HEADER = "| scenario | relay | turns answered | relay CPU ms per turn (of which JIT) "
            + "| events published to Redis per s | relay heap after full GC MB: before / calls open / all ended |\n"
            + "|---|---|---:|---:|---:|---|";

    /** One relay process's figures over the measured window. */
    static final class NodeFigures {
        final String id;
        long cpuNanos;
        long jitCpuNanos;
        long heapBeforeBytes;
        long heapOpenBytes = -1;
        long heapAfterBytes;
        /** Entries of the cluster stream this node added in the window; -1 without a cluster. */
        long eventsPublished = -1;

        NodeFigures(String id) {
            this.id = id;
        }
    }

    final RelayBench.Scenario scenario;
    final AtomicInteger connectFailures = new AtomicInteger();
    final AtomicInteger scriptFailures = new AtomicInteger();
    final AtomicInteger invalidFrames = new AtomicInteger();
    final AtomicInteger unexpectedCloses = new AtomicInteger();
    final AtomicInteger hangupProblems = new AtomicInteger();
    final AtomicInteger webhookErrors = new AtomicInteger();
    int answered;
    /** Turns answered by the callers of each relay (call i dials relay {@link RelayBench#nodeOf}). */
    final int[] answeredByNode;
    final List<NodeFigures> nodes = new ArrayList<>();
    /** What the cluster stream took in the measured window; null without a cluster. */
    ClusterEventCounter.Window cluster;
    /** The consoles' process's nice value as read from /proc; -1 without consoles. */
    int consoleNiceness = -1;
    int unanswered;
    long textFrames;
    boolean timedOut;
    long wallNanos;
    long relayCpuNanos;
    /** What the consoles attached through {@code /console} received (their process's report); null without consoles. */
    String consoleSummary;
    long consoleEvents;
    /** From the scenario's start until the consoles had received every event (no growth for a second). */
    long consolesDrainedNanos;
    /** The relay's CPU over that longer window: what the calls and the consoles together cost it. */
    long relayCpuUntilConsolesDrainedNanos;
    long consoleDeliveries;
    long consoleResyncs;
    int consolesConnected;
    /** Of {@link #relayCpuNanos}, what the JIT compiler threads used. */
    long relayJitCpuNanos;
    long heapBeforeBytes;
    long heapOpenBytes = -1;
    long heapAfterBytes;
    /** Model requests of the scenario's own turns (the warm-up's are subtracted). */
    long modelRequests;
    long warmupModelRequests;
    long warmupSummaryRequests;
    /** Model streams the relays abandoned during the warm-up (reported, not counted as the scenario's errors). */
    long warmupModelFailures;
    /** Post-call summaries the relay asked the model for (one per ended call): its work, not a turn. */
    long summaryRequests;
    long modelFailures;
    int relayErrorLines;
    int relayWarningLines;
    List<String> relayProblems = List.of();
    /** With {@code --heap-by-class}: the classes holding most of what the open calls held (markdown rows). */
    List<String> heapOfOpenCalls = List.of();
    int unpairedTurns;
    int textMismatches;
    boolean sharedClock;
    double loadBefore;
    double loadAfter;
    final LatencyStats firstFrame = new LatencyStats();
    final LatencyStats perToken = new LatencyStats();
    /** Prompt → first frame of each call's first and last 20 turns: does a growing conversation slow it? */
    final LatencyStats firstFrameEarly = new LatencyStats();
    final LatencyStats firstFrameLate = new LatencyStats();
    /** The relay's LATENCY events: request sent → first frame written, first and last 20 turns of long calls. */
    final LatencyStats relaySentToFirstFrameEarly = new LatencyStats();
    final LatencyStats relaySentToFirstFrameLate = new LatencyStats();
    /** Text frames (with text) as the caller received them, per turn key. */
    final Map<Long, List<TokenClock.Stamp>> arrivals = new HashMap<>();

    Report(RelayBench.Scenario scenario) {
        this.scenario = scenario;
        this.answeredByNode = new int[scenario.nodes()];
    }

    /** The relay columns of the main row: every relay's figures added up. */
    void sumNodes() {
        relayCpuNanos = nodes.stream().mapToLong(n -> n.cpuNanos).sum();
        relayJitCpuNanos = nodes.stream().mapToLong(n -> n.jitCpuNanos).sum();
        heapBeforeBytes = nodes.stream().mapToLong(n -> n.heapBeforeBytes).sum();
        heapOpenBytes = nodes.stream().allMatch(n -> n.heapOpenBytes >= 0) ? nodes.stream().mapToLong(n -> n.heapOpenBytes).sum() : -1;
        heapAfterBytes = nodes.stream().mapToLong(n -> n.heapAfterBytes).sum();
    }

    synchronized void add(int call, List<CallerScript.TurnRecord> records, int turns) {
        int t = 0;
        for (CallerScript.TurnRecord record : records) {
            if (record.answer() == null) {
                unanswered++;
                t++;
                continue;
            }
            answered++;
            answeredByNode[RelayBench.nodeOf(call, answeredByNode.length)]++;
            long first = record.answer().firstNanos() - record.promptNanos();
            firstFrame.add(first);
            if (t < 20) {
                firstFrameEarly.add(first);
            }
            if (turns > 40 && t >= turns - 20) {
                firstFrameLate.add(first);
            }
            List<TokenClock.Stamp> arrived = new ArrayList<>();
            for (SimulatedCall.Frame f : record.answer().frames()) {
                if (!f.text().token().isEmpty()) {
                    arrived.add(new TokenClock.Stamp(f.nanos(), f.text().token()));
                }
            }
            textFrames += arrived.size();
            if (scenario.calls() * (long) turns <= 100_000) {
                arrivals.put(ModelRecord.key(call, t), arrived);
            }
            t++;
        }
        unanswered += Math.max(0, turns - records.size());
    }

    int errors() {
        return connectFailures.get() + scriptFailures.get() + unanswered + invalidFrames.get()
                + unexpectedCloses.get() + hangupProblems.get() + webhookErrors.get() + (int) modelFailures
                + relayErrorLines + (timedOut ? 1 : 0);
    }

    int turnsExpected() {
        return scenario.calls() * scenario.turns();
    }

    double relayCpuMsPerTurn() {
        return answered == 0 ? Double.NaN : relayCpuNanos / 1e6 / answered;
    }

    double relayJitMsPerTurn() {
        return answered == 0 ? Double.NaN : relayJitCpuNanos / 1e6 / answered;
    }

    double framesPerSecond() {
        return wallNanos == 0 ? 0 : textFrames / (wallNanos / 1e9);
    }

    private static String three(LatencyStats s) {
        if (s.count() == 0) {
            return "n/a";
        }
        return LatencyStats.fmt(s.percentileMs(50)) + " / " + LatencyStats.fmt(s.percentileMs(95)) + " / "
                + LatencyStats.fmt(s.percentileMs(99));
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    String row() {
        return String.format(Locale.ROOT, "| %s | %d/%d | %d | %s | %s | %.0f | %.2f (%.2f) | %s / %s / %s | %.1f→%.1f |",
                scenario.label(), answered, turnsExpected(), errors(), three(firstFrame), three(perToken),
                framesPerSecond(), relayCpuMsPerTurn(), relayJitMsPerTurn(), mb(heapBeforeBytes), mb(heapOpenBytes),
                mb(heapAfterBytes), loadBefore, loadAfter);
    }

    /** The node table's rows: one per relay, and Redis's when the relays are a cluster. */
    List<String> nodeRows() {
        List<String> rows = new ArrayList<>();
        double seconds = wallNanos / 1e9;
        for (int k = 0; k < nodes.size(); k++) {
            NodeFigures n = nodes.get(k);
            int turns = answeredByNode[k];
            rows.add(String.format(Locale.ROOT, "| %s | %s | %d | %.2f (%.2f) | %s | %s / %s / %s |", scenario.label(), n.id,
                    turns, turns == 0 ? Double.NaN : n.cpuNanos / 1e6 / turns, turns == 0 ? Double.NaN : n.jitCpuNanos / 1e6 / turns,
                    n.eventsPublished < 0 || seconds == 0 ? "–" : String.format(Locale.ROOT, "%.0f", n.eventsPublished / seconds),
                    mb(n.heapBeforeBytes), mb(n.heapOpenBytes), mb(n.heapAfterBytes)));
        }
        if (cluster != null) {
            // Redis's own CPU per turn in the CPU column; all nodes' events per second together.
            rows.add(String.format(Locale.ROOT, "| %s | Redis | %d | %.2f | %s | – |", scenario.label(), answered,
                    answered == 0 ? Double.NaN : cluster.cpuSeconds() * 1e3 / answered,
                    seconds == 0 ? "–" : String.format(Locale.ROOT, "%.0f (all nodes)", cluster.counted() / seconds)));
        }
        return rows;
    }

    String details() {
        return String.format(Locale.ROOT,
                "<!-- %s: wall %.1fs, relay CPU %.2fs (JIT compiler threads %.2fs), text frames %d, tokens paired %d (clock shared: %s), "
                        + "prompt→first frame p50 of turns 1–20 %s ms, of the last 20 turns %s ms; "
                        + "relay's request sent→first frame p50 (LATENCY events) of turns 1–20 %s ms, of the last 20 turns %s ms; "
                        + "model requests %d (and %d post-call summaries); errors: connect %d, script %d, unanswered %d, invalid frames %d, "
                        + "unexpected closes %d, hang-up %d, webhooks %d, model %d (warm-up: %d), relay ERROR lines %d, timed out %s; "
                        + "relay WARN lines %d, turns without a model record %d, text differing from the model's %d%s -->",
                scenario.label(), wallNanos / 1e9, relayCpuNanos / 1e9, relayJitCpuNanos / 1e9, textFrames, perToken.count(), sharedClock,
                LatencyStats.fmt(firstFrameEarly.percentileMs(50)), LatencyStats.fmt(firstFrameLate.percentileMs(50)),
                LatencyStats.fmt(relaySentToFirstFrameEarly.percentileMs(50)),
                LatencyStats.fmt(relaySentToFirstFrameLate.percentileMs(50)),
                modelRequests, summaryRequests, connectFailures.get(), scriptFailures.get(), unanswered, invalidFrames.get(),
                unexpectedCloses.get(), hangupProblems.get(), webhookErrors.get(), modelFailures, warmupModelFailures, relayErrorLines,
                timedOut, relayWarningLines, unpairedTurns, textMismatches,
                (consoleSummary == null ? "" : "; " + consoleSummary + String.format(Locale.ROOT,
                        "; consoles had every event %.1f s after the start, relay CPU until then %.2f s; consoles' nice %d",
                        consolesDrainedNanos / 1e9, relayCpuUntilConsolesDrainedNanos / 1e9, consoleNiceness))
                        + (cluster == null ? "" : String.format(Locale.ROOT,
                        "; cluster stream: %d entries in the window by node %s, %d added between the marks%s, Redis CPU %.2f s",
                        cluster.counted(), cluster.byNode(), cluster.entriesAdded(),
                        cluster.trimmed() ? " (trimmed by MAXLEN: the per-node counts miss the oldest)" : "",
                        cluster.cpuSeconds()))
                        + (relayProblems.isEmpty() ? "" : "; first relay problems: " + relayProblems.subList(0, Math.min(3,
                        relayProblems.size()))));
    }
}
