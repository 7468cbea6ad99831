package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.ConnectionState;
import app.switchboard.call.ConnectionState.Phase;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keep-alive on {@code /console}, both ways, against a real TLS relay: the relay closes a console
 * that answers no ping (a raw Jetty client whose listener overrides {@code onWebSocketPing}, which
 * turns Jetty's automatic pong off) and keeps one that answers; a remote console behind a frozen
 * TCP forwarder (a half-open connection: nothing passes, not even a close) sees the relay as gone,
 * shows it, and reconnects.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepAliveTest {

    private static final PingTiming FAST = new PingTiming(Duration.ofMillis(100), Duration.ofMillis(500));

    @TempDir
    java.nio.file.Path dir;
    private ConsoleHarness harness;
    private String alice;
    private HttpClient http;
    private WebSocketClient raw;

    @BeforeEach
    void start() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT);
        alice = harness.accounts.add("alice");
    }

    @AfterEach
    void stop() throws Exception {
        if (raw != null) {
            raw.stop();
            http.stop();
        }
        harness.close();
    }

    /** A console socket that counts the relay's pings and answers them only when told to. */
    public static final class PingCounter implements Session.Listener.AutoDemanding {
        final boolean answers;
        final AtomicInteger pings = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile Session session;

        PingCounter(boolean answers) {
            this.answers = answers;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            pings.incrementAndGet();
            if (answers) {
                session.sendPong(payload, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            callback.succeed();
            closed.countDown();
        }
    }

    private PingCounter rawConsole(boolean answers) throws Exception {
        if (raw == null) {
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setSslContext(ConsoleHarness.trustAny());
            tls.setEndpointIdentificationAlgorithm(null);
            http = new HttpClient();
            http.setSslContextFactory(tls);
            raw = new WebSocketClient(http);
            raw.start();
        }
        PingCounter console = new PingCounter(answers);
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setHeader("Authorization", "Bearer " + alice);
        raw.connect(console, harness.consoleUri(), upgrade).get(10, TimeUnit.SECONDS);
        return console;
    }

    @Test
    void theRelayClosesAConsoleThatAnswersNoPingAndKeepsOneThatDoes() throws Exception {
        harness.hub.keepAlive(FAST);
        PingCounter answering = rawConsole(true);
        PingCounter mute = rawConsole(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.hub.connections() == 2);

        assertThat(mute.closed.await(10, TimeUnit.SECONDS)).as("the mute console is closed").isTrue();
        assertThat(mute.pings.get()).as("it was pinged before it was given up").isGreaterThanOrEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.hub.connections() == 1);

        // The answering console has been pinged through more than two silence timeouts since, and stays.
        int seen = answering.pings.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> answering.pings.get() >= seen + 12);
        assertThat(answering.closed.getCount()).as("the answering console is still connected").isEqualTo(1);
        assertThat(answering.session.isOpen()).isTrue();
        assertThat(harness.hub.connections()).isEqualTo(1);
    }

    @Test
    void aConsoleBehindAHalfOpenConnectionIsReleasedByTheRelay() throws Exception {
        harness.hub.keepAlive(FAST);
        try (TcpProxy proxy = new TcpProxy(harness.relay.port())) {
            URI through = URI.create("wss://127.0.0.1:" + proxy.port() + ConsoleUpgrade.PATH);
            // The console side never gives up here, so only the relay's keep-alive can end it.
            try (JettySupervisorTransport patient = new JettySupervisorTransport(ConsoleHarness.trustAny(),
                    new PingTiming(Duration.ofMinutes(10), Duration.ofMinutes(10)));
                 SupervisorClient console = SupervisorClient.connect(patient, through, alice, null, m -> { })
                         .get(10, TimeUnit.SECONDS)) {
                console.hello().get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(5)).until(() -> harness.hub.connections() == 1);

                proxy.freezeOpen();

                await().atMost(Duration.ofSeconds(10)).until(() -> harness.hub.connections() == 0);
                assertThat(harness.hub.mostQueued()).isZero();
                assertThat(console.closed()).as("the console itself heard nothing").isNotDone();
                proxy.dropAll(); // the network comes back only as a reset: the console's side ends too
                console.closed().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aRemoteConsoleTreatsASilentRelayAsDisconnectedAndReconnects() throws Exception {
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        try (TcpProxy proxy = new TcpProxy(harness.relay.port());
             RemoteCallControl remote = RemoteCallControl.overTls(URI.create("https://127.0.0.1:" + proxy.port()),
                     harness.relay.fingerprint(), alice, RemoteCallControl.Options.defaults(List.of("en-US"))
                             .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200))).withPings(FAST))) {
            remote.subscribeConnection(states::add);
            remote.start();
            assertThat(remote.firstAttempt().get(20, TimeUnit.SECONDS).phase()).isEqualTo(Phase.CONNECTED);

            // The relay keeps its default timing (45 s): what ends this connection is the console's own ping.
            proxy.freezeOpen();

            await().atMost(Duration.ofSeconds(10)).until(() -> states.stream().anyMatch(s ->
                    s.phase() == Phase.DISCONNECTED && "the relay stopped answering pings".equals(s.problem())));
            await().atMost(Duration.ofSeconds(10)).until(() -> remote.connectionsOpened() == 2
                    && remote.connection().phase() == Phase.CONNECTED);
            assertThat(remote.connection().supervisor()).isEqualTo("alice");
        }
    }
}
