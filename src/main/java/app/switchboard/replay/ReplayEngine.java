package app.switchboard.replay;

import app.switchboard.concurrent.Threads;
import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.LlmClient;
import app.switchboard.agent.OpenAiChatClient;
import app.switchboard.call.CallAgent;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.history.CallHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Replays stored calls against a candidate configuration: each call's caller turns go, in order,
 * through the real {@link ConversationAgent} attached to a {@link DryRunPort}, and each
 * candidate answer is paired with the stored one for the same caller turn. Calls run in
 * parallel up to the profile's concurrency limit; a run can be cancelled, and a cancelled run
 * produces no report.
 */
public final class ReplayEngine {

    /** Key presses of a replayed caller turn are gathered after this quiet time (the live default is 1.5 s). */
    private static final Duration REPLAY_DTMF_IDLE = Duration.ofMillis(200);

    private final ReplayProfile profile;
    private final LlmClient llm;
    private final AgentSettings settings;
    private final String modelLabel;

    /**
     * @param llm     the candidate's model client (see {@link #modelClient}); the engine does not close it
     * @param secrets strings the output guard protects (the API key): never spoken, redacted from faults
     */
    public ReplayEngine(ReplayProfile profile, LlmClient llm, List<String> secrets) {
        this.profile = profile;
        this.llm = profile.toolsOn() ? llm : withoutTools(llm);
        this.modelLabel = profile.model() == null ? OpenAiChatClient.DEFAULT_MODEL : profile.model();
        this.settings = AgentSettings.defaults()
                .withSystemPrompt(profile.systemPrompt())
                .withFirstTokenTimeout(Duration.ofMillis(profile.firstTokenTimeout()))
                .withDtmfIdle(REPLAY_DTMF_IDLE)
                .withProtectedSecrets(secrets.stream().filter(Objects::nonNull).toList());
    }

