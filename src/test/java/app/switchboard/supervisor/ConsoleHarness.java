package app.switchboard.supervisor;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.sim.SimClient;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.supervisor.SupervisorMessage.ServerMessage;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real relay over TLS on a loopback port with the supervisor API mounted, as the app wires
 * it; simulated callers (signed, pinned) and consoles through the real Jetty transport.
 */
final class ConsoleHarness implements AutoCloseable {

    static final String TWILIO_TOKEN = "0123456789abcdef0123456789abcdef";

    final SupervisorAccounts accounts;
    final OfflineResponder responder;
    final CallRegistry registry;
    final SupervisorHub hub;
    final RelayServer relay;
    final SimClient callers;
    final JettySupervisorTransport transport;
    final List<CallEvent> recorded = new CopyOnWriteArrayList<>();
    /** The relay's settings, read live (listenToCalls, for one). */
    final Settings settings;

    ConsoleHarness(Path dir, SupervisorHub.Limits limits) throws Exception {
        this(dir, limits, 0);
    }

    ConsoleHarness(Path dir, SupervisorHub.Limits limits, double tokensPerSecond) throws Exception {
        this(dir, limits, tokensPerSecond, SupervisorHub.DEFAULT_HOLD_GRACE, false);
    }

    /** The store, when asked for: a real SQLite file in {@code dir}, attached before any call, served as the API's history. */
    final EventStore store;

    /** With {@code holdGrace} for holders who disconnect, and with the call history (a real SQLite store) when {@code withStore}. */
    ConsoleHarness(Path dir, SupervisorHub.Limits limits, double tokensPerSecond, Duration holdGrace,
                   boolean withStore) throws Exception {
        this(dir, limits, tokensPerSecond, holdGrace, withStore, UnaryOperator.identity());
    }

    /** With the supervisor API served from {@code served(registry)}: the registry as the hub sees it. */
    ConsoleHarness(Path dir, SupervisorHub.Limits limits, double tokensPerSecond, Duration holdGrace,
                   boolean withStore, UnaryOperator<CallControl> served) throws Exception {
        settings = new Settings();
        accounts = SupervisorAccounts.in(dir.resolve("data"));
        responder = new OfflineResponder(tokensPerSecond);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        registry.subscribe(recorded::add);
        store = withStore ? EventStore.open(dir.resolve("store")).attach(registry) : null;
        hub = new SupervisorHub(served.apply(registry), accounts, "test-relay", limits, holdGrace);
        if (store != null) {
            hub.history(new StoreCallHistory(store));
        }
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, null,
                new RelayConfig.TlsSource.SelfSigned(dir.resolve("tls")), TWILIO_TOKEN, settings), registry);
        relay.addWebSocket(ConsoleUpgrade.PATH, new ConsoleUpgrade(hub));
        relay.start();
        callers = SimClient.pinned(relay.fingerprint());
        transport = new JettySupervisorTransport(trustAny());
    }

    URI consoleUri() {
        return URI.create(relay.localBaseUrl().replace("https://", "wss://") + ConsoleUpgrade.PATH);
    }

    SimulatedCall.Builder caller() {
        return SimulatedCall.builder(callers, URI.create(relay.localRelayUrl()))
                .signedUrl(relay.relayUrl())
                .authToken(TWILIO_TOKEN)
                .action(URI.create(relay.localBaseUrl() + "/action"), relay.actionUrl())
                .voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(20));
    }

    /** A console that records every message it is given. */
    Console console(String token) throws Exception {
        return console(token, null);
    }

    Console console(String token, Map<String, Long> resumeFrom) throws Exception {
        Console c = new Console();
        c.client = SupervisorClient.connect(transport, consoleUri(), token, resumeFrom, c.messages::add)
                .get(10, TimeUnit.SECONDS);
        return c;
    }

    static final class Console implements AutoCloseable {
        final List<ServerMessage> messages = new CopyOnWriteArrayList<>();
        SupervisorClient client;

        List<CallEvent> events(String callId) {
            return messages.stream().filter(m -> m instanceof SupervisorMessage.Event)
                    .map(m -> ((SupervisorMessage.Event) m).event())
                    .filter(e -> e.callId().equals(callId)).toList();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    List<CallEvent> recorded(String callId) {
        return recorded.stream().filter(e -> e.callId().equals(callId)).toList();
    }

    /** The relay's own certificate is self-signed for this run; the pinning is the remote console's later step. */
    static SSLContext trustAny() throws Exception {
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

    @Override
    public void close() throws Exception {
        transport.close();
        callers.close();
        hub.close();
        relay.close();
        registry.close();
        responder.close();
        if (store != null) {
            store.close();
        }
    }
}
