package app.switchboard.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.supervisor.JettySupervisorTransport;
import app.switchboard.supervisor.SupervisorClient;
import app.switchboard.supervisor.SupervisorMessage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote console's path in a cluster: a supervisor connected to node A's {@code /console}
 * (over real TLS) sees a call whose socket is on node C and steers it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterSupervisorApiTest {

    @TempDir
    Path dir;
    private final AutoCloseable[] ownRedis = new AutoCloseable[1];
    private ClusterTestNode a;
    private ClusterTestNode c;
    private JettySupervisorTransport transport;
    private SupervisorClient console;
    private SimulatedCall caller;

    @AfterEach
    void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (caller != null) {
            caller.close();
        }
        for (ClusterTestNode node : new ClusterTestNode[] {a, c}) {
            if (node != null) {
                node.close();
            }
        }
        if (ownRedis[0] != null) {
            ownRedis[0].close();
        }
    }

    @Test
    void aSupervisorOnNodeAsApiSeesAndSteersACallOnNodeC() throws Exception {
        String redis = RedisServer.sharedOrOwn(ownRedis);
        String prefix = "test-" + UUID.randomUUID();
        a = new ClusterTestNode("node-a", dir.resolve("a"), redis, prefix, ClusterTestNode.fastTimings(), true);
        c = new ClusterTestNode("node-c", dir.resolve("c"), redis, prefix, ClusterTestNode.fastTimings());
        String token = a.accounts.add("dana");
        transport = new JettySupervisorTransport(trustAny());
        List<SupervisorMessage.ServerMessage> messages = new CopyOnWriteArrayList<>();
        console = SupervisorClient.connect(transport, a.consoleUri(), token, null, messages::add).get(10, TimeUnit.SECONDS);

        caller = c.call();
        caller.say("What are your opening hours", "en-US");
        caller.awaitTurn(0);
        // The call's events reach the console on A through Redis.
        await().atMost(Duration.ofSeconds(10)).until(() -> messages.stream()
                .filter(m -> m instanceof SupervisorMessage.Event e && e.event().callId().equals(caller.callSid()))
                .anyMatch(m -> ((SupervisorMessage.Event) m).event().as(EventPayload.TurnCompleted.class) != null));

        int mark = caller.mark();
        SupervisorMessage.Reply reply = console.say(caller.callSid(), "Hello from the supervisor desk")
                .get(10, TimeUnit.SECONDS);
        assertEquals(SupervisorMessage.Outcome.ACCEPTED, reply.outcome(), String.valueOf(reply.reason()));
        SimulatedCall.Frame frame = caller.awaitFrame(mark, f -> f.message() instanceof OutboundMessage.Text t
                && t.token().contains("supervisor desk"));
        assertTrue(frame.valid());
        // Recorded on C under the account that sent it on A, and shown back to the console on A.
        Optional<CallEvent> recorded = await().atMost(Duration.ofSeconds(10)).until(() -> messages.stream()
                .filter(m -> m instanceof SupervisorMessage.Event)
                .map(m -> ((SupervisorMessage.Event) m).event())
                .filter(e -> e.callId().equals(caller.callSid()) && e.as(EventPayload.SupervisorSay.class) != null)
                .findFirst(), Optional::isPresent);
        assertEquals("dana", recorded.orElseThrow().as(EventPayload.SupervisorSay.class).operator());
        assertTrue(c.registry.events(caller.callSid()).stream().anyMatch(e -> e.seq() == recorded.get().seq()
                && e.as(EventPayload.SupervisorSay.class) != null), "the owner recorded it with that seq");
    }

    /** The relays' certificates are self-signed for this run. */
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
