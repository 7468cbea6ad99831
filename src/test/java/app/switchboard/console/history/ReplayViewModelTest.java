package app.switchboard.console.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer;
import app.switchboard.history.CallHistory;
import app.switchboard.history.CallRecord;
import app.switchboard.replay.ReplayService;
import app.switchboard.replay.StoredCalls;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.testfx.api.FxToolkit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay window's state over a real SQLite history and openai-java against the local
 * OpenAI-compatible server. JavaFX's toolkit runs (Tasks report on the FX thread), no window.
 */
@Timeout(90)
class ReplayViewModelTest {

    @TempDir
    Path dir;

    private FakeOpenAiServer model;
    private EventStore store;
    private CallHistory history;
    private ReplayViewModel viewModel;
    private HistoryViewModel historyModel;

    @BeforeAll
    static void startFx() throws Exception {
        // Through TestFX, not Platform.startup: a toolkit started behind TestFX's back leaves the
        // *FxTest classes that run later in the same JVM with a robot whose clicks go nowhere.
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void setUp() throws Exception {
        StoredCalls.record(dir.resolve("data"));
        store = EventStore.open(dir.resolve("data"));
        history = new StoreCallHistory(store);
        model = new FakeOpenAiServer();
        model.script(StoredCalls::answer);
        viewModel = fx(() -> new ReplayViewModel(service("test-key"), ZoneOffset.UTC));
        fx(() -> {
            viewModel.form().systemPromptProperty().set(StoredCalls.SYSTEM_PROMPT);
            viewModel.form().nameProperty().set("shorter goodbyes");
            viewModel.form().modelProperty().set("candidate-model");
            viewModel.form().baseUrlProperty().set(model.baseUrl());
            viewModel.form().temperatureProperty().set("0.2");
            return null;
        });
    }

    private ReplayService service(String key) {
        return new ReplayService(history, dir.resolve("config"), dir.resolve("data"), key);
    }

    @AfterEach
    void tearDown() throws Exception {
        viewModel.close();
        if (historyModel != null) {
            historyModel.close();
        }
        model.close();
        store.close();
    }

    private static <T> T fx(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    private List<Path> storedRuns() throws Exception {
        Path runs = dir.resolve("data").resolve("replays");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runs)) {
            return files.toList();
        }
    }