    /** The candidate's model: openai-java against the profile's base URL, at most {@code concurrency} streams. */
    public static LlmClient modelClient(ReplayProfile profile, String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("OPENAI_API_KEY is not set: the replay needs the candidate model's key "
                    + "(a local server accepts any value)");
        }
        OpenAiChatClient client = new OpenAiChatClient(apiKey, profile.baseUrl(), profile.model(),
                profile.concurrencyLimit(), profile.temperature());
        // Class loading on a cold JVM takes seconds: without this the first turns would be measured
        // slow, or even hit the first-token deadline.
        client.warmUp();
        return client;
    }

    /** Starts replaying {@code callIds} read from {@code history}; {@code progress} hears the number of calls done. */
    public Run start(CallHistory history, List<String> callIds, String search, IntConsumer progress) {
        return new Run(history, List.copyOf(callIds), search, progress);
    }

    /** One replay run in the background. */
    public final class Run {

        private final CompletableFuture<ReplayReport> result = new CompletableFuture<>();
        private final ExecutorService calls;
        private final ExecutorService agents;
        private final List<Future<?>> tasks = new ArrayList<>();
        private volatile boolean cancelled;

        private Run(CallHistory history, List<String> callIds, String search, IntConsumer progress) {
            calls = Executors.newFixedThreadPool(profile.concurrencyLimit(), Threads.numbered("replay-call-"));
            // The agents' serial executors share two threads: they only hand tokens along. Never shut
            // down, so the agents' own closing (and a late timer) always runs; idle threads go away.
            ThreadPoolExecutor agentThreads = new ThreadPoolExecutor(2, 2, 2, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), Threads.numbered("replay-agent-"));
            agentThreads.allowCoreThreadTimeOut(true);
            agents = agentThreads;
            Instant started = Instant.now();
            String runId = ReplayRuns.newRunId(started);
            CallResult[] results = new CallResult[callIds.size()];
            AtomicInteger done = new AtomicInteger();
            AtomicInteger left = new AtomicInteger(callIds.size());
            if (callIds.isEmpty()) {
                finish(runId, started, search, List.of());
            }
            synchronized (tasks) {
                for (int i = 0; i < callIds.size(); i++) {
                    int index = i;
                    tasks.add(calls.submit(() -> {
                        CallResult r;
                        try {
                            r = replayCall(history, callIds.get(index));
                        } catch (CancellationException | InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            r = new CallResult(callIds.get(index), null, null, List.of(), null,
                                    e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                        results[index] = r;
                        if (progress != null) {
                            progress.accept(done.incrementAndGet());
                        }
                        if (left.decrementAndGet() == 0) {
                            finish(runId, started, search, List.of(results));
                        }
                    }));
                }
            }
        }

        private void finish(String runId, Instant started, String search, List<CallResult> results) {
            calls.shutdown();
            if (cancelled) {
                return;
            }
            List<ReplayReport.CallResult> out = new ArrayList<>();
            for (CallResult r : results) {
                out.add(r.toReport());
            }
            result.complete(new ReplayReport(runId, started.toString(), Instant.now().toString(), search,
                    ReplayReport.Profile.of(profile, modelLabel), out, ReplayReport.Summary.of(out)));
        }

        /** The report, once every call is replayed; fails with {@link CancellationException} after {@link #cancel}. */
        public CompletableFuture<ReplayReport> result() {
            return result;
        }

        /** Stops every call in flight (their model streams are cancelled); no report is produced. */
        public void cancel() {
            cancelled = true;
            result.completeExceptionally(new CancellationException("replay cancelled"));
            synchronized (tasks) {
                tasks.forEach(t -> t.cancel(true));
            }
            calls.shutdownNow();
        }

        public boolean cancelled() {
            return cancelled;
        }

        private CallResult replayCall(CallHistory history, String callId) throws InterruptedException {
            List<CallEvent> events = history.events(callId);
            List<Answers.CallerTurn> originals = Answers.read(events);
            String from = null;
            for (CallEvent e : events) {
                if (e.payload() instanceof EventPayload.Setup s) {
                    from = s.from();
                    break;
                }
            }
            String startedAt = events.isEmpty() ? null : events.get(0).time().toString();
            DryRunPort port = new DryRunPort(callId, agents, profile.languages());
            CallAgent agent = ConversationAgent.factory(llm, settings).create(port);
            port.attach(agent);
            long turnTimeout = profile.firstTokenTimeout() * (settings.maxToolRounds() + 1) * 2
                    + REPLAY_DTMF_IDLE.toMillis() + 30_000;
            try {
                for (Answers.CallerTurn turn : originals) {
                    if (cancelled || Thread.currentThread().isInterrupted()) {
                        throw new CancellationException();
                    }
                    if (port.ended()) {
                        break; // the candidate ended the call: the rest was never reached
                    }
                    long before = port.lastFinishedTurn();
                    if ("dtmf".equals(turn.kind())) {
                        for (String digit : turn.digits().split("")) {
                            port.execute(() -> {
                                port.record(new EventPayload.Dtmf(digit));
                                agent.onDtmf(digit);
                            });
                        }
                    } else {
                        port.execute(() -> {
                            port.record(new EventPayload.Prompt(turn.text(), null));
                            agent.onCallerTurn(turn.text(), null);
                        });
                    }
                    port.awaitTurnAfter(before, turnTimeout);
                }
            } finally {
                port.execute(agent::close);
            }
            return new CallResult(callId, from, startedAt, originals, Answers.read(port.events()),
                    port.ended());
        }
    }

    /** A call's two readings before pairing. */
    private record CallResult(String callId, String from, String startedAt, List<Answers.CallerTurn> originals,
                              List<Answers.CallerTurn> candidates, boolean candidateEnded, String error) {

        CallResult(String callId, String from, String startedAt, List<Answers.CallerTurn> originals,
                   List<Answers.CallerTurn> candidates, boolean candidateEnded) {
            this(callId, from, startedAt, originals, candidates, candidateEnded, null);
        }

        CallResult(String callId, String from, String startedAt, List<Answers.CallerTurn> originals,
                   String candidateEnded, String error) {
            this(callId, from, startedAt, originals, List.of(), false, error);
        }

        ReplayReport.CallResult toReport() {
            List<ReplayReport.TurnPair> pairs = new ArrayList<>();
            String ended = null;
            for (int i = 0; i < originals.size(); i++) {
                Answers.CallerTurn o = originals.get(i);
                ReplayReport.Answer c = i < candidates.size() ? candidates.get(i).answer() : null;
                ReplayReport.Answer oa = o.answer();
                boolean text = oa != null && c != null && !WordDiff.sameWords(oa.text(), c.text());
                boolean tools = oa != null && c != null && !names(oa.tools()).equals(names(c.tools()));
                boolean ending = c != null && !Objects.equals(oa == null ? null : oa.ending(), c.ending());
                if (c != null && c.ending() != null) {
                    ended = c.ending();
                }
                pairs.add(new ReplayReport.TurnPair(i + 1, o.kind(), o.text(), oa, c, text, tools, ending,
                        oa != null && c != null ? WordDiff.diff(oa.text(), c.text()) : List.of()));
            }
            return new ReplayReport.CallResult(callId, from, startedAt, pairs, candidateEnded ? ended : null, error);
        }

        private static List<String> names(List<String> tools) {
            return tools.stream().map(t -> t.substring(0, Math.max(0, t.indexOf('(')))).toList();
        }
    }

    private static LlmClient withoutTools(LlmClient inner) {
        return new LlmClient() {
            @Override
            public String describe() {
                return inner.describe() + " (no tools)";
            }

            @Override
            public Stream stream(Request request, Listener listener) {
                return inner.stream(new Request(request.messages(), List.of()), listener);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
