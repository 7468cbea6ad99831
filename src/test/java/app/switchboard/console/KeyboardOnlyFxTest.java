package app.switchboard.console;

import app.switchboard.console.history.HistoryView;
import app.switchboard.console.history.ReplayView;
import app.switchboard.console.account.OutboundCallView;
import app.switchboard.console.account.PhoneNumbersView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.EventKind;
import app.switchboard.call.RecordingConnection;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.account.AccountAccess;
import app.switchboard.account.FakeTwilioApi;
import app.switchboard.account.TwilioResponses;
import app.switchboard.agent.FakeOpenAiServer;
import app.switchboard.config.Secrets;
import app.switchboard.replay.StoredCalls;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.scene.control.ChoiceBox;
import javafx.stage.Window;
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
 * the caller's socket received or in the call's recorded events. The dialogs too: Connect to
 * relay and its certificate question, Call a number and pointing a phone number at the relay
 * (against the local fake of Twilio's REST API), Replay's run and compare (the real agent and openai-java against the local
 * OpenAI-compatible server, over calls in a real SQLite history), the close question.
 *
 * <p>Monocle does not focus a newly shown window (a desktop does): the tests give it focus
 * themselves, as the window manager would, and press only keys from there.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KeyboardOnlyFxTest {

    private ScriptedCallers callers;
    private ConsoleWindow window;
    private Path root;
    private Settings settings;
    private EventStore store;
    private FakeOpenAiServer model;
    private FakeTwilioApi twilio;
    private final List<DialogFixtures.Attempt> attempts = DialogFixtures.attempts();

    @Start
    void start(Stage stage) throws Exception {
        // A speaking pace, so there is an answer in progress to interrupt.
        callers = new ScriptedCallers(12);
        root = Files.createTempDirectory("switchboard-keys");
        StoredCalls.record(root.resolve("data"));
        store = EventStore.open(root.resolve("data"));
        model = new FakeOpenAiServer();
        model.script(StoredCalls::answer);
        twilio = new FakeTwilioApi();
        settings = new Settings();
        window = ConsoleWindow.show(stage, new ConsoleContext(callers.registry, settings, AppDirectories.under(root),
                Secrets.from(Map.of("OPENAI_API_KEY", "test-key")), "test", () -> { })
                .withHistory(new StoreCallHistory(store))
                .withAccount(new AccountAccess.Ready(DialogFixtures.account(twilio, callers.registry, root.resolve("data"), 1)))
                .withConnector(DialogFixtures.connector(callers.registry,
                        () -> DialogFixtures.connected("relay.example.test:8443"), attempts)));
        stage.requestFocus();
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        robot.interact(() -> {
            for (Window w : List.copyOf(Window.getWindows())) {
                if (w instanceof Stage s && s != window.stage()) {
                    s.close();
                }
            }
            window.close();
        });
        callers.close();
        model.close();
        twilio.close();
        store.close();
    }

    /** Alt+the underlined letter of a label or button. */
    private void mnemonic(FxRobot robot, KeyCode key) {
        robot.press(KeyCode.ALT, key).release(key, KeyCode.ALT);
    }

    /** The window manager's part: the window that just opened gets the focus (Monocle does not do it). */
    private Stage focused(FxRobot robot, java.util.function.Supplier<Window> shown) {
        await().until(() -> shown.get() != null && shown.get().isShowing());
        Stage stage = (Stage) shown.get();
        robot.interact(stage::requestFocus);
        await().until(stage::isFocused);
        // And the robot's: it types text into its target window, not into the focused one.
        robot.targetWindow(stage);
        return stage;
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
        return recorded("CA-keys", kind);
    }

    private boolean recorded(String callSid, EventKind kind) {
        return callers.registry.events(callSid).stream().anyMatch(e -> e.kind() == kind);
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

    @Test
    void connectToARelayAndTrustItsCertificateWithTheKeyboardAlone(FxRobot robot) {
        shortcut(robot, KeyCode.O);
        focused(robot, () -> window.view().connectDialog() == null ? null : window.view().connectDialog().stage());

        // Focus starts in the address; Tab to the token; Enter is Connect.
        robot.write("https://relay.example.test:8443");
        robot.type(KeyCode.TAB);
        robot.write("a-supervisor-token");
        robot.type(KeyCode.ENTER);

        ConnectDialog connect = window.view().connectDialog();
        focused(robot, () -> connect.trustPrompt() == null ? null : connect.trustPrompt().getDialogPane().getScene().getWindow());
        // Trusting is deliberate: Alt+T (Enter would decline, like Esc).
        mnemonic(robot, KeyCode.T);

        await().until(() -> DialogFixtures.window("Connect to relay") == null);
        assertThat(attempts).containsExactly(new DialogFixtures.Attempt(URI.create("https://relay.example.test:8443"),
                DialogFixtures.FINGERPRINT, "a-supervisor-token"));
        assertThat(settings.pinnedFingerprint("https://relay.example.test:8443")).isEqualTo(DialogFixtures.FINGERPRINT);
        await().until(() -> Window.getWindows().stream().anyMatch(w -> w instanceof Stage s && s.getTitle() != null
                && s.getTitle().contains("relay.example.test:8443")));
    }

    @Test
    void enterOnTheCertificateQuestionDeclinesAndEscClosesConnect(FxRobot robot) {
        shortcut(robot, KeyCode.O);
        Stage dialog = focused(robot, () -> window.view().connectDialog() == null ? null : window.view().connectDialog().stage());
        robot.write("https://relay.example.test:8443");
        robot.type(KeyCode.TAB);
        robot.write("a-supervisor-token");
        robot.type(KeyCode.ENTER);
        ConnectDialog connect = window.view().connectDialog();
        focused(robot, () -> connect.trustPrompt() == null ? null : connect.trustPrompt().getDialogPane().getScene().getWindow());

        robot.type(KeyCode.ENTER);

        await().until(() -> connect.trustPrompt() == null);
        assertThat(attempts).isEmpty();
        assertThat(settings.pinnedFingerprint("https://relay.example.test:8443")).isNull();
        focused(robot, () -> dialog);
        robot.type(KeyCode.ESCAPE);
        await().until(() -> !dialog.isShowing());
    }

    @Test
    void callANumberWithTheKeyboardAlone(FxRobot robot) {
        twilio.reply("POST", TwilioResponses.callsPath(DialogFixtures.ACCOUNT), 201, TwilioResponses.queuedCall(
                DialogFixtures.ACCOUNT, "CA99999999999999999999999999999999", DialogFixtures.NUMBER, "+15550109876"));
        shortcut(robot, KeyCode.SHIFT, KeyCode.N);
        OutboundCallView dialog = window.view().outboundCall();
        Stage stage = focused(robot, () -> dialog == null ? null : dialog.root().getScene().getWindow());
        await().atMost(Duration.ofSeconds(20)).until(() -> ((ChoiceBox<?>) dialog.root().lookup("#fromChoice")).getValue() != null);

        // Alt+T: the To field; Enter: Call.
        mnemonic(robot, KeyCode.T);
        robot.write("+15550109876");
        robot.type(KeyCode.ENTER);

        await().atMost(Duration.ofSeconds(20)).until(() -> dialog.callMessage().getText().startsWith("Twilio is calling"));
        FakeTwilioApi.Received create = twilio.received().stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
        assertThat(create.formValue("To")).isEqualTo("+15550109876");
        assertThat(create.formValue("From")).isEqualTo(DialogFixtures.NUMBER);
        robot.type(KeyCode.ESCAPE);
        await().until(() -> !stage.isShowing());
    }

    @Test
    void replayAndCompareTwoRunsWithTheKeyboardAlone(FxRobot robot) {
        shortcut(robot, KeyCode.H);
        focused(robot, () -> window.view().historyStage());
        HistoryView history = window.view().history();
        await().atMost(Duration.ofSeconds(20)).until(() -> history.callTable().getItems().size() == 3);
        // Into the call table and onto its first call, then Alt+R: Replay….
        robot.interact(() -> history.callTable().requestFocus());
        robot.type(KeyCode.DOWN);
        await().until(() -> history.callTable().getSelectionModel().getSelectedItem() != null);
        mnemonic(robot, KeyCode.R);
        focused(robot, () -> history.replayStage());
        ReplayView replay = history.replay();

        mnemonic(robot, KeyCode.P);
        robot.write("Answer briefly; no long goodbyes.");
        mnemonic(robot, KeyCode.D);
        robot.write("candidate-model");
        mnemonic(robot, KeyCode.B);
        robot.write(model.baseUrl());
        mnemonic(robot, KeyCode.R);
        await().atMost(Duration.ofSeconds(60)).until(() -> replay.runList().getItems().size() == 1
                && !replay.runButton().isDisabled());
        assertThat(model.requests()).isNotEmpty();
        assertThat(model.requests().get(0).body.path("model").asText()).isEqualTo("candidate-model");

        // A second run, then Alt+M: Compare with; F4 opens the list, Down picks the other run, Enter takes it.
        mnemonic(robot, KeyCode.R);
        await().atMost(Duration.ofSeconds(60)).until(() -> replay.runList().getItems().size() == 2
                && !replay.runButton().isDisabled() && replay.viewModel().reportProperty().get() != null);
        mnemonic(robot, KeyCode.M);
        robot.type(KeyCode.F4);
        robot.type(KeyCode.DOWN);
        robot.type(KeyCode.ENTER);
        await().atMost(Duration.ofSeconds(20)).until(() -> !replay.viewModel().versus().isEmpty());
    }

    @Test
    void theCloseQuestionAnswersToEscAndItsMnemonics(FxRobot robot) {
        RecordingConnection caller = callers.connect("CA-close", "+14155550123");
        await().until(() -> recorded("CA-close", EventKind.SETUP));

        shortcut(robot, KeyCode.Q);
        Stage question = focused(robot, () -> DialogFixtures.window("Live calls"));
        robot.type(KeyCode.ESCAPE);
        await().until(() -> !question.isShowing());
        assertThat(window.stage().isShowing()).isTrue();
        assertThat(callers.registry.liveCalls()).isEqualTo(1);

        focused(robot, window::stage);
        shortcut(robot, KeyCode.Q);
        focused(robot, () -> DialogFixtures.window("Live calls"));
        mnemonic(robot, KeyCode.E);
        await().until(() -> !caller.framesOf(OutboundMessage.End.class).isEmpty());
        await().until(() -> !window.stage().isShowing());
    }

    @Test
    void pointANumberAtTheRelayWithTheKeyboardAlone(FxRobot robot) {
        String current = TwilioResponses.number(DialogFixtures.ACCOUNT, DialogFixtures.NUMBER_SID, DialogFixtures.NUMBER,
                "https://old.example.test/voice", null);
        String numberPath = TwilioResponses.numberPath(DialogFixtures.ACCOUNT, DialogFixtures.NUMBER_SID);
        twilio.reply("GET", numberPath, 200, current).reply("GET", numberPath, 200, current)
                .reply("POST", numberPath, 200, TwilioResponses.number(DialogFixtures.ACCOUNT, DialogFixtures.NUMBER_SID,
                        DialogFixtures.NUMBER, "https://calls.example.test/twiml", null));
        shortcut(robot, KeyCode.COMMA);
        focused(robot, () -> DialogFixtures.window("Switchboard settings"));
        PhoneNumbersView numbers = window.view().phoneNumbers();
        await().atMost(Duration.ofSeconds(20)).until(() -> numbers.numbersList().getItems().size() == 1);

        // Alt+N: the numbers; Home: the first; Alt+P: Point at this relay…; Enter: OK.
        mnemonic(robot, KeyCode.N);
        robot.type(KeyCode.HOME);
        await().until(() -> numbers.numbersList().getSelectionModel().getSelectedItem() != null);
        mnemonic(robot, KeyCode.P);
        focused(robot, () -> numbers.confirmation() == null ? null : numbers.confirmation().getDialogPane().getScene().getWindow());
        assertThat(twilio.received().stream().noneMatch(r -> r.method().equals("POST"))).as("nothing changed before OK").isTrue();
        robot.type(KeyCode.ENTER);

        await().atMost(Duration.ofSeconds(20)).until(() -> twilio.received().stream().anyMatch(r -> r.method().equals("POST")));
        assertThat(twilio.received().stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow()
                .formValue("VoiceUrl")).isEqualTo("https://calls.example.test/twiml");
    }
}
