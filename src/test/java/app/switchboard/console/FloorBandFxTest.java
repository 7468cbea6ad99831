package app.switchboard.console;

import static org.awaitility.Awaitility.await;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.RecordingConnection;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The floor band in the real window follows the calls: a live call, then a supervisor holding it. */
@ExtendWith(ApplicationExtension.class)
class FloorBandFxTest {

    private OfflineResponder responder;
    private CallRegistry registry;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        responder = new OfflineResponder(0);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                new Settings().languageCodes(), "en-US");
        window = ConsoleWindow.show(stage, new ConsoleContext(registry, new Settings(),
                AppDirectories.under(Files.createTempDirectory("switchboard-floor")), null, "test", () -> {
                    registry.close();
                    responder.close();
                }));
        stage.requestFocus();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(window::close);
    }

    @Test
    @Timeout(60)
    void theBandCountsALiveCallAndACallWaitingForAHuman(FxRobot robot) {
        Label live = robot.lookup("#liveValue").queryAs(Label.class);
        Label waiting = robot.lookup("#waitingValue").queryAs(Label.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(live.getText()));

        CallSession call = registry.attach(new InboundMessage.Setup("VX1", "AC1", "CA-floor-1", "", "+15550001111",
                "+15550002222", "", "", "inbound", "PSTN", "RINGING", Map.of()), new RecordingConnection());
        await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(live.getText()));

        registry.takeOver(call.callId());
        await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(waiting.getText()));
        await().atMost(Duration.ofSeconds(10)).until(() -> "Calls waiting for a human: 1".equals(waiting.getAccessibleText()));
    }
}
