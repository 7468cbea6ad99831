package app.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.EventKind;
import app.switchboard.call.RecordingConnection;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * A supervisor who uses no mouse takes a call through every action: say, interrupt, take over,
 * send the AI's draft, end. Only key presses (Shortcut is Ctrl here); each step checked in what
 * the caller's socket received or in the call's recorded events.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KeyboardOnlyFxTest {

    private ScriptedCallers callers;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        // A speaking pace, so there is an answer in progress to interrupt.
        callers = new ScriptedCallers(12);
        window = ConsoleWindow.show(stage, new ConsoleContext(callers.registry, new Settings(),
                AppDirectories.under(Files.createTempDirectory("switchboard-keys")), null, "test", () -> { }));
        stage.requestFocus();
    }

    @AfterEach
    void stop(FxRobot robot) {
        robot.interact(window::close);
        callers.close();
    }

    private void shortcut(FxRobot robot, KeyCode... keys) {
        KeyCode[] all = new KeyCode[keys.length + 1];
        all[0] = KeyCode.CONTROL;
        System.arraycopy(keys, 0, all, 1, keys.length);
        robot.press(all);
        KeyCode[] reversed = new KeyCode[all.length];
        for (int i = 0; i < all.length; i++) {
            reversed[i] = all[all.length - 1 - i];
        }
        robot.release(reversed);
    }

    private boolean recorded(EventKind kind) {
        return callers.registry.events("CA-keys").stream().anyMatch(e -> e.kind() == kind);
    }

    @Test
    void sayInterruptTakeOverSendAndEndWithTheKeyboardAlone(FxRobot robot) {
        RecordingConnection caller = callers.connect("CA-keys", "+14155550123");
        await().until(() -> recorded(EventKind.SETUP));
        await().until(() -> window.view().list().table().getSelectionModel().getSelectedItem() != null);

        // Say: Ctrl+K focuses the field, Enter speaks it.
        shortcut(robot, KeyCode.K);
        robot.write("One moment please.");
        robot.type(KeyCode.ENTER);
        await().until(() -> caller.framesOf(OutboundMessage.Text.class).stream()
                .anyMatch(t -> t.token().equals("One moment please.")));

        // Interrupt: an answer is streaming; Ctrl+I cuts it.
        callers.send("CA-keys", new InboundMessage.Prompt("why is my bill so high", "en-US", true));
        await().until(() -> recorded(EventKind.AGENT_TOKEN));
        shortcut(robot, KeyCode.I);
        await().atMost(Duration.ofSeconds(10)).until(() -> recorded(EventKind.SUPERVISOR_INTERRUPT));

        // Take over: Ctrl+T; the AI only drafts from now on.
        shortcut(robot, KeyCode.T);
        await().until(() -> recorded(EventKind.SUPERVISOR_TAKEOVER));
        int held = caller.frames.size();
        callers.send("CA-keys", new InboundMessage.Prompt("when is my payment due", "en-US", true));
        await().until(() -> recorded(EventKind.DRAFT_READY));
        await().until(() -> !window.view().detail().root().lookup("#sendDraftButton").isDisabled());
        assertThat(caller.frames.stream().skip(held).noneMatch(f -> f instanceof OutboundMessage.Text t
                && t.token().startsWith("Your payment"))).as("the draft is not spoken before it is sent").isTrue();

        // Send the draft: Ctrl+D.
        shortcut(robot, KeyCode.D);
        await().until(() -> caller.framesOf(OutboundMessage.Text.class).stream()
                .anyMatch(t -> t.token().startsWith("Your payment is due")));

        // End: Ctrl+Shift+E.
        shortcut(robot, KeyCode.SHIFT, KeyCode.E);
        await().until(() -> recorded(EventKind.SUPERVISOR_END));
        await().until(() -> !caller.framesOf(OutboundMessage.End.class).isEmpty());
    }
}
