package app.switchboard.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer;
import app.switchboard.agent.LlmClient;
import app.switchboard.history.CallHistory;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Stored calls in a real SQLite history, replayed through the real agent and openai-java against a local model server. */
@Timeout(60)
class ReplayEngineTest {

    @TempDir
    Path dir;

    private FakeOpenAiServer model;
    private EventStore store;
    private CallHistory history;
    private LlmClient llm;

    @BeforeEach
    void setUp() throws Exception {
        StoredCalls.record(dir.resolve("data"));
        store = EventStore.open(dir.resolve("data"));
        history = new StoreCallHistory(store);
        model = new FakeOpenAiServer();
        model.script(StoredCalls::answer);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (llm != null) {
            llm.close();
        }
        model.close();
        store.close();
    }

    private ReplayEngine engine(int concurrency) throws Exception {
        return engine(concurrency, true);
    }

    private ReplayEngine engine(int concurrency, boolean tools) throws Exception {
        ReplayProfile profile = ReplayProfile.load(StoredCalls.profile(dir, model.baseUrl(), concurrency, tools));
        llm = ReplayEngine.modelClient(profile, "test-key");
        return new ReplayEngine(profile, llm, List.of("test-key"));
    }

    private static Map<String, ReplayReport.CallResult> byId(ReplayReport report) {
        return report.calls().stream().collect(Collectors.toMap(ReplayReport.CallResult::callId, Function.identity()));
    }

    @Test
    void replayPairsEachStoredAnswerWithTheCandidatesForTheSameCallerTurn() throws Exception {
        ReplayReport report = engine(2).start(history, List.of(StoredCalls.BILL), "bill", null)
                .result().get(30, TimeUnit.SECONDS);

        ReplayReport.CallResult call = byId(report).get(StoredCalls.BILL);
        assertEquals(2, call.turns().size());
        ReplayReport.TurnPair bill = call.turns().get(0);
        assertEquals("what is my bill this month", bill.caller());
        assertEquals("Your bill is twenty dollars.", bill.original().text());
        assertEquals("Your bill is twenty dollars.", bill.candidate().text());
        assertFalse(bill.textChanged(), "the same words in other chunks are no change");
        assertEquals(310.0, bill.original().firstTokenMs());
        assertNotNull(bill.candidate().firstTokenMs());
        assertEquals(3, bill.candidate().chunks());

        ReplayReport.TurnPair bye = call.turns().get(1);
        assertEquals("Goodbye.", bye.original().text());
        assertEquals("end_call", bye.original().ending());
        assertEquals("Bye now, have a good day.", bye.candidate().text());
        assertNull(bye.candidate().ending());
        assertTrue(bye.textChanged());
        assertTrue(bye.endingChanged());
        assertEquals(List.of(new WordDiff.Part(WordDiff.Op.REMOVED, "Goodbye."),
                new WordDiff.Part(WordDiff.Op.ADDED, "Bye now, have a good day.")), bye.diff());
        assertEquals(1, report.summary().turnsChanged());
        assertEquals(1, report.summary().lostHandoffsOrEnds());

        // The candidate's configuration reached the model: its prompt, model, temperature and the history so far.
        FakeOpenAiServer.Recorded second = model.requests().get(1);
        assertEquals(StoredCalls.SYSTEM_PROMPT, second.messages().get(0)[1]);
        assertEquals("candidate-model", second.body.path("model").asText());
        assertEquals(0.2, second.body.path("temperature").asDouble(), 1e-9);
        assertEquals("Your bill is twenty dollars.", second.last("assistant"));
        assertTrue(second.toolNames().contains("end_call"));
    }

    @Test
    void aModelFaultOnOneTurnIsReportedAndTheCallGoesOn() throws Exception {
        ReplayReport report = engine(2).start(history, List.of(StoredCalls.REFUND, StoredCalls.BILL), "*", null)
                .result().get(30, TimeUnit.SECONDS);

        ReplayReport.CallResult call = byId(report).get(StoredCalls.REFUND);
        ReplayReport.Answer refund = call.turns().get(0).candidate();
        assertEquals("fault", refund.outcome());
        assertNotNull(refund.fault());
        assertNull(call.turns().get(0).original().fault());
        ReplayReport.TurnPair keys = call.turns().get(1);
        assertEquals("dtmf", keys.callerKind());
        assertEquals("12", keys.caller());
        assertEquals("completed", keys.candidate().outcome());
        assertEquals("You pressed one and two.", keys.candidate().text());
        assertFalse(keys.textChanged());
        assertEquals(1, report.summary().faultsCandidate());
        assertEquals(0, report.summary().faultsOriginal());
        assertEquals(2, report.summary().calls(), "the other call was replayed too");
    }

