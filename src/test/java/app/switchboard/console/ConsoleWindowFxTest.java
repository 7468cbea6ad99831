package app.switchboard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.EventKind;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The console as a supervisor uses it, end to end: headless (Monocle), a real relay over TLS on
 * loopback, and the simulator playing Twilio's side of a real {@code wss://} socket. Each action
 * is clicked on the real button and checked in the frames the simulated caller received.
 */
@ExtendWith(ApplicationExtension.class)
class ConsoleWindowFxTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private Path dataDir;
    private AppDirectories dirs;
    private OfflineResponder responder;
    private CallRegistry registry;
    private RelayServer relay;
    private SimClient client;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        dataDir = Files.createTempDirectory("switchboard-fx");
        dirs = AppDirectories.under(dataDir);
        Settings settings = new Settings();
        Settings relaySettings = new Settings();
        relaySettings.handoffNumber = "+15550109999"; // the relay can hand calls to a human
        // Slow enough that a click lands while an answer still streams, also on a loaded machine.
        responder = new OfflineResponder(8);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, null,
                new RelayConfig.TlsSource.SelfSigned(dataDir.resolve("data")), TOKEN, relaySettings), registry);
        relay.start();
        client = SimClient.pinned(relay.fingerprint());
        window = ConsoleWindow.show(stage, new ConsoleContext(registry, settings, dirs,
                Secrets.from(Map.of("TWILIO_AUTH_TOKEN", TOKEN)), "test", this::shutDown));
        stage.requestFocus();
    }

    private void shutDown() {
        try {
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        relay.close();
        registry.close();
        responder.close();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(window::close);
    }

    /** A caller as Twilio places it: signed upgrade over real wss to the relay. */
    private SimulatedCall callIn(String from) {
        SimulatedCall call = SimulatedCall.builder(client, URI.create(relay.localRelayUrl()))
                .signedUrl(relay.relayUrl())
                .authToken(TOKEN)
                .action(URI.create(relay.localBaseUrl() + "/action"), relay.actionUrl())
                .voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(20))
                .from(from)
                .build()
                .open();
        awaitEvent(call, EventKind.SETUP);
        return call;
    }

    private void awaitEvent(SimulatedCall call, EventKind kind) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> registry.events(call.callSid()).stream().anyMatch(e -> e.kind() == kind));
    }

    private static OutboundMessage awaitMessage(SimulatedCall call, int from, OutboundMessage expected) {
        return call.awaitFrame(from, f -> expected.equals(f.message())).message();
    }

    private boolean conversationShows(FxRobot robot, String fragment) {
        return robot.lookup(".entry-text").queryAllAs(Text.class).stream()
                .anyMatch(t -> t.getText() != null && t.getText().contains(fragment));
    }

    @Test
    void aNewCallAppearsInTheList(FxRobot robot) {
        callIn("+14155550123");

        TableView<?> table = robot.lookup(".calls-table").queryAs(TableView.class);
        await().until(() -> table.getItems().size() == 1);
        await().until(() -> robot.lookup("+14155550123").tryQuery().isPresent());
    }

    @Test
    void theStatusBarShowsTheRelayAndVerifiedSignatures(FxRobot robot) {
        callIn("+14155550123");

        await().until(() -> robot.lookup("1 live call").tryQuery().isPresent());
        assertTrue(robot.lookup(".status-item").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().equals("Relay " + relay.relayUrl())));
        assertTrue(robot.lookup("Twilio signatures verified").tryQuery().isPresent());
    }

    @Test
    void theAnswerStreamsIntoTheDetail(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");
        int mark = caller.mark();

        caller.say("a question about my bill", "en-US");

        await().until(() -> conversationShows(robot, "a question about my bill"));
        await().until(() -> conversationShows(robot, "Your last bill was twenty dollars"));
        caller.awaitTurn(mark);
        await().until(() -> conversationShows(robot, "never miss a due date?"));
    }

    @Test
    void sayButtonSpeaksTheSentence(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");
        int mark = caller.mark();

        robot.clickOn("#sayField").write("One moment please.");
        robot.clickOn("#sayButton");

        awaitMessage(caller, mark, new OutboundMessage.Text("One moment please.", true, null, null, false));
        await().until(() -> conversationShows(robot, "One moment please."));
    }

    @Test
    void interruptButtonCutsTheAnswer(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");
        caller.say("why is my bill so high", "en-US");
        awaitEvent(caller, EventKind.AGENT_TOKEN);
        int mark = caller.mark();

        robot.clickOn("#interruptButton");

        awaitMessage(caller, mark, new OutboundMessage.Text("", true, null, null, false));
        await().until(() -> conversationShows(robot, "interrupted the AI"));
        await().until(() -> robot.lookup(".entry-detail").queryAllAs(Text.class).stream()
                .anyMatch(t -> t.getText().contains("cut: supervisor interrupted")));
    }

    @Test
    void aCallerBargeInStrikesThroughWhatWasNotHeard(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");
        int mark = caller.mark();
        caller.say("why is my bill so high", "en-US");
        caller.awaitFrame(mark + 4, f -> f.isText());

        caller.bargeIn();

        awaitEvent(caller, EventKind.TURN_INTERRUPTED);
        await().until(() -> robot.lookup(".entry-unheard").queryAllAs(Text.class).stream()
                .anyMatch(t -> t.isVisible() && t.isStrikethrough() && !t.getText().isEmpty()));
    }

    @Test
    void takeOverThenSendTheEditedDraft(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");

        robot.clickOn("#takeOverButton");
        awaitEvent(caller, EventKind.SUPERVISOR_TAKEOVER);
        int held = caller.mark();
        caller.say("when is my payment due", "en-US");
        awaitEvent(caller, EventKind.DRAFT_READY);
        TextArea draft = robot.lookup("#draftArea").queryAs(TextArea.class);
        await().until(() -> draft.getText().startsWith("Your payment is due") && !draft.isDisabled());
        assertFalse(caller.received().stream().skip(held).anyMatch(f -> f.isText()),
                "while held, the AI's draft is not spoken");

        robot.clickOn("#draftArea").press(KeyCode.CONTROL, KeyCode.END).release(KeyCode.END, KeyCode.CONTROL);
        robot.write(" Anything else?");
        String edited = draft.getText();
        robot.clickOn("#sendDraftButton");

        assertTrue(edited.endsWith("the first time. Anything else?"), edited);
        awaitMessage(caller, held, new OutboundMessage.Text(edited, true, null, null, false));
    }

    @Test
    void releaseByShortcutHandsTheCallBack(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");
        robot.clickOn("#takeOverButton");
        awaitEvent(caller, EventKind.SUPERVISOR_TAKEOVER);

        robot.clickOn("#sayField").press(KeyCode.CONTROL, KeyCode.T).release(KeyCode.T, KeyCode.CONTROL);

        awaitEvent(caller, EventKind.SUPERVISOR_RELEASE);
        await().until(() -> conversationShows(robot, "handed the call back to the AI"));
        int mark = caller.mark();
        caller.say("what are your opening hours", "en-US");
        assertTrue(caller.awaitTurn(mark).text().startsWith("We are open"), "the AI answers again");
    }

    @Test
    void whisperIsRecordedButNotSpoken(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");
        int mark = caller.mark();

        robot.clickOn("#whisperField").write("offer the loyalty discount");
        robot.clickOn("#whisperButton");

        awaitEvent(caller, EventKind.SUPERVISOR_WHISPER);
        await().until(() -> conversationShows(robot, "offer the loyalty discount"));
        caller.roundTrip();
        assertEquals(mark, caller.mark(), "nothing reached the caller");
    }

    @Test
    @SuppressWarnings("unchecked")
    void languageSwitchSendsTheLanguageMessage(FxRobot robot) {
        SimulatedCall caller = callIn("+34915550177");
        int mark = caller.mark();
        ChoiceBox<String> choice = robot.lookup("#languageChoice").queryAs(ChoiceBox.class);
        await().until(() -> !choice.isDisabled());

        robot.interact(() -> choice.setValue("es-ES"));
        robot.clickOn("#languageButton");

        awaitMessage(caller, mark, new OutboundMessage.Language("es-ES", "es-ES"));
        assertEquals("es-ES", caller.ttsLanguage());
        await().until(() -> conversationShows(robot, "switched language to speech es-ES"));
    }

    @Test
    void endWithHandoffSendsEndWithTheReason(FxRobot robot) throws Exception {
        SimulatedCall caller = callIn("+14155550123");

        robot.clickOn("#endReasonField").write("billing dispute");
        robot.clickOn("#handToHumanCheck");
        robot.clickOn("#endButton");

        assertEquals(1000, caller.awaitClosed().code());
        var handoff = new ObjectMapper().readTree(caller.handoffData());
        assertEquals("billing dispute", handoff.get("reason").asText());
        assertTrue(handoff.get("handToHuman").asBoolean());
        await().until(() -> conversationShows(robot, "ended the call and handed it to a human"));
    }

    @Test
    void settingsDialogSavesTheEditedSettings(FxRobot robot) {
        robot.press(KeyCode.CONTROL, KeyCode.COMMA).release(KeyCode.COMMA, KeyCode.CONTROL);
        await().until(() -> robot.lookup("#portField").tryQuery().isPresent());

        robot.clickOn("#portField").press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL).write("9443");
        robot.clickOn("#handoffField").write("+15551234567");
        robot.clickOn("#saveButton");

        await().until(() -> Files.exists(dirs.config().resolve(Settings.FILE_NAME)));
        Settings saved = Settings.load(dirs.config());
        assertEquals(9443, saved.port);
        assertEquals("+15551234567", saved.handoffNumber);
    }

    @Test
    void settingsDialogRefusesABadPortAndSaysWhy(FxRobot robot) {
        robot.press(KeyCode.CONTROL, KeyCode.COMMA).release(KeyCode.COMMA, KeyCode.CONTROL);
        await().until(() -> robot.lookup("#portField").tryQuery().isPresent());

        robot.clickOn("#portField").press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL).write("99999");
        robot.clickOn("#saveButton");

        await().until(() -> robot.lookup("#messageLabel").queryLabeled().getText().contains("Port must be"));
        assertFalse(Files.exists(dirs.config().resolve(Settings.FILE_NAME)));
        robot.clickOn("#cancelButton");
    }
}
