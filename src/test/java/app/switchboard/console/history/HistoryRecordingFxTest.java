package app.switchboard.console.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.switchboard.call.EventPayload;
import app.switchboard.console.RecordedCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The History window as a supervisor uses a recording, headless (Monocle): calls recorded by a
 * real registry into a real SQLite store, one with Twilio's recording callbacks. Clicking the
 * recorded call shows its recording line, and Open recording hands Twilio's link to the browser.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(120)
class HistoryRecordingFxTest {

    private Path root;
    private RecordedCalls recorded;
    private HistoryView view;
    private final List<String> browsed = new CopyOnWriteArrayList<>();

    @Start
    void start(Stage stage) throws Exception {
        root = Files.createTempDirectory("switchboard-history-recording-fx");
        recorded = new RecordedCalls(root.resolve("data"));
        recorded.record("CA301", "+15550003001", "what is my bill");
        recorded.record("CA302", "+15550003002", "my parcel never arrived");
        HistoryRecordingTest.recordingCallbacks(recorded, "CA301",
                new EventPayload.Recording(HistoryRecordingTest.SID, "completed", HistoryRecordingTest.URL, 42, null));
        HistoryViewModel model = new HistoryViewModel(recorded.history(), ZoneId.of("UTC"), 10);
        model.browser(browsed::add);
        view = new HistoryView(model);
        stage.setScene(new Scene(view.root(), 1240, 780));
        stage.show();
        stage.requestFocus();
    }

    @AfterEach
    void tearDown(FxRobot robot) throws IOException {
        robot.interact(() -> view.viewModel().close());
        recorded.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> read) throws Exception {
        return org.testfx.util.WaitForAsyncUtils.asyncFx(read).get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static boolean showing(Node node) {
        return node.isVisible() && node.getParent() != null && node.getParent().isVisible() && node.getScene() != null;
    }

    @Test
    void clickingARecordedCallShowsItsRecordingAndOpensItAtTwilio(FxRobot robot) {
        await().atMost(Duration.ofSeconds(20)).until(() -> view.callTable().getItems().size() == 2);
        Node recordedCell = robot.lookup(".table-cell").match((Labeled cell) -> "recorded".equals(cell.getText())).query();

        robot.clickOn(recordedCell);
        // The button shows before the opened call's details arrive from the store: wait for both.
        String expected = "Recording " + HistoryRecordingTest.SID + " \u00b7 completed \u00b7 0:42";
        await().atMost(Duration.ofSeconds(20)).until(() -> onFx(() -> showing(view.openRecordingButton())
                && expected.equals(view.recordingLabel().getText())));
        assertFalse(view.openRecordingButton().isDisabled());

        robot.clickOn(view.openRecordingButton());
        assertEquals(List.of(HistoryRecordingTest.URL), browsed);

        Node otherCaller = robot.lookup(".table-cell").match((Labeled cell) -> "+15550003002".equals(cell.getText())).query();
        robot.clickOn(otherCaller);
        // A call that was not recorded has no recording line.
        await().atMost(Duration.ofSeconds(20)).until(() -> onFx(() -> view.viewModel().openedRecordProperty().get() != null
                && "CA302".equals(view.viewModel().openedRecordProperty().get().callId())
                && !showing(view.openRecordingButton())));
        assertEquals(1, browsed.size());
    }
}
