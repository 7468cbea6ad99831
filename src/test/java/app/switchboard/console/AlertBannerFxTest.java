package app.switchboard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.AlertRule;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.RecordingConnection;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.protocol.InboundMessage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The alert banner in the real main window: an alert a rule raises on a call shows, and Acknowledge records it and removes it. */
@ExtendWith(ApplicationExtension.class)
@Timeout(60)
class AlertBannerFxTest {

    private OfflineResponder responder;
    private CallRegistry registry;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        Settings settings = new Settings();
        responder = new OfflineResponder(0);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        registry.embeddedOperator(() -> "Dana");
        registry.alertRules(List.of(new AlertRule("person", AlertRule.Kind.PHRASE, AlertRule.Severity.CRITICAL, true, 0,
                List.of("manager"))));
        window = ConsoleWindow.show(stage, new ConsoleContext(registry, settings,
                AppDirectories.under(Files.createTempDirectory("switchboard-alerts-fx")), Secrets.from(Map.of()),
                "test", () -> {
                    registry.close();
                    responder.close();
                }));
        stage.requestFocus();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(window::close);
    }

    private CallSession call(String callSid, String from) {
        return registry.attach(new InboundMessage.Setup("VX-" + callSid, "AC1", callSid, "", from, "+15550100002",
                "", "", "inbound", "PSTN", "RINGING", Map.of()), new RecordingConnection());
    }

    private List<Node> rows(FxRobot robot) {
        return List.copyOf(robot.lookup(".alert-row").queryAll());
    }

    @Test
    void anAlertShowsInTheBannerAndAcknowledgeRecordsItAndRemovesIt(FxRobot robot) {
        CallSession call = call("CA-fx-alert", "+15550107777");
        registry.inbound(call, new InboundMessage.Prompt("I want your manager", "en-US", true));

        await().atMost(Duration.ofSeconds(20)).until(() -> rows(robot).size() == 1);
        Node row = rows(robot).get(0);
        Label severity = robot.from(row).lookup(".alert-severity").queryAs(Label.class);
        assertEquals("\u26d4 critical", severity.getText(), "severity as a symbol and a word");
        Label text = robot.from(row).lookup(".alert-text").queryAs(Label.class);
        assertTrue(text.getText().contains("+15550107777") && text.getText().contains("manager"), text.getText());
        assertTrue(robot.lookup("#alertBanner").query().isVisible());
        assertEquals("\u26d4 1", window.board().find("CA-fx-alert").alertMarkerProperty().get(),
                "the call list marks the call");

        robot.clickOn(robot.from(row).lookup(".alert-acknowledge").queryAs(Button.class));

        await().atMost(Duration.ofSeconds(10)).until(() -> rows(robot).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.events("CA-fx-alert").stream()
                .anyMatch(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED));
        EventPayload.AlertAcknowledged ack = registry.events("CA-fx-alert").stream()
                .filter(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED).findFirst().orElseThrow()
                .as(EventPayload.AlertAcknowledged.class);
        assertEquals("Dana", ack.operator(), "recorded with the supervisor's name from the settings");
        assertEquals("person", ack.ruleId());
        await().atMost(Duration.ofSeconds(10)).until(() -> !robot.lookup("#alertBanner").query().isVisible());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> window.board().find("CA-fx-alert").alertMarkerProperty().get().isEmpty());
    }

    @Test
    void openCallSelectsTheAlertsCall(FxRobot robot) {
        call("CA-fx-first", "+15550101111");
        CallSession second = call("CA-fx-second", "+15550102222");
        await().atMost(Duration.ofSeconds(10)).until(() -> window.board().find("CA-fx-second") != null);
        registry.inbound(second, new InboundMessage.Prompt("manager please", "en-US", true));
        await().atMost(Duration.ofSeconds(20)).until(() -> rows(robot).size() == 1);

        robot.clickOn(robot.from(rows(robot).get(0)).lookup(".alert-open").queryAs(Button.class));

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            LiveCall selected = window.view().list().table().getSelectionModel().getSelectedItem();
            return selected != null && selected.callId().equals("CA-fx-second");
        });
    }

    private static Button button(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && text.equals(b.getText())).queryAs(Button.class);
    }

    @Test
    void rulesSavedInTheSettingsDialogApplyToLiveCallsAtOnce(FxRobot robot) {
        robot.interact(() -> window.view().openSettings());
        javafx.scene.control.TableView<?> table = robot.lookup("#rulesTable").queryAs(javafx.scene.control.TableView.class);
        assertEquals(6, table.getItems().size(), "the default rules");
        @SuppressWarnings("unchecked")
        javafx.scene.control.ChoiceBox<AlertRule.Kind> kind = robot.lookup((Node n) -> n instanceof javafx.scene.control.ChoiceBox<?>
                && "Kind of rule to add".equals(n.getAccessibleText())).queryAs(javafx.scene.control.ChoiceBox.class);
        robot.interact(() -> kind.setValue(AlertRule.Kind.DURATION));
        robot.interact(() -> button(robot, "Add rule").fire());
        assertEquals(7, table.getItems().size());

        robot.interact(() -> button(robot, "Save").fire());

        await().atMost(Duration.ofSeconds(10)).until(() -> registry.alertRules().size() == 7);
        assertEquals(2, registry.alertRules().stream().filter(r -> r.kind() == AlertRule.Kind.DURATION).count(),
                "the registry now has the saved rules (the default and the added one) instead of the test's one");
    }
}
