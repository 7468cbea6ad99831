package app.switchboard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.supervisor.ConsoleUpgrade;
import app.switchboard.supervisor.JettySupervisorTransport;
import app.switchboard.supervisor.SupervisorAccounts;
import app.switchboard.supervisor.SupervisorClient;
import app.switchboard.supervisor.SupervisorHub;
import app.switchboard.supervisor.SupervisorMessage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Two supervisors on one floor: the embedded console (TestFX, headless) and a remote one
 * through the supervisor API, on a real relay over TLS with a simulated caller. The call list
 * shows who holds the call, and a take-over by one is refused to the other, both ways.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SeveralSupervisorsFxTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private Path dataDir;
    private OfflineResponder responder;
    private CallRegistry registry;
    private RelayServer relay;
    private SupervisorHub hub;
    private SimClient callers;
    private JettySupervisorTransport transport;
    private SupervisorClient alice;
    private final List<SupervisorMessage.ServerMessage> aliceSaw = new CopyOnWriteArrayList<>();
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        dataDir = Files.createTempDirectory("switchboard-fx-supervisors");
        Settings settings = new Settings();
        responder = new OfflineResponder(25);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        registry.embeddedOperator(() -> "Dana");
        SupervisorAccounts accounts = SupervisorAccounts.in(dataDir.resolve("data"));
        String token = accounts.add("alice");
        hub = new SupervisorHub(registry, accounts, "test-relay", SupervisorHub.Limits.DEFAULT);
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, null,
                new RelayConfig.TlsSource.SelfSigned(dataDir.resolve("tls")), TOKEN, settings), registry);
        relay.addWebSocket(ConsoleUpgrade.PATH, new ConsoleUpgrade(hub));
        relay.start();
        callers = SimClient.pinned(relay.fingerprint());
        transport = new JettySupervisorTransport(trustAny());
        alice = SupervisorClient.connect(transport,
                URI.create(relay.localBaseUrl().replace("https://", "wss://") + ConsoleUpgrade.PATH), token, null,
                aliceSaw::add).get(10, TimeUnit.SECONDS);
        window = ConsoleWindow.show(stage, new ConsoleContext(registry, settings, AppDirectories.under(dataDir),
                Secrets.from(Map.of("TWILIO_AUTH_TOKEN", TOKEN)), "test", this::shutDown));
        stage.requestFocus();
    }

    private void shutDown() {
        try {
            alice.close();
            transport.close();
            callers.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        hub.close();
        relay.close();
        registry.close();
        responder.close();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(window::close);
    }

    private SimulatedCall callIn() {
        SimulatedCall call = SimulatedCall.builder(callers, URI.create(relay.localRelayUrl()))
                .signedUrl(relay.relayUrl())
                .authToken(TOKEN)
                .action(URI.create(relay.localBaseUrl() + "/action"), relay.actionUrl())
                .voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(20))
                .from("+14155550123")
                .build()
                .open();
        await().atMost(Duration.ofSeconds(20)).until(() -> registry.events(call.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.SETUP));
        return call;
    }

    private String heldBy(String callId) {
        return registry.calls().stream().filter(c -> c.callId().equals(callId)).map(CallSummary::heldBy)
                .findFirst().orElse(null);
    }

    private List<String> takeOvers(String callId) {
        return registry.events(callId).stream().map(e -> e.as(EventPayload.SupervisorTakeover.class))
                .filter(t -> t != null).map(EventPayload.SupervisorTakeover::operator).toList();
    }

    @Test
    void aRemoteHoldShowsInTheCallListAndTheEmbeddedTakeOverDoesNotTakeIt(FxRobot robot) throws Exception {
        SimulatedCall caller = callIn();
        String id = caller.callSid();
        assertEquals(true, alice.takeOver(id).get(10, TimeUnit.SECONDS).isAccepted());
        await().until(() -> robot.lookup("alice holds").tryQuery().isPresent());

        // The embedded console's button shows the call as held; pressing it does not hand it back.
        robot.clickOn("#takeOverButton");
        alice.whisper(id, "marker").get(10, TimeUnit.SECONDS);
        await().until(() -> registry.events(id).stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_WHISPER));
        assertEquals("alice", heldBy(id));
        assertEquals(List.of("alice"), takeOvers(id));
        assertEquals(0, registry.events(id).stream().filter(e -> e.kind() == EventKind.SUPERVISOR_RELEASE).count());
        caller.hangUp().join();
    }

    @Test
    void anEmbeddedHoldIsRefusedToTheRemoteSupervisorWithTheDisplayName(FxRobot robot) throws Exception {
        SimulatedCall caller = callIn();
        String id = caller.callSid();
        await().until(() -> robot.lookup("#takeOverButton").tryQuery().isPresent());
        robot.clickOn("#takeOverButton");
        await().until(() -> "Dana".equals(heldBy(id)));
        await().until(() -> robot.lookup("Dana holds").tryQuery().isPresent());

        SupervisorMessage.Reply refused = alice.takeOver(id).get(10, TimeUnit.SECONDS);
        assertEquals("held by Dana", refused.reason());
        await().until(() -> aliceSaw.stream().anyMatch(m -> m instanceof SupervisorMessage.Presence p
                && p.holds().contains(new SupervisorMessage.Hold(id, "Dana"))));
        await().until(() -> takeOvers(id).equals(List.of("Dana")));
        caller.hangUp().join();
    }

    private static SSLContext trustAny() throws Exception {
        TrustManager any = new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {any}, new SecureRandom());
        return tls;
    }
}
