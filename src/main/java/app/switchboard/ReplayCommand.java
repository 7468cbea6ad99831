package app.switchboard;

import app.switchboard.concurrent.Threads;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.history.CallHistory;
import app.switchboard.history.HistoryQuery;
import app.switchboard.replay.HtmlReport;
import app.switchboard.replay.ReplayEngine;
import app.switchboard.replay.ReplayProfile;
import app.switchboard.replay.ReplayReport;
import app.switchboard.replay.ReplayRuns;
import app.switchboard.agent.LlmClient;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard replay}: stored calls against a candidate profile, for CI. Exit 0 when every
 * threshold holds, {@link #THRESHOLD_CROSSED} when one is crossed, 2 on a usage error,
 * {@link #FAILED} when the run failed or was cancelled.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays stored calls' caller turns against a candidate profile (system prompt, model,",
                "temperature, tools) through the real agent, and reports the answers side by side.",
                "Nothing is sent to a live call or to Twilio. The API key comes from OPENAI_API_KEY."})
final class ReplayCommand implements Callable<Integer> {

    static final int THRESHOLD_CROSSED = 1;
    static final int FAILED = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--calls", required = true, paramLabel = "SEARCH",
            description = "Which stored calls: words said in them, or part of a phone number; * for all.")
    String calls;

    @Option(names = "--profile", required = true, paramLabel = "FILE", description = "The candidate profile (JSON).")
    Path profileFile;

    @Option(names = "--report", required = true, paramLabel = "FILE",
            description = "Where to write the report: .html for a page, anything else JSON.")
    Path report;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The data directory whose history is read.")
    Path dataDir;

    @Option(names = "--max-calls", paramLabel = "N", defaultValue = "200",
            description = "Replay at most N calls, newest first (default ${DEFAULT-VALUE}).")
    int maxCalls;

    @Option(names = "--max-guard-trips", paramLabel = "N", description = "Fail when the candidate trips the output guard more than N times.")
    Integer maxGuardTrips;

    @Option(names = "--max-changed-turns", paramLabel = "N", description = "Fail when more than N answers changed.")
    Integer maxChangedTurns;

    @Option(names = "--max-faults", paramLabel = "N", description = "Fail when the candidate's model fails on more than N turns.")
    Integer maxFaults;

    private final Map<String, String> environment;

    ReplayCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        try {
            return replay();
        } catch (SwitchboardCommand.StartupException e) {
            throw e;
        } catch (Exception e) {
            // Never exit 1 for a failure: CI reads 1 as "a threshold was crossed".
            throw new SwitchboardCommand.StartupException("replay failed: " + e, FAILED);
        }
    }

    private int replay() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxCalls < 1) {
            throw new SwitchboardCommand.StartupException("--max-calls must be at least 1", SwitchboardCommand.USAGE_ERROR);
        }
        ReplayProfile profile;
        try {
            profile = ReplayProfile.load(profileFile);
        } catch (IOException e) {
            throw new SwitchboardCommand.StartupException(e.getMessage(), SwitchboardCommand.USAGE_ERROR);
        }
        Secrets secrets = Secrets.from(environment);
        AppDirectories dirs = (dataDir != null ? AppDirectories.under(dataDir) : AppDirectories.forUser()).create();
        LlmClient llm;
        try {
            llm = ReplayEngine.modelClient(profile, secrets.openAiApiKey());
        } catch (IllegalArgumentException e) {
            throw new SwitchboardCommand.StartupException(e.getMessage(), SwitchboardCommand.USAGE_ERROR);
        }
        EventStore store = EventStore.open(dirs.data());
        ReplayReport result;
        try (llm) {
            CallHistory history = new StoreCallHistory(store);
            List<String> ids = select(history, calls, maxCalls);
            err.println("switchboard replay: " + ids.size() + " call(s) against " + llm.describe());
            err.flush();
            ReplayEngine engine = new ReplayEngine(profile, llm,
                    secrets.openAiApiKey() == null ? List.of() : List.of(secrets.openAiApiKey()));
            ReplayEngine.Run run = engine.start(history, ids, calls, done -> {
                err.println("  " + done + "/" + ids.size() + " calls replayed");
                err.flush();
            });
            // Ctrl-C or SIGTERM cancels the run; a cancelled run writes no report.
            Thread hook = Threads.unstarted("replay-cancel", run::cancel, false);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                result = run.result().get();
            } catch (java.util.concurrent.CancellationException e) {
                throw new SwitchboardCommand.StartupException("replay cancelled: no report written", FAILED);
            } catch (ExecutionException e) {
                throw new SwitchboardCommand.StartupException("replay failed: " + e.getCause().getMessage(), FAILED);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: the run is being cancelled
                }
            }
        } finally {
            store.close();
        }
        Path stored = new ReplayRuns(dirs.data()).store(result);
        String name = report.getFileName().toString().toLowerCase();
        ReplayReport.writeAtomically(report, name.endsWith(".html") || name.endsWith(".htm")
                ? HtmlReport.render(result) : result.toJson());
        ReplayReport.Summary s = result.summary();
        out.printf("replay %s: %d calls, %d turns, %d changed, %d guard trips, %d faults (candidate); "
                        + "first token p50 %s ms -> %s ms; report %s; stored %s%n",
                result.runId(), s.calls(), s.turns(), s.turnsChanged(), s.guardTripsCandidate(), s.faultsCandidate(),
                s.firstTokenP50Original(), s.firstTokenP50Candidate(), report, stored);
        List<String> crossed = new ArrayList<>();
        check(crossed, "guard trips", s.guardTripsCandidate(), maxGuardTrips);
        check(crossed, "changed turns", s.turnsChanged(), maxChangedTurns);
        check(crossed, "faults", s.faultsCandidate(), maxFaults);
        if (!crossed.isEmpty()) {
            err.println("switchboard replay: threshold crossed: " + String.join("; ", crossed));
            err.flush();
            out.flush();
            return THRESHOLD_CROSSED;
        }
        out.flush();
        return 0;
    }

    private static void check(List<String> crossed, String what, int value, Integer max) {
        if (max != null && value > max) {
            crossed.add(what + " " + value + " > " + max);
        }
    }

    /** The stored calls a search names, newest first: digits are a number search, anything else words. */
    static List<String> select(CallHistory history, String search, int max) {
        HistoryQuery query = HistoryQuery.all(Math.min(max, 200));
        String s = search == null ? "" : search.strip();
        if (!s.isEmpty() && !s.equals("*")) {
            query = s.matches("[+0-9 ()./-]+") && s.matches(".*\\d.*") ? query.withNumber(s) : query.withText(s);
        }
        return app.switchboard.replay.ReplayService.callIds(history, query, max);
    }
}
