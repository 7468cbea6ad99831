package app.switchboard.console.account;

import static app.switchboard.account.TwilioResponses.callsPath;
import static app.switchboard.account.TwilioResponses.error;
import static app.switchboard.account.TwilioResponses.number;
import static app.switchboard.account.TwilioResponses.numberPath;
import static app.switchboard.account.TwilioResponses.numbersPage;
import static app.switchboard.account.TwilioResponses.numbersPath;
import static app.switchboard.account.TwilioResponses.queuedCall;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.account.AccountAccess;
import app.switchboard.account.FakeTwilioApi;
import app.switchboard.account.PreviousWebhooks;
import app.switchboard.account.TwilioAccount;
import app.switchboard.account.TwilioCredentials;
import app.switchboard.call.CallAgent;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.console.ConsoleContext;
import app.switchboard.console.ConsoleWindow;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.relay.TwilioSignatures;
import app.switchboard.sim.TwilioSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The account side from the console, end to end: the twilio SDK against a local fake of
 * Twilio's REST API, a real relay over TLS receiving the signed status callback, and the
 * supervisor clicking the real buttons (headless, Monocle).
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(60)
class TwilioAccountFxTest {

    private static final String TOKEN = "fx-test-token-3b8e1f0c";
    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String PN1 = "PN11111111111111111111111111111111";
    private static final String CALL = "CA99999999999999999999999999999999";
    private static final String OLD = "https://old.example.test/voice";

