package app.switchboard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallState;
import app.switchboard.call.EventKind;
import app.switchboard.call.RecordingConnection;
import app.switchboard.call.RelayStatus;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import javafx.scene.Node;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Closing the console with live calls, as a supervisor does it (headless, Monocle): it asks,
 * and does what was chosen; it never hangs up silently.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(60)
class CloseGuardFxTest {

    private ScriptedCallers callers;
    private ConsoleWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        callers = new ScriptedCallers(0);
        window = ConsoleWindow.show(stage, new ConsoleContext(callers.registry, new Settings(),
                AppDirectories.under(Files.createTempDirectory("switchboard-close")), null, "test", () -> { }));
    }

    @AfterEach
    void stop(FxRobot robot) {
        robot.interact(() -> stage.close());
        callers.close();
    }

    private RecordingConnection live(String callSid) {
        RecordingConnection caller = callers.connect(callSid, "+14155550123");
        await().until(() -> callers.registry.events(callSid).stream().anyMatch(e -> e.kind() == EventKind.SETUP));
        return caller;
    }

    private void askToClose(FxRobot robot) {
        robot.interact(window::requestClose);
        await().until(() -> robot.lookup("#closeCancel").tryQuery().isPresent());
    }

    private static OutboundMessage.End endFrame(RecordingConnection caller) {
        List<String> frames = caller.raw;
        return (OutboundMessage.End) ProtocolCodec.decodeOutbound(frames.get(frames.size() - 1));
    }

    @Test
    void cancelKeepsTheWindowAndTheCalls(FxRobot robot) {
        live("CA1");
        askToClose(robot);
        robot.clickOn("#closeCancel");
        await().until(() -> robot.lookup("#closeCancel").tryQuery().isEmpty());
        assertTrue(stage.isShowing());
        assertEquals(1, callers.registry.liveCalls());
        assertFalse(window.keepsRelayRunning());
    }

    @Test
    void endThemAllEndsEveryLiveCallWithAClearReasonAndClosesTheWindow(FxRobot robot) throws Exception {
        RecordingConnection first = live("CA1");
        RecordingConnection second = live("CA2");
        askToClose(robot);
        robot.clickOn("#closeEndAll");

        await().atMost(Duration.ofSeconds(10)).until(() -> !stage.isShowing());
        for (RecordingConnection caller : List.of(first, second)) {
            await().until(() -> !caller.raw.isEmpty() && caller.raw.get(caller.raw.size() - 1).contains("\"end\""));
            var handoff = new ObjectMapper().readTree(endFrame(caller).handoffData());
            assertEquals("the supervisor closed the console", handoff.get("reason").asText());
            assertFalse(handoff.get("handToHuman").asBoolean());
        }
    }

    @Test
    void handingAllToAHumanNeedsAHandoffNumberAndSaysSoInTheHandoff(FxRobot robot) throws Exception {
        RecordingConnection caller = live("CA1");
        askToClose(robot);
        Node handOver = robot.lookup("#closeHandOver").query();
        assertTrue(handOver.isDisabled(), "no handoff number: the caller would only hear goodbye");
        robot.clickOn("#closeCancel");
        await().until(() -> robot.lookup("#closeCancel").tryQuery().isEmpty());

        callers.registry.statusSource(() -> new RelayStatus("", "", 0, "", false, "", 1, true));
        askToClose(robot);
        robot.clickOn("#closeHandOver");
        await().atMost(Duration.ofSeconds(10)).until(() -> !stage.isShowing());
        await().until(() -> !caller.raw.isEmpty() && caller.raw.get(caller.raw.size() - 1).contains("\"end\""));
        assertTrue(new ObjectMapper().readTree(endFrame(caller).handoffData()).get("handToHuman").asBoolean());
    }

    @Test
    void keepingThemRunningClosesOnlyTheWindow(FxRobot robot) {
        RecordingConnection caller = live("CA1");
        int framesBefore = caller.raw.size();
        askToClose(robot);
        robot.clickOn("#closeKeepRunning");

        await().atMost(Duration.ofSeconds(10)).until(() -> !stage.isShowing());
        assertTrue(window.keepsRelayRunning());
        assertEquals(1, callers.registry.liveCalls(), "the call goes on");
        assertEquals(framesBefore, caller.raw.size(), "nothing was said to the caller");
        assertTrue(callers.registry.calls().stream().noneMatch(c -> c.state() == CallState.ENDED));
    }

    @Test
    void withNoLiveCallTheWindowClosesWithoutAsking(FxRobot robot) {
        robot.interact(window::requestClose);
        await().atMost(Duration.ofSeconds(10)).until(() -> !stage.isShowing());
        assertFalse(window.keepsRelayRunning());
    }
}
