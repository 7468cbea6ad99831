package app.switchboard.console.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer;
import app.switchboard.call.CallAgent;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.console.ConsoleContext;
import app.switchboard.console.ConsoleWindow;
import app.switchboard.replay.StoredCalls;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextInputControl;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A supervisor replays stored calls from History, headless (Monocle): three calls in a real
 * SQLite history, the replay window opened from History's Replay… button, the candidate run
 * through the real agent and openai-java against the local OpenAI-compatible server.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(120)
class ReplayFxTest {

    private Path root;
    private EventStore store;
    private FakeOpenAiServer model;
    private CallRegistry registry;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        root = Files.createTempDirectory("switchboard-replay-fx");
        StoredCalls.record(root.resolve("data"));
        store = EventStore.open(root.resolve("data"));
        model = new FakeOpenAiServer();
        model.script(StoredCalls::answer);
        registry = new CallRegistry(CallAgent.silent(), List.of("en-US"), "en-US");
        window = ConsoleWindow.show(stage, new ConsoleContext(registry, new Settings(), AppDirectories.under(root),
                Secrets.from(Map.of("OPENAI_API_KEY", "test-key")), "test", null)
                .withHistory(new StoreCallHistory(store)));
        stage.requestFocus();
    }

    @AfterEach
    void tearDown(FxRobot robot) throws IOException {
        robot.interact(window::close);
        model.close();
        store.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    /** History open, the bill call selected, the replay window open with the candidate filled in. */
    private ReplayView openReplayOnTheBillCall(FxRobot robot) {
        // History's menu action itself (its Ctrl+H shortcut is HistoryFxTest's to check).
        robot.interact(() -> window.view().openHistory());
        await().atMost(Duration.ofSeconds(20)).until(() -> window.view().history() != null);
        HistoryView history = window.view().history();
        await().atMost(Duration.ofSeconds(20)).until(() -> history.callTable().getItems().size() == 3);
        robot.clickOn(robot.from(history.callTable()).lookup("+15551230001").queryAs(Node.class));
        robot.clickOn("#replayButton");
        await().atMost(Duration.ofSeconds(20)).until(() -> history.replay() != null);
        ReplayView replay = history.replay();
        Node form = replay.root();
        robot.interact(() -> {
            history.replayStage().requestFocus();
            ((TextInputControl) form.lookup("#promptArea")).setText("Answer briefly; no long goodbyes.");
            ((TextInputControl) form.lookup("#modelField")).setText("candidate-model");
            ((TextInputControl) form.lookup("#baseUrlField")).setText(model.baseUrl());
        });
        assertTrue(((Label) form.lookup("#targetLabel")).getText().contains("1 selected call (" + StoredCalls.BILL + ")"));
        return replay;
    }

    private List<Path> storedRuns() throws IOException {
        Path runs = root.resolve("data").resolve("replays");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runs)) {
            return files.toList();
        }
    }

    private static List<String> labels(Node parent, String styleClass) {
        return parent.lookupAll(styleClass).stream().filter(n -> n instanceof Label).map(n -> ((Label) n).getText()).toList();
    }

    @Test
    void aReplayShowsTheAnswersSideBySideWithTheChangedWordsHighlighted(FxRobot robot) throws Exception {
        ReplayView replay = openReplayOnTheBillCall(robot);

        robot.clickOn(replay.runButton());

        Node turns = replay.turnsBox();
        await().atMost(Duration.ofSeconds(60)).until(() -> onFx(() -> turns.lookupAll(".replay-turn").size()) == 2);
        // Turn 1 said the same words: nothing highlighted. Turn 2's goodbye changed on both sides.
        assertEquals(List.of("Goodbye."), onFx(() -> labels(turns, ".diff-removed")));
        assertEquals(List.of("Bye", "now,", "have", "a", "good", "day."), onFx(() -> labels(turns, ".diff-added")));
        // The original ended the call with end_call; the candidate calls no tool and goes on.
        assertEquals(List.of("changed", "tools changed", "no longer ends the call"), onFx(() -> labels(turns, ".replay-mark")));
        assertTrue(onFx(() -> turns.lookupAll(".replay-turn-changed").size()) == 1);
        List<String> summary = onFx(() -> replay.summaryLines().stream().map(n -> ((Label) n).getText()).toList());
        assertTrue(summary.get(0).startsWith("1 call \u00b7 2 caller turns \u00b7 1 answer changed"), summary.toString());
        // Stored, and listed for reopening.
        assertEquals(1, storedRuns().size());
        await().atMost(Duration.ofSeconds(20)).until(() -> onFx(() -> replay.runList().getItems().size()) == 1);
        assertEquals("candidate-model", model.requests().get(0).body.path("model").asText());
    }

    @Test
    void cancellingARunLeavesNoReport(FxRobot robot) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        model.script(r -> FakeOpenAiServer.Reply.stream(new FakeOpenAiServer.Token("Your bill "),
                new FakeOpenAiServer.Gate(gate), new FakeOpenAiServer.Token("is due."), new FakeOpenAiServer.Finish("stop")));
        ReplayView replay = openReplayOnTheBillCall(robot);

        robot.clickOn(replay.runButton());
        await().atMost(Duration.ofSeconds(30)).until(() -> !model.requests().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> !replay.cancelButton().isDisabled()));
        robot.clickOn(replay.cancelButton());

        Label status = (Label) replay.root().lookup("#statusLabel");
        await().atMost(Duration.ofSeconds(20)).until(() -> onFx(status::getText).equals("Replay cancelled: nothing stored"));
        await().atMost(Duration.ofSeconds(20)).until(() -> model.requests().stream().allMatch(r -> r.disconnected.get()));
        gate.countDown();
        assertEquals(List.of(), storedRuns());
        assertEquals(0, onFx(() -> replay.turnsBox().getChildren().size()));
        assertTrue(onFx(() -> !replay.runButton().isDisabled()), "a new run can start");
    }
}