    @Test
    void aCandidateThatQuotesItsPromptTripsTheGuard() throws Exception {
        ReplayReport report = engine(1).start(history, List.of(StoredCalls.PROBE), "instructions", null)
                .result().get(30, TimeUnit.SECONDS);

        ReplayReport.Answer probe = byId(report).get(StoredCalls.PROBE).turns().get(0).candidate();
        assertEquals("guarded", probe.outcome());
        assertNotNull(probe.guard());
        assertFalse(probe.text().contains("never promise refunds"), "the quote never left the dry run");
        assertEquals(1, report.summary().guardTripsCandidate());
    }

    @Test
    void aCandidateThatHandsOverEarlyLeavesTheRestOfTheCallUnreached() throws Exception {
        model.script(r -> FakeOpenAiServer.Reply.stream(new FakeOpenAiServer.Token("Let me get a colleague."),
                new FakeOpenAiServer.ToolCallStep(0, "call_1", "transfer_to_human", "{\"summary\":\"bill question\"}"),
                new FakeOpenAiServer.Finish("tool_calls")));

        ReplayReport report = engine(1).start(history, List.of(StoredCalls.BILL), "bill", null)
                .result().get(30, TimeUnit.SECONDS);

        ReplayReport.CallResult call = byId(report).get(StoredCalls.BILL);
        ReplayReport.Answer first = call.turns().get(0).candidate();
        assertEquals("transfer_to_human", first.ending());
        assertTrue(first.handoffData().contains("bill question"), first.handoffData());
        assertNull(call.turns().get(1).candidate(), "the second caller turn was never reached");
        assertEquals("transfer_to_human", call.candidateEnded());
        assertEquals(1, report.summary().newHandoffs());
        assertEquals(1, model.requests().size());
    }

    @Test
    void toolsRunAsDryRunsWhoseOutcomeIsRecorded() throws Exception {
        model.script(r -> r.index == 0
                ? FakeOpenAiServer.Reply.stream(new FakeOpenAiServer.ToolCallStep(0, "call_1", "send_digits", "{\"digits\":\"12#\"}"),
                        new FakeOpenAiServer.Finish("tool_calls"))
                : FakeOpenAiServer.Reply.tokens("Done."));

        ReplayReport report = engine(1).start(history, List.of(StoredCalls.PROBE), "*", null)
                .result().get(30, TimeUnit.SECONDS);

        ReplayReport.TurnPair turn = byId(report).get(StoredCalls.PROBE).turns().get(0);
        assertEquals(List.of("send_digits({\"digits\":\"12#\"}) → sent"), turn.candidate().tools());
        assertEquals("Done.", turn.candidate().text());
        assertTrue(turn.toolsChanged());
        assertTrue(model.requests().get(1).messages().stream().anyMatch(m -> m[0].equals("tool")
                && m[1].contains("Sent the digits 12#")), "the model was told the dry run's outcome");
    }

    @Test
    void withToolsOffTheModelIsOfferedNone() throws Exception {
        engine(1, false).start(history, List.of(StoredCalls.PROBE), "*", null).result().get(30, TimeUnit.SECONDS);

        assertEquals(List.of(), model.requests().get(0).toolNames());
    }

    @Test
    void cancellingStopsTheStreamsInFlightAndProducesNoReport() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        model.script(r -> FakeOpenAiServer.Reply.stream(new FakeOpenAiServer.Token("Your "),
                new FakeOpenAiServer.Gate(never), new FakeOpenAiServer.Finish("stop")));
        ReplayRuns runs = new ReplayRuns(dir.resolve("data"));
        ReplayEngine.Run run = engine(2).start(history, List.of(StoredCalls.BILL, StoredCalls.REFUND), "*", null);
        run.result().thenAccept(report -> {
            try {
                runs.store(report);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> model.requests().size() == 2);

        run.cancel();

        assertThrows(CancellationException.class, () -> run.result().get(5, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                model.requests().stream().allMatch(r -> r.disconnected.get()));
        never.countDown();
        assertTrue(run.cancelled());
        assertEquals(List.of(), runs.list());
    }

    @Test
    void aStoredRunReopensAsItWasWritten() throws Exception {
        ReplayReport report = engine(2).start(history, List.of(StoredCalls.BILL), "bill", null)
                .result().get(30, TimeUnit.SECONDS);
        ReplayRuns runs = new ReplayRuns(dir.resolve("data"));
        runs.store(report);

        assertEquals(List.of(report.runId()), runs.list());
        assertEquals(report, runs.open(report.runId()));
    }
}