    private Path dataDir;
    private CallRegistry registry;
    private RelayServer relay;
    private FakeTwilioApi twilio;
    private HttpClient http;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        dataDir = Files.createTempDirectory("switchboard-twilio-fx");
        Settings settings = new Settings();
        registry = new CallRegistry(CallAgent.silent(), settings.languageCodes(), "en-US");
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, "https://calls.example.test",
                new RelayConfig.TlsSource.SelfSigned(dataDir.resolve("data")), TOKEN, settings), registry);
        relay.start();
        twilio = new FakeTwilioApi();
        http = new HttpClient();
        http.setSslContextFactory(new SslContextFactory.Client(true));
        http.start();
        TwilioAccount account = new TwilioAccount(
                TwilioAccount.client(new TwilioCredentials(ACCOUNT, ACCOUNT, TOKEN), twilio.httpClient()),
                new TwilioAccount.RelayUrls(relay.twimlUrl(), relay.statusUrl()),
                PreviousWebhooks.in(dataDir.resolve("data")), registry.outbound());
        twilio.reply("GET", numbersPath(ACCOUNT), 200, numbersPage(ACCOUNT, 0, null,
                number(ACCOUNT, PN1, "+15550100001", OLD, null)));
        window = ConsoleWindow.show(stage, new ConsoleContext(registry, settings, AppDirectories.under(dataDir),
                Secrets.from(Map.of("TWILIO_AUTH_TOKEN", TOKEN)), "test", this::shutDown)
                .withAccount(new AccountAccess.Ready(account)));
        stage.requestFocus();
    }

    private void shutDown() {
        try {
            http.stop();
            twilio.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        relay.close();
        registry.close();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(window::close);
    }

    @Test
    void callANumberThenSeeTwilioReportItBusy(FxRobot robot) throws Exception {
        twilio.reply("POST", callsPath(ACCOUNT), 201, queuedCall(ACCOUNT, CALL, "+15550100001", "+15550109876"));
        robot.interact(() -> window.view().openOutboundCall());
        OutboundCallView dialog = window.view().outboundCall();
        await().atMost(Duration.ofSeconds(20)).until(() -> robot.lookup(".outbound-call .choice-box")
                .queryAs(javafx.scene.control.ChoiceBox.class).getValue() != null);

        robot.clickOn(dialog.toField()).write("+15550109876");
        robot.clickOn(dialog.callButton());

        await().atMost(Duration.ofSeconds(20)).until(() -> dialog.callMessage().getText().startsWith("Twilio is calling"));
        FakeTwilioApi.Received create = twilio.received().stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
        assertEquals("+15550109876", create.formValue("To"));
        assertEquals("+15550100001", create.formValue("From"));
        assertEquals("https://calls.example.test/twiml", create.formValue("Url"));
        assertEquals("https://calls.example.test/status", create.formValue("StatusCallback"));

        Map<String, String> busy = Map.of("CallSid", CALL, "CallStatus", "busy", "From", "+15550100001",
                "To", "+15550109876", "SequenceNumber", "2");
        Fields fields = new Fields();
        busy.forEach(fields::put);
        assertEquals(204, http.newRequest(relay.localBaseUrl() + "/status").method(HttpMethod.POST)
                .headers(h -> h.put(TwilioSignatures.HEADER, TwilioSignature.sign(TOKEN, relay.statusUrl(), busy)))
                .body(new FormRequestContent(fields)).send().getStatus());

        ListView<?> attempts = robot.lookup(".attempts-list").queryAs(ListView.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> robot.lookup(".attempts-list .list-cell").queryAllAs(
                javafx.scene.control.ListCell.class).stream()
                .anyMatch(c -> c.getText() != null && c.getText().contains("+15550109876") && c.getText().endsWith("busy")));
        assertEquals(1, attempts.getItems().size());
        // The main window's call list shows it too, below the calls.
        await().atMost(Duration.ofSeconds(20)).until(() -> robot.lookup(".outbound-list .list-cell").queryAllAs(
                javafx.scene.control.ListCell.class).stream()
                .anyMatch(c -> c.getText() != null && c.getText().equals("+15550109876  \u2014  busy")));
    }

    @Test
    void anInvalidNumberIsExplainedInTheDialog(FxRobot robot) {
        twilio.reply("POST", callsPath(ACCOUNT), 400,
                error(21211, "The 'To' number 5551234567 is not a valid phone number.", 400));
        robot.interact(() -> window.view().openOutboundCall());
        OutboundCallView dialog = window.view().outboundCall();
        await().atMost(Duration.ofSeconds(20)).until(() -> robot.lookup(".outbound-call .choice-box")
                .queryAs(javafx.scene.control.ChoiceBox.class).getValue() != null);
        robot.clickOn(dialog.toField()).write("5551234567");
        robot.clickOn(dialog.callButton());
        await().atMost(Duration.ofSeconds(20)).until(() -> dialog.callMessage().getText().contains("21211"));
        assertTrue(dialog.callMessage().getText().contains("international form"), dialog.callMessage().getText());
    }

    @Test
    void pointANumberAtTheRelayAfterConfirmingItsCurrentWebhook(FxRobot robot) {
        String current = number(ACCOUNT, PN1, "+15550100001", OLD, null);
        // Read once for the confirmation, once more when applying (what is kept for Restore is what Twilio has then).
        twilio.reply("GET", numberPath(ACCOUNT, PN1), 200, current)
                .reply("GET", numberPath(ACCOUNT, PN1), 200, current)
                .reply("POST", numberPath(ACCOUNT, PN1), 200,
                        number(ACCOUNT, PN1, "+15550100001", "https://calls.example.test/twiml", null));
        robot.interact(() -> window.view().openSettings());
        PhoneNumbersView numbers = window.view().phoneNumbers();
        await().atMost(Duration.ofSeconds(20)).until(() -> numbers.numbersList().getItems().size() == 1);
        robot.interact(() -> numbers.numbersList().getSelectionModel().select(0));

        // The section sits at the end of the settings dialog's scrolling body.
        robot.interact(() -> robot.lookup(".settings-scroll").queryAs(javafx.scene.control.ScrollPane.class).setVvalue(1));
        robot.clickOn(numbers.pointButton());
        await().atMost(Duration.ofSeconds(20)).until(() -> numbers.confirmation() != null);
        Alert confirm = numbers.confirmation();
        assertTrue(confirm.getContentText().contains("POST " + OLD), confirm.getContentText());
        assertTrue(confirm.getContentText().contains("POST https://calls.example.test/twiml"), confirm.getContentText());
        assertTrue(twilio.received().stream().noneMatch(r -> r.method().equals("POST")), "nothing changed before OK");

        // Fired rather than clicked: under Monocle a second window does not reliably take the robot's click.
        javafx.scene.control.Button ok = (javafx.scene.control.Button) confirm.getDialogPane().lookupButton(ButtonType.OK);
        robot.interact(ok::fire);
        await().atMost(Duration.ofSeconds(20)).until(() -> twilio.received().stream().anyMatch(r -> r.method().equals("POST")));
        FakeTwilioApi.Received update = twilio.received().stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
        assertEquals("https://calls.example.test/twiml", update.formValue("VoiceUrl"));
        await().atMost(Duration.ofSeconds(20)).until(() -> numbers.numbersList().getItems().get(0).voice()
                .pointsAt("https://calls.example.test/twiml"));
        // The old webhook can be put back.
        await().atMost(Duration.ofSeconds(20)).until(() -> !numbers.restoreButton().isDisabled());
        assertEquals(1, numbers.numbersList().getSelectionModel().getSelectedIndices().size());
    }
}
