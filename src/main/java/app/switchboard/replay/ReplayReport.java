package app.switchboard.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of one replay run: every call's caller turns with the original and the candidate
 * answer side by side, and a summary across calls. Written as JSON (stored under the data
 * directory's {@code replays/}, so a run can be reopened) and as HTML.
 */
public record ReplayReport(String runId, String startedAt, String finishedAt, String search, Profile profile,
                           List<CallResult> calls, Summary summary) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ReplayReport {
        calls = List.copyOf(calls);
    }

    /** The candidate configuration as the report shows it (never the key). */
    public record Profile(String name, String systemPrompt, String model, String baseUrl, Double temperature,
                          boolean tools, int concurrency) {
        static Profile of(ReplayProfile p, String model) {
            return new Profile(p.name(), p.systemPrompt(), model, p.baseUrl(), p.temperature(), p.toolsOn(),
                    p.concurrencyLimit());
        }
    }

    /** One replayed call; {@code error} when it could not be replayed at all. */
    public record CallResult(String callId, String from, String startedAt, List<TurnPair> turns,
                             String candidateEnded, String error) {
        public CallResult {
            turns = List.copyOf(turns);
        }
    }

    /**
     * One caller turn with both answers. {@code original} is null when the stored call has no
     * answer to it (e.g. the caller hung up first); {@code candidate} is null when the replay
     * never reached the turn (the candidate had ended the call).
     */
    public record TurnPair(int index, String callerKind, String caller, Answer original, Answer candidate,
                           boolean textChanged, boolean toolsChanged, boolean endingChanged, List<WordDiff.Part> diff) {
        public TurnPair {
            diff = diff == null ? List.of() : List.copyOf(diff);
        }
    }

    /**
     * One side's answer to a caller turn.
     *
     * @param outcome      completed, interrupted, guarded, fault, draft, no answer
     * @param text         what the agent said (for an interrupted answer: all it sent, heard or not)
     * @param tools        tool calls as {@code name(arguments) → outcome}
     * @param ending       end_call or transfer_to_human when the turn ended the call
     * @param firstTokenMs milliseconds from the prompt to the first model token
     * @param chunks       streamed chunks (AGENT_TOKEN events), not billed tokens
     * @param guard        why the output guard tripped
     * @param fault        why the model failed (after its retry)
     * @param retries      failed requests that were retried
     */
    public record Answer(String outcome, String text, List<String> tools, String ending, String handoffData,
                         Double firstTokenMs, int chunks, String guard, String fault, int retries) {
        public Answer {
            tools = tools == null ? List.of() : List.copyOf(tools);
        }
    }

    /** Across calls; latency is first-token time, p50/p95 over the turns that have one. */
    public record Summary(int calls, int callsFailed, int turns, int turnsChanged, int toolsChanged, int newHandoffs,
                          int newEnds, int lostHandoffsOrEnds, int guardTripsOriginal, int guardTripsCandidate,
                          int faultsOriginal, int faultsCandidate, Double firstTokenP50Original,
                          Double firstTokenP95Original, Double firstTokenP50Candidate, Double firstTokenP95Candidate) {

        static Summary of(List<CallResult> calls) {
            int failed = 0, turns = 0, changed = 0, tools = 0, handoffs = 0, ends = 0, lost = 0;
            int guardO = 0, guardC = 0, faultO = 0, faultC = 0;
            List<Double> latO = new ArrayList<>();
            List<Double> latC = new ArrayList<>();
            for (CallResult call : calls) {
                if (call.error() != null) {
                    failed++;
                }
                for (TurnPair t : call.turns()) {
                    turns++;
                    changed += t.textChanged() ? 1 : 0;
                    tools += t.toolsChanged() ? 1 : 0;
                    Answer o = t.original();
                    Answer c = t.candidate();
                    if (o != null) {
                        guardO += o.guard() != null ? 1 : 0;
                        faultO += o.fault() != null ? 1 : 0;
                        if (o.firstTokenMs() != null) {
                            latO.add(o.firstTokenMs());
                        }
                    }
                    if (c != null) {
                        guardC += c.guard() != null ? 1 : 0;
                        faultC += c.fault() != null ? 1 : 0;
                        if (c.firstTokenMs() != null) {
                            latC.add(c.firstTokenMs());
                        }
                    }
                    String oe = o == null ? null : o.ending();
                    String ce = c == null ? null : c.ending();
                    if (ce != null && !ce.equals(oe)) {
                        if ("transfer_to_human".equals(ce)) {
                            handoffs++;
                        } else {
                            ends++;
                        }
                    } else if (oe != null && ce == null && c != null) {
                        lost++;
                    }
                }
            }
            return new Summary(calls.size(), failed, turns, changed, tools, handoffs, ends, lost, guardO, guardC,
                    faultO, faultC, percentile(latO, 50), percentile(latO, 95), percentile(latC, 50), percentile(latC, 95));
        }
    }

    /** Nearest-rank percentile; null without values. */
    static Double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("report not serialisable", e);
        }
    }

    public static ReplayReport read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ReplayReport.class);
    }

    /** Written whole or not at all: a temporary file beside the target, then moved over it. */
    public static void writeAtomically(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".replay-", ".tmp");
        try {
            Files.writeString(tmp, content);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