    private ReplayComparison runAndWait(ReplayViewModel.Target target) throws Exception {
        ReplayComparison before = fx(() -> viewModel.comparisonProperty().get());
        fx(() -> {
            viewModel.setTarget(target);
            return viewModel.run();
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> fx(() -> viewModel.comparisonProperty().get() != before
                && !viewModel.runningProperty().get()));
        return fx(() -> viewModel.comparisonProperty().get());
    }

    @Test
    void aRunReplaysTheSelectedCallsStoresItAndShowsTheAnswersSideBySide() throws Exception {
        ReplayComparison shown = runAndWait(new ReplayViewModel.Target(List.of(StoredCalls.BILL), null, "1 call"));

        ReplayComparison.CallRow call = shown.calls().get(0);
        assertEquals(StoredCalls.BILL, call.callId());
        assertFalse(call.turns().get(0).changed(), "the same bill answer");
        ReplayComparison.TurnRow bye = call.turns().get(1);
        assertTrue(bye.changed());
        assertEquals(List.of(new ReplayComparison.Segment("Goodbye.", true)), bye.original().segments());
        assertEquals(List.of(new ReplayComparison.Segment("Bye now, have a good day.", true)), bye.candidate().segments());
        assertTrue(bye.marks().contains("no longer ends the call"), bye.marks().toString());
        // The fields reached the model, and the run is stored and listed for reopening.
        assertEquals(0.2, model.requests().get(0).body.path("temperature").asDouble(), 1e-9);
        assertEquals("candidate-model", model.requests().get(0).body.path("model").asText());
        assertEquals(List.of(dir.resolve("data").resolve("replays").resolve(shown.runId() + ".json")), storedRuns());
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.runs().stream()
                .anyMatch(r -> r.runId().equals(shown.runId()))));
        assertTrue(fx(() -> viewModel.statusProperty().get()).contains("stored"));
    }

    @Test
    void withNoCallSelectedTheSearchShownIsReplayed() throws Exception {
        historyModel = fx(() -> new HistoryViewModel(history, service("test-key"), ZoneOffset.UTC, 2));
        fx(() -> {
            historyModel.textProperty().set("bill");
            return historyModel.search();
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> historyModel.totalProperty().get() == 1));

        ReplayViewModel.Target search = fx(() -> historyModel.replayTarget(List.of()));
        assertEquals("the search result: 1 calls", search.description());
        assertTrue(search.callIds().isEmpty());
        ReplayComparison shown = runAndWait(search);
        assertEquals(List.of(StoredCalls.BILL), shown.calls().stream().map(ReplayComparison.CallRow::callId).toList());

        CallRecord one = fx(() -> historyModel.calls().get(0));
        ReplayViewModel.Target selected = fx(() -> historyModel.replayTarget(List.of(one, one)));
        assertEquals(List.of(StoredCalls.BILL), selected.callIds(), "a call selected twice is replayed once");
    }

    @Test
    void cancellingARunClosesTheStreamAndStoresNothing() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        model.script(r -> FakeOpenAiServer.Reply.stream(new FakeOpenAiServer.Token("Your bill "),
                new FakeOpenAiServer.Gate(gate), new FakeOpenAiServer.Token("is due."), new FakeOpenAiServer.Finish("stop")));
        fx(() -> {
            viewModel.setTarget(new ReplayViewModel.Target(List.of(StoredCalls.BILL, StoredCalls.REFUND), null, "2 calls"));
            return viewModel.run();
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> !model.requests().isEmpty());
        assertTrue(fx(() -> viewModel.runningProperty().get()));

        fx(() -> {
            viewModel.cancel();
            return null;
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> !viewModel.runningProperty().get()));
        assertEquals("Replay cancelled: nothing stored", fx(() -> viewModel.statusProperty().get()));
        await().atMost(Duration.ofSeconds(20)).until(() -> model.requests().stream().allMatch(r -> r.disconnected.get()));
        gate.countDown();
        assertEquals(List.of(), storedRuns());
        assertNull(fx(() -> viewModel.comparisonProperty().get()));
    }

    @Test
    void aProfileThatCannotRunOrAMissingKeyIsRefusedWithTheReason() throws Exception {
        fx(() -> {
            viewModel.setTarget(new ReplayViewModel.Target(List.of(StoredCalls.BILL), null, "1 call"));
            viewModel.form().temperatureProperty().set("warm");
            return viewModel.run();
        });
        assertTrue(fx(() -> viewModel.statusProperty().get()).startsWith("temperature must be a number"));

        ReplayViewModel keyless = fx(() -> new ReplayViewModel(service(null), ZoneOffset.UTC));
        try {
            fx(() -> {
                keyless.form().systemPromptProperty().set("Be brief.");
                keyless.setTarget(new ReplayViewModel.Target(List.of(StoredCalls.BILL), null, "1 call"));
                return keyless.run();
            });
            assertTrue(fx(() -> keyless.statusProperty().get()).startsWith("OPENAI_API_KEY is not set"));
            assertFalse(fx(() -> keyless.runningProperty().get()));
        } finally {
            keyless.close();
        }
        assertEquals(List.of(), model.requests(), "nothing reached the model");
    }

    @Test
    void aSavedProfileLoadsBackIntoTheFields() throws Exception {
        fx(() -> {
            viewModel.form().toolsProperty().set(false);
            viewModel.form().concurrencyProperty().set(3);
            viewModel.saveProfile();
            return null;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.savedProfiles().contains("shorter goodbyes")));
        assertTrue(Files.exists(dir.resolve("config").resolve("replay-profiles").resolve("shorter goodbyes.json")));

        fx(() -> {
            viewModel.form().systemPromptProperty().set("something else");
            viewModel.form().toolsProperty().set(true);
            viewModel.form().concurrencyProperty().set(1);
            viewModel.loadProfile("shorter goodbyes");
            return null;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.form().systemPromptProperty().get())
                .equals(StoredCalls.SYSTEM_PROMPT));
        assertFalse(fx(() -> viewModel.form().toolsProperty().get()));
        assertEquals(3, fx(() -> viewModel.form().concurrencyProperty().get()));
        assertEquals("0.2", fx(() -> viewModel.form().temperatureProperty().get()));
    }

    @Test
    void aStoredRunReopensAndComparesWithALaterOne() throws Exception {
        ReplayComparison first = runAndWait(new ReplayViewModel.Target(List.of(StoredCalls.PROBE), null, "1 call"));
        fx(() -> {
            viewModel.form().nameProperty().set("no tools");
            viewModel.form().toolsProperty().set(false);
            return null;
        });
        ReplayComparison second = runAndWait(new ReplayViewModel.Target(List.of(StoredCalls.BILL), null, "1 call"));
        assertTrue(second.runId().compareTo(first.runId()) != 0);

        fx(() -> {
            viewModel.openRun(first.runId());
            return null;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.comparisonProperty().get().runId())
                .equals(first.runId()));
        assertEquals(List.of(StoredCalls.PROBE), fx(() -> viewModel.comparisonProperty().get().calls().stream()
                .map(ReplayComparison.CallRow::callId).toList()));
        assertTrue(fx(() -> viewModel.comparisonProperty().get().calls().get(0).turns().get(0).marks()).contains("guard"));

        fx(() -> {
            viewModel.compareWith(second.runId());
            return null;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> !viewModel.versus().isEmpty()));
        List<ReplayComparison.MetricRow> rows = fx(() -> List.copyOf(viewModel.versus()));
        assertEquals(new ReplayComparison.MetricRow("Profile", "shorter goodbyes (candidate-model)",
                "no tools (candidate-model)"), rows.get(0));
        assertTrue(rows.contains(new ReplayComparison.MetricRow("Guard trips", "1", "0")), rows.toString());
        assertNotNull(fx(() -> viewModel.reportProperty().get()));
    }
}
