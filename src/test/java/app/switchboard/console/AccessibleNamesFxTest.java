package app.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.EventKind;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Control;
import javafx.scene.control.Labeled;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * A screen reader names every control a keyboard can reach: each focus-traversable control of
 * the main window (with a call's detail shown), History and Settings has an accessible name,
 * its own text (a button's label) or an accessibleText.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessibleNamesFxTest {

    private Path root;
    private RecordedCalls recorded;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        root = Files.createTempDirectory("switchboard-a11y");
        recorded = new RecordedCalls(root.resolve("data"));
        recorded.record("CA101", "+15550001111", "what is my bill");
        recorded.flushed();
        window = ConsoleWindow.show(stage, new ConsoleContext(recorded.callers.registry, new Settings(),
                AppDirectories.under(root), null, "test", null).withHistory(recorded.history()));
        stage.requestFocus();
    }

    @AfterEach
    void tearDown(FxRobot robot) {
        robot.interact(window::close);
        recorded.close();
    }

    /** Controls a keyboard reaches without a name; their class and id, to fix them by. */
    static List<String> unnamed(Parent root) {
        List<String> missing = new ArrayList<>();
        walk(root, missing);
        return missing;
    }

    private static void walk(Node node, List<String> missing) {
        if (node instanceof Control control && control.isFocusTraversable() && !named(control)) {
            missing.add(control.getClass().getSimpleName() + (control.getId() == null ? "" : "#" + control.getId()));
        }
        if (node instanceof Parent parent) {
            for (Node child : parent.getChildrenUnmodifiable()) {
                walk(child, missing);
            }
        }
    }

    static boolean named(Control control) {
        if (control.getAccessibleText() != null && !control.getAccessibleText().isBlank()) {
            return true;
        }
        return control instanceof Labeled labeled && labeled.getText() != null && !labeled.getText().isBlank();
    }

    @Test
    void everyControlOfTheMainWindowAndTheCallDetailHasAName(FxRobot robot) {
        recorded.callers.connect("CA-live", "+14155550123");
        await().until(() -> recorded.callers.registry.events("CA-live").stream().anyMatch(e -> e.kind() == EventKind.SETUP));
        await().until(() -> !window.view().list().table().getItems().isEmpty());
        robot.interact(() -> window.view().list().table().getSelectionModel().select(0));
        await().until(() -> window.view().detail().root().lookup("#sayField").isVisible());

        robot.interact(() -> assertThat(unnamed(window.stage().getScene().getRoot())).isEmpty());
    }

    @Test
    void aFlaggedCallIsMarkedInTextNotOnlyByTheRowColour(FxRobot robot) {
        recorded.callers.connect("CA-flag", "+14155550199");
        recorded.callers.send("CA-flag", new app.switchboard.protocol.InboundMessage.Prompt(
                "I want to talk to a human", "en-US", true));
        await().until(() -> recorded.callers.registry.events("CA-flag").stream().anyMatch(e -> e.kind() == EventKind.ATTENTION));

        await().until(() -> robot.lookup(".attention-badge").tryQuery().isPresent());
        javafx.scene.control.Label badge = robot.lookup(".attention-badge").queryAs(javafx.scene.control.Label.class);
        assertThat(badge.getText()).isNotBlank();
        assertThat(badge.getAccessibleText()).startsWith("Needs attention: ");
    }

    @Test
    void everyControlOfHistoryHasAName(FxRobot robot) {
        robot.interact(() -> window.view().openHistory());
        await().until(() -> window.view().historyStage() != null && window.view().historyStage().isShowing());

        robot.interact(() -> assertThat(unnamed(window.view().historyStage().getScene().getRoot())).isEmpty());
    }

    @Test
    void everyControlOfSettingsHasAName(FxRobot robot) {
        robot.interact(() -> window.view().openSettings());
        await().until(() -> settingsWindow() != null);

        robot.interact(() -> assertThat(unnamed(settingsWindow().getScene().getRoot())).isEmpty());
    }

    private static Window settingsWindow() {
        return Window.getWindows().stream().filter(w -> w instanceof Stage s && "Switchboard settings".equals(s.getTitle()))
                .findFirst().orElse(null);
    }
}
