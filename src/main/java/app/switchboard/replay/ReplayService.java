package app.switchboard.replay;

import app.switchboard.agent.LlmClient;
import app.switchboard.history.CallHistory;
import app.switchboard.history.CallPage;
import app.switchboard.history.CallRecord;
import app.switchboard.history.HistoryQuery;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * What the console's replay view uses of the replay: saved profiles, stored runs, and a run
 * that blocks its (background) thread until the report is stored. The model client stays in
 * here, so the console never sees the agent's types; the API key comes from the environment
 * the console was given, never from a profile.
 */
public final class ReplayService {

    /** A search replays at most this many calls, newest first (as the command line's default). */
    public static final int MAX_CALLS = 200;

    private final CallHistory history;
    private final ReplayProfiles profiles;
    private final ReplayRuns runs;
    private final String apiKey;

    public ReplayService(CallHistory history, Path configDir, Path dataDir, String apiKey) {
        this.history = history;
        this.profiles = new ReplayProfiles(configDir);
        this.runs = new ReplayRuns(dataDir);
        this.apiKey = apiKey;
    }

    public ReplayProfiles profiles() {
        return profiles;
    }

    public ReplayRuns runs() {
        return runs;
    }

    /** Whether a model key is available; without one a run is refused with the reason. */
    public boolean hasKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    /** The ids of the calls a History search matches (paging ignored), newest first, at most {@code max}. */
    public List<String> callIds(HistoryQuery search, int max) {
        return callIds(history, search, max);
    }

    /** The same over any call history (the command line's too). */
    public static List<String> callIds(CallHistory history, HistoryQuery search, int max) {
        HistoryQuery query = search.page(0);
        query = new HistoryQuery(query.number(), query.from(), query.until(), query.text(), 0, Math.min(max, 200));
        List<String> ids = new ArrayList<>();
        while (ids.size() < max) {
            CallPage page = history.page(query);
            for (CallRecord r : page.calls()) {
                if (ids.size() < max) {
                    ids.add(r.callId());
                }
            }
            if (!page.hasMore() || page.calls().isEmpty()) {
                break;
            }
            query = query.page(query.offset() + page.calls().size());
        }
        return ids;
    }

    /**
     * Replays {@code callIds} against {@code profile} and stores the report under the data
     * directory; blocks until then. Cancelling ({@code cancelled} turning true, or the calling
     * thread interrupted) closes the model streams in flight and stores nothing
     * ({@link CancellationException}).
     *
     * @param progress  hears the number of calls done, from the engine's threads
     * @param cancelled polled while the run goes on (a caller's cancel may land while the model
     *                  client is still connecting, where an interrupt can be swallowed)
     */
    public ReplayReport run(ReplayProfile profile, List<String> callIds, String search, IntConsumer progress,
                            BooleanSupplier cancelled) throws IOException, ExecutionException {
        ReplayReport report;
        try (LlmClient llm = ReplayEngine.modelClient(profile, apiKey)) {
            ReplayEngine.Run run = new ReplayEngine(profile, llm, List.of(apiKey)).start(history, callIds, search, progress);
            while (true) {
                if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                    run.cancel();
                    throw new CancellationException("replay cancelled");
                }
                try {
                    report = run.result().get(CANCEL_POLL_MS, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    // still running: look at the cancel flag again
                } catch (InterruptedException e) {
                    run.cancel();
                    throw new CancellationException("replay cancelled");
                }
            }
        }
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("replay cancelled");
        }
        runs.store(report);
        return report;
    }

    private static final long CANCEL_POLL_MS = 100;
}
