package app.switchboard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import app.switchboard.call.RecordingConnection;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** "Voice & barge-in…" end to end: the supervisor turns barge-in off and the AI's next answer carries it. */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveSettingsFxTest {

    private ScriptedCallers callers;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) {
        callers = new ScriptedCallers(0);
        window = ConsoleWindow.show(stage, new ConsoleContext(callers.registry, new Settings(), null, null, "test",
                callers::close));
        stage.requestFocus();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(window::close);
    }

    private boolean conversationShows(FxRobot robot, String fragment) {
        return robot.lookup(".entry-text").queryAll().stream()
                .anyMatch(n -> n instanceof javafx.scene.text.Text t && t.getText() != null && t.getText().contains(fragment));
    }

    @Test
    void bargeInOffFromTheMenuReachesTheNextAnswerAndShowsInTheTranscript(FxRobot robot) {
        RecordingConnection caller = callers.connect("CA1", "+14155550123");
        MenuButton menu = robot.lookup("#liveSettingsMenu").queryAs(MenuButton.class);
        await().until(() -> !menu.isDisabled());
        RadioMenuItem off = (RadioMenuItem) menu.getItems().stream()
                .filter(i -> "bargeInOffItem".equals(i.getId())).findFirst().orElseThrow();
        MenuItem voice = menu.getItems().stream().filter(i -> "voiceItem".equals(i.getId())).findFirst().orElseThrow();
        assertTrue(voice.isDisable(), "the voice cannot be changed: nothing guessed is sent");

        robot.clickOn(menu);
        robot.clickOn("Caller cannot interrupt the AI");

        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_INTERRUPTIBLE));
        await().until(() -> conversationShows(robot, "barge-in off"));
        await().until(off::isSelected);
        callers.send("CA1", new InboundMessage.Prompt("what are your opening hours", "en-US", true));
        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.TURN_COMPLETED));
        assertFalse(caller.framesOf(OutboundMessage.Text.class).isEmpty());
        assertTrue(caller.framesOf(OutboundMessage.Text.class).stream().allMatch(t -> Boolean.FALSE.equals(t.interruptible())));
    }
}
