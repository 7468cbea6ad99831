package app.switchboard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import javafx.scene.input.KeyCode;
import javafx.scene.control.Button;
import javafx.scene.control.ScrollPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The conversation follows the newest line, unless the supervisor scrolled up to read. */
@ExtendWith(ApplicationExtension.class)
class ConversationScrollFxTest {

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

    /** Caller and AI take {@code turns} turns, one after the other. */
    private void exchange(int turns) {
        for (int i = 0; i < turns; i++) {
            long done = completed();
            callers.send("CA1", new InboundMessage.Prompt("what are your opening hours", "en-US", true));
            await().until(() -> completed() > done);
        }
    }

    private long completed() {
        return callers.registry.events("CA1").stream().filter(e -> e.kind() == EventKind.TURN_COMPLETED).count();
    }

    private static boolean atBottom(ScrollPane scroll) {
        return scroll.getVvalue() >= scroll.getVmax() - 0.001;
    }

    @Test
    void followsNewLinesUntilTheSupervisorScrollsUp(FxRobot robot) {
        callers.connect("CA1", "+14155550123");
        exchange(1);
        ScrollPane scroll = robot.lookup(".conversation-scroll").queryAs(ScrollPane.class);
        exchange(12);
        await().until(() -> robot.lookup(".entry-ai").queryAll().size() >= 13);
        robot.interact(() -> { });
        assertTrue(atBottom(scroll), "follows the newest line");

        robot.clickOn(scroll).type(KeyCode.HOME).type(KeyCode.PAGE_DOWN);
        await().until(() -> scroll.getVvalue() > 0 && scroll.getVvalue() < 0.8);
        double readingAt = scroll.getVvalue() * (scroll.getContent().getLayoutBounds().getHeight()
                - scroll.getViewportBounds().getHeight());
        exchange(4);
        await().until(() -> robot.lookup(".entry-ai").queryAll().size() >= 17);
        robot.interact(() -> { });

        double nowAt = scroll.getVvalue() * (scroll.getContent().getLayoutBounds().getHeight()
                - scroll.getViewportBounds().getHeight());
        assertTrue(Math.abs(nowAt - readingAt) < 2, "stays where the supervisor is reading: " + readingAt + " -> " + nowAt);
        Button jump = robot.lookup("#jumpButton").queryButton();
        assertTrue(jump.isVisible());

        robot.clickOn(jump);
        await().until(() -> atBottom(scroll));
    }
}
