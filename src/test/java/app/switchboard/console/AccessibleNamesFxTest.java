package app.switchboard.console;

import app.switchboard.console.shared.Appearance;
import app.switchboard.console.history.HistoryView;
import app.switchboard.console.history.ReplayView;
import app.switchboard.console.account.OutboundCallView;
import app.switchboard.console.account.PhoneNumbersView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.EventKind;
import app.switchboard.account.AccountAccess;
import app.switchboard.account.FakeTwilioApi;
import app.switchboard.account.TwilioResponses;
import app.switchboard.call.AlertRule;
import app.switchboard.call.ConnectionState;
import java.time.Duration;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.layout.Pane;
import javafx.scene.layout.VBox;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * its own text (a button's label) or an accessibleText. The other windows and dialogs (Replay,
 * Call a number, Connect to relay and its certificate questions, the phone numbers and their
 * confirmation, the alert banner, the close question, Help) are walked whole: every control in
 * them is named, or labelled by a label ({@link DialogFixtures#unnamedControls}). Each wears the
 * console's icon, theme and text size.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessibleNamesFxTest {

    private Path root;
    private RecordedCalls recorded;
    private ConsoleWindow window;
    private FakeTwilioApi twilio;
    private final List<DialogFixtures.Attempt> attempts = DialogFixtures.attempts();
    /** What a connection opened from Connect turns out to be. */
    private volatile ConnectionState outcome;

    @Start
    void start(Stage stage) throws Exception {
        root = Files.createTempDirectory("switchboard-a11y");
        recorded = new RecordedCalls(root.resolve("data"));
        recorded.record("CA101", "+15550001111", "what is my bill");
        recorded.flushed();
        recorded.callers.registry.alertRules(List.of(new AlertRule("person", AlertRule.Kind.PHRASE,
                AlertRule.Severity.CRITICAL, true, 0, List.of("manager"))));
        twilio = new FakeTwilioApi();
        outcome = DialogFixtures.connected("relay.example.test:8443");
        window = ConsoleWindow.show(stage, new ConsoleContext(recorded.callers.registry, new Settings(),
                AppDirectories.under(root), null, "test", null).withHistory(recorded.history())
                .withAccount(new AccountAccess.Ready(DialogFixtures.account(twilio, recorded.callers.registry,
                        root.resolve("data"), 3)))
                .withConnector(DialogFixtures.connector(recorded.callers.registry, () -> outcome, attempts)));
        stage.requestFocus();
    }

    @AfterEach
    void tearDown(FxRobot robot) throws Exception {
        robot.interact(() -> {
            for (Window w : List.copyOf(Window.getWindows())) {
                if (w instanceof Stage s && s != window.stage()) {
                    s.close();
                }
            }
            window.close();
        });
        twilio.close();
        recorded.close();
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

        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(window.stage().getScene().getRoot())).isEmpty());
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

        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(window.view().historyStage().getScene().getRoot())).isEmpty());
    }

    @Test
    void everyControlOfSettingsHasAName(FxRobot robot) {
        robot.interact(() -> window.view().openSettings());
        await().until(() -> settingsWindow() != null);

        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(settingsWindow().getScene().getRoot())).isEmpty());
    }

    private static Window settingsWindow() {
        return Window.getWindows().stream().filter(w -> w instanceof Stage s && "Switchboard settings".equals(s.getTitle()))
                .findFirst().orElse(null);
    }

    // ---- the other windows and dialogs, walked whole ----

    private static Parent rootOf(Window w) {
        return w.getScene().getRoot();
    }

    /** The showing dialog whose header says {@code header}. */
    private static Window dialogHeaded(String header) {
        return Window.getWindows().stream().filter(w -> w.isShowing() && w.getScene() != null
                        && w.getScene().getRoot().lookup(".dialog-pane") instanceof DialogPane pane
                        && header.equals(pane.getHeaderText()))
                .findFirst().orElse(null);
    }

    private ReplayView openReplay(FxRobot robot) {
        robot.interact(() -> window.view().openHistory());
        await().until(() -> window.view().history() != null
                && !window.view().history().callTable().getItems().isEmpty());
        HistoryView history = window.view().history();
        robot.interact(() -> {
            history.callTable().getSelectionModel().select(0);
            history.openReplay();
        });
        await().until(() -> history.replay() != null);
        return history.replay();
    }

    private OutboundCallView openOutboundCall(FxRobot robot) {
        robot.interact(() -> window.view().openOutboundCall());
        OutboundCallView view = window.view().outboundCall();
        await().atMost(Duration.ofSeconds(20)).until(() -> view.root().lookup("#fromChoice") instanceof ChoiceBox<?> from
                && from.getValue() != null);
        return view;
    }

    /** Connect filled in and confirmed; returns once the certificate question is up. */
    private ConnectDialog askToTrust(FxRobot robot) {
        robot.interact(() -> window.view().openConnect());
        ConnectDialog connect = window.view().connectDialog();
        robot.interact(() -> {
            Parent form = connect.stage().getScene().getRoot();
            ((ComboBox<?>) form.lookup("#relayUrlField")).getEditor().setText("https://relay.example.test:8443");
            ((TextInputControl) form.lookup("#relayTokenField")).setText("a-supervisor-token");
            ((Button) form.lookup("#connectButton")).fire();
        });
        await().until(() -> connect.trustPrompt() != null && connect.trustPrompt().isShowing());
        return connect;
    }

    private PhoneNumbersView openPhoneNumbers(FxRobot robot) {
        robot.interact(() -> window.view().openSettings());
        PhoneNumbersView numbers = window.view().phoneNumbers();
        await().atMost(Duration.ofSeconds(20)).until(() -> numbers.numbersList().getItems().size() == 1);
        return numbers;
    }

    private void askToCloseWithALiveCall(FxRobot robot) {
        recorded.callers.connect("CA-open", "+14155550123");
        await().until(() -> recorded.callers.registry.events("CA-open").stream().anyMatch(e -> e.kind() == EventKind.SETUP));
        robot.interact(window::requestClose);
        await().until(() -> dialogHeaded("1 call is live.") != null);
    }

    @Test
    void theWalkFindsAPlantedUnnamedControlAndAcceptsALabelledOne(FxRobot robot) {
        robot.interact(() -> window.view().openConnect());
        Parent form = window.view().connectDialog().stage().getScene().getRoot();
        robot.interact(() -> {
            TextField labelled = new TextField();
            Label label = new Label("Planted, labelled");
            label.setLabelFor(labelled);
            TextField planted = new TextField();
            planted.setId("planted");
            ((Pane) form).getChildren().addAll(label, labelled, new ScrollPane(new VBox(planted)));
        });

        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(form)).containsExactly("ScrollPane", "TextField#planted"));
    }

    @Test
    void everyControlOfTheReplayWindowHasAName(FxRobot robot) {
        ReplayView replay = openReplay(robot);

        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(replay.root())).isEmpty());
    }

    @Test
    void everyControlOfCallANumberHasAName(FxRobot robot) {
        OutboundCallView outbound = openOutboundCall(robot);

        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(outbound.root())).isEmpty());
    }

    @Test
    void everyControlOfConnectAndOfItsCertificateQuestionsHasAName(FxRobot robot) {
        outcome = DialogFixtures.certificateRefused("relay.example.test:8443");
        ConnectDialog connect = askToTrust(robot);
        robot.interact(() -> {
            assertThat(DialogFixtures.unnamedControls(connect.stage().getScene().getRoot())).isEmpty();
            assertThat(DialogFixtures.unnamedControls(connect.trustPrompt().getDialogPane())).isEmpty();
            ((Button) connect.trustPrompt().getDialogPane().lookupButton(ConnectDialog.TRUST)).fire();
        });

        await().until(() -> DialogFixtures.window("Certificate changed") != null);
        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(rootOf(DialogFixtures.window("Certificate changed"))))
                .isEmpty());
    }

    @Test
    void everyControlOfThePhoneNumbersAndTheirConfirmationHasAName(FxRobot robot) {
        twilio.reply("GET", TwilioResponses.numberPath(DialogFixtures.ACCOUNT, DialogFixtures.NUMBER_SID), 200,
                TwilioResponses.number(DialogFixtures.ACCOUNT, DialogFixtures.NUMBER_SID, DialogFixtures.NUMBER,
                        "https://old.example.test/voice", null));
        PhoneNumbersView numbers = openPhoneNumbers(robot);
        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(numbers.root())).isEmpty());

        robot.interact(() -> {
            numbers.numbersList().getSelectionModel().select(0);
            numbers.pointButton().fire();
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> numbers.confirmation() != null);
        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(numbers.confirmation().getDialogPane())).isEmpty());
    }

    @Test
    void everyControlOfTheAlertBannerHasAName(FxRobot robot) {
        recorded.callers.connect("CA-alert", "+14155550188");
        recorded.callers.send("CA-alert", new app.switchboard.protocol.InboundMessage.Prompt(
                "let me speak to your manager", "en-US", true));
        await().until(() -> !window.view().alerts().rows().getChildren().isEmpty());

        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(window.view().alerts().root())).isEmpty());
    }

    @Test
    void everyControlOfTheCloseQuestionAndOfHelpHasAName(FxRobot robot) {
        askToCloseWithALiveCall(robot);
        robot.interact(() -> assertThat(DialogFixtures.unnamedControls(rootOf(dialogHeaded("1 call is live.")))).isEmpty());

        robot.interact(() -> {
            window.view().showAbout();
            window.view().showShortcuts();
        });
        await().until(() -> dialogHeaded("Keyboard shortcuts") != null);
        robot.interact(() -> {
            assertThat(DialogFixtures.unnamedControls(window.view().about().getDialogPane())).isEmpty();
            assertThat(DialogFixtures.unnamedControls(rootOf(dialogHeaded("Keyboard shortcuts")))).isEmpty();
        });
    }

    // ---- the console's look on each of them ----

    private static final String DARK = Appearance.class.getResource(Appearance.DARK_THEME).toExternalForm();

    private static void assertWearsTheConsolesLook(Window w, boolean dark, String fontSize) {
        String what = w instanceof Stage s ? s.getTitle() : w.toString();
        assertThat(((Stage) w).getIcons()).as("icons of %s", what).hasSize(app.switchboard.console.shared.AppIcons.ICON_SIZES.size());
        if (dark) {
            assertThat(w.getScene().getStylesheets()).as("theme of %s", what).contains(DARK);
        } else {
            assertThat(w.getScene().getStylesheets()).as("theme of %s", what).doesNotContain(DARK);
        }
        assertThat(w.getScene().getRoot().getStyle()).as("text size of %s", what).contains("-fx-font-size: " + fontSize);
    }

    @Test
    void everyWindowAndDialogWearsTheIconThemeAndTextSizeAndFollowsAChange(FxRobot robot) {
        twilio.reply("GET", TwilioResponses.numberPath(DialogFixtures.ACCOUNT, DialogFixtures.NUMBER_SID), 200,
                TwilioResponses.number(DialogFixtures.ACCOUNT, DialogFixtures.NUMBER_SID, DialogFixtures.NUMBER,
                        "https://old.example.test/voice", null));
        robot.interact(() -> window.view().setAppearance(new Appearance(true, 130)));

        ReplayView replay = openReplay(robot);
        OutboundCallView outbound = openOutboundCall(robot);
        ConnectDialog connect = askToTrust(robot);
        PhoneNumbersView numbers = openPhoneNumbers(robot);
        robot.interact(() -> {
            numbers.numbersList().getSelectionModel().select(0);
            numbers.pointButton().fire();
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> numbers.confirmation() != null);
        robot.interact(() -> {
            window.view().showAbout();
            window.view().showShortcuts();
        });
        askToCloseWithALiveCall(robot);

        List<Window> dialogs = new ArrayList<>();
        robot.interact(() -> dialogs.addAll(List.of(replay.root().getScene().getWindow(), outbound.root().getScene().getWindow(),
                connect.stage(), connect.trustPrompt().getDialogPane().getScene().getWindow(),
                numbers.root().getScene().getWindow(), numbers.confirmation().getDialogPane().getScene().getWindow(),
                window.view().about().getDialogPane().getScene().getWindow(), dialogHeaded("Keyboard shortcuts"),
                dialogHeaded("1 call is live."))));
        robot.interact(() -> dialogs.forEach(w -> assertWearsTheConsolesLook(w, true, "16.90px")));

        // View › Dark theme off and Actual text size: every one follows, Replay (opened from History) and the
        // certificate question (opened from Connect) too.
        robot.interact(() -> window.view().setAppearance(new Appearance(false, 100)));
        robot.interact(() -> dialogs.forEach(w -> assertWearsTheConsolesLook(w, false, "13.00px")));
    }
}
