package app.switchboard.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer;
import app.switchboard.agent.FakeOpenAiServer.Reply;
import app.switchboard.agent.OpenAiChatClient;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.Webhook;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits docs/cluster.md listed for application reconnect across nodes, each against a real
 * redis-server, real TLS relays behind one public name, openai-java against the local model
 * server, and real SQLite files: a second socket while the owner's is still open (half-open) is
 * refused; a supervisor's hold goes with the call to its new owner; Twilio's action webhook
 * landing on another node is recorded on the owner.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterLimitsTest {

    @TempDir
    Path dir;
    private FakeOpenAiServer model;
    private OpenAiChatClient llm;
    private TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        model = new FakeOpenAiServer();
        llm = new OpenAiChatClient(ClusterReconnectTest.API_KEY, model.baseUrl(), "fake-model", 256);
        llm.warmUp();
        cluster = new TestCluster(dir);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
        llm.close();
        model.close();
    }

    private ClusterTestNode node(String id, Consumer<Settings> tune) throws Exception {
        return node(id, ClusterTestNode.fastTimings(), tune);
    }

    private ClusterTestNode node(String id, ClusterOptions timings, Consumer<Settings> tune) throws Exception {
        return cluster.node(id, (nodeId, nodeDir, redis, prefix) -> new ClusterTestNode(nodeId, nodeDir, redis, prefix,
                timings, false, llm, Duration.ofSeconds(30), tune));
    }

    private ClusterTestNode node(String id) throws Exception {
        return node(id, s -> { });
    }

    private SimulatedCall track(SimulatedCall call) {
        return cluster.track(call);
    }

    private static boolean has(List<CallEvent> events, EventKind kind) {
        return events.stream().anyMatch(e -> e.kind() == kind);
    }

    private static List<CallEvent> after(List<CallEvent> events, EventKind kind) {
        int at = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).kind() == kind) {
                at = i;
            }
        }
        return at < 0 ? List.of() : events.subList(at + 1, events.size());
    }

    /** The reconnect reaches node B while A still has the call's socket: B refuses it, A goes on. */
    private void assertRefusedWhileOpenOnA(SimulatedCall call, ClusterTestNode a, ClusterTestNode b) {
        SimulatedCall second = track(call.reconnectVia(URI.create(b.relay.localRelayUrl())));
        assertEquals(1008, second.awaitClosed().code(), "a second socket for a call open on node A");
        assertNull(b.registry.find(call.callSid()), "node B did not take the call");
        assertFalse(b.store.call(call.callSid()).isPresent(), "nor recorded it");
        assertTrue(call.isOpen(), "node A's socket is untouched");
        assertNotNull(a.registry.find(call.callSid()));
        assertFalse(has(a.registry.events(call.callSid()), EventKind.SESSION_CLOSED), "node A goes on: " +
                a.registry.events(call.callSid()));
        // As on one node, the call's record flags the refused session for the supervisor.
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.events(call.callSid()).stream()
                .anyMatch(e -> e.payload() instanceof EventPayload.AttentionRaised r
                        && "SESSION_REFUSED".equals(r.reason()) && r.label().contains("node-b")));
    }

    @Test
    void aReconnectIsRefusedOnAnotherNodeWhileTheOwnerStillHasTheSocketAndTakenOverOnceItClosed() throws Exception {
        ClusterTestNode a = node("node-a");
        ClusterTestNode b = node("node-b");
        model.script(r -> switch (r.index) {
            case 0 -> Reply.tokens("We are open nine to five.");
            case 1 -> Reply.tokens("Yes, on Saturdays too.");
            default -> Reply.tokens("Until noon.");
        });
        SimulatedCall call = track(a.call());
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.node.control().events(call.callSid()).size()
                == a.registry.events(call.callSid()).size());

        assertRefusedWhileOpenOnA(call, a, b);
        int mark = call.mark();
        call.say("Saturdays too", "en-US");
        assertEquals("Yes, on Saturdays too.", call.awaitTurn(mark).text(), "node A still answers on its socket");

        // Node A notices the drop (its socket closes): now the reconnect is the call's one socket.
        call.drop();
        await().atMost(Duration.ofSeconds(10)).until(() -> has(b.node.control().events(call.callSid()),
                EventKind.SESSION_CLOSED));
        SimulatedCall again = track(call.reconnectVia(URI.create(b.relay.localRelayUrl()),
                new InboundMessage.Prompt("How long on Saturdays", "en-US", true)));
        assertEquals("Until noon.", again.awaitTurn(0).text());
        assertNotNull(b.registry.find(call.callSid()), "node B holds the call now");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.find(call.callSid()) == null);
        assertTrue(b.store.flush(Duration.ofSeconds(10)));
        ClusterReconnectTest.assertGapFree(b.store.events(call.callSid()));
    }

    @Test
    void aReconnectRefusedWhileTheOwnersSocketIsHalfOpenIsTakenOverOnceItsIdleTimeoutClosedIt() throws Exception {
        // Node A's sockets close after 3 s without a frame: a half-open socket (the caller's side is
        // gone, A has not noticed) ends that way.
        ClusterTestNode a = node("node-a", s -> s.idleTimeoutSeconds = 3);
        ClusterTestNode b = node("node-b");
        model.script(r -> r.index == 0 ? Reply.tokens("We are open nine to five.") : Reply.tokens("Yes, on Saturdays too."));
        SimulatedCall call = track(a.call());
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.node.control().events(call.callSid()).size()
                == a.registry.events(call.callSid()).size());
        call.roundTrip(); // a frame just now: A's idle timer starts again

        assertRefusedWhileOpenOnA(call, a, b);

        // The old socket stays silent (half-open) until A's idle timeout closes it.
        await().atMost(Duration.ofSeconds(15)).until(() -> has(b.node.control().events(call.callSid()),
                EventKind.SESSION_CLOSED));
        SimulatedCall again = track(call.reconnectVia(URI.create(b.relay.localRelayUrl()),
                new InboundMessage.Prompt("Saturdays too", "en-US", true)));
        assertEquals("Yes, on Saturdays too.", again.awaitTurn(0).text());
        assertEquals(EventPayload.SessionReconnected.FROM_CLUSTER, b.registry.events(call.callSid()).stream()
                .filter(e -> e.kind() == EventKind.SESSION_RECONNECTED).findFirst().orElseThrow()
                .as(EventPayload.SessionReconnected.class).source());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.find(call.callSid()) == null);
    }

    @Test
    void aReconnectReachingAnotherNodeBeforeADeadOwnersHeartbeatLapsedIsTakenOverWhenTheOwnerDoesNotAnswer()
            throws Exception {
        // Heartbeats that outlive the test: node A's death is not noticed, its stream shows the session open.
        ClusterOptions slowLoss = ClusterOptions.defaults("timings").withTimings(Duration.ofMillis(100),
                Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofSeconds(3));
        ClusterTestNode a = node("node-a", slowLoss, s -> { });
        ClusterTestNode b = node("node-b", slowLoss, s -> { });
        model.script(r -> r.index == 0 ? Reply.tokens("We are open nine to five.") : Reply.tokens("Yes, on Saturdays too."));
        SimulatedCall call = track(a.call());
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.node.control().events(call.callSid()).size()
                == a.registry.events(call.callSid()).size());

        a.kill();
        call.awaitClosed();
        assertTrue(b.node.status().lostNodes().isEmpty(), "node A's heartbeat has not lapsed");
        // Node A cannot say whether its socket is open: after the command timeout B goes on with the call.
        SimulatedCall again = track(call.reconnectVia(URI.create(b.relay.localRelayUrl()),
                new InboundMessage.Prompt("Saturdays too", "en-US", true)));
        assertEquals("Yes, on Saturdays too.", again.awaitTurn(0).text());
        assertNotNull(b.registry.find(call.callSid()));
        assertTrue(b.node.status().lostNodes().isEmpty(), "taken over before the loss was noticed");
    }

    @Test
    void aCallASupervisorHeldStaysHeldByThemOnTheNodeItMovedTo() throws Exception {
        ClusterTestNode a = node("node-a");
        ClusterTestNode b = node("node-b");
        model.script(r -> r.index == 0 ? Reply.tokens("We are open nine to five.") : Reply.tokens("A drafted answer."));
        SimulatedCall call = track(a.call());
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.node.view().call(call.callSid()) != null);

        ClusterCallControl erin = (ClusterCallControl) b.node.control().operatedBy("erin");
        CommandOutcome took = erin.send(call.callSid(), new ClusterCommand.TakeOver()).get(10, TimeUnit.SECONDS);
        assertTrue(took.accepted(), took.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> has(a.registry.events(call.callSid()),
                EventKind.SUPERVISOR_TAKEOVER));

        call.drop();
        await().atMost(Duration.ofSeconds(10)).until(() -> has(b.node.control().events(call.callSid()),
                EventKind.SESSION_CLOSED));
        SimulatedCall again = track(call.reconnectVia(URI.create(b.relay.localRelayUrl()),
                new InboundMessage.Prompt("Hello, anyone there", "en-US", true)));

        // The hold went on on node B before the replayed prompt reached the agent: it only drafts.
        await().atMost(Duration.ofSeconds(10)).until(() -> has(b.registry.events(call.callSid()), EventKind.DRAFT_READY));
        List<CallEvent> sinceReconnect = after(b.registry.events(call.callSid()), EventKind.SESSION_RECONNECTED);
        EventPayload.SupervisorTakeover carried = sinceReconnect.stream()
                .filter(e -> e.payload() instanceof EventPayload.SupervisorTakeover).findFirst().orElseThrow()
                .as(EventPayload.SupervisorTakeover.class);
        assertEquals("erin", carried.operator(), "the transcript says who holds the call after the reconnect");
        assertFalse(has(sinceReconnect, EventKind.AGENT_TOKEN), "the agent did not answer the caller");
        again.roundTrip();
        assertTrue(again.received().stream().noneMatch(SimulatedCall.Frame::isText), "nothing was spoken to the caller");
        CallSummary onB = b.registry.calls().stream().filter(s -> s.callId().equals(call.callSid())).findFirst()
                .orElseThrow();
        assertEquals(CallState.SUPERVISOR, onB.state());
        assertEquals("erin", onB.heldBy());

        // The lease is erin's still: another supervisor is refused; erin's release reaches node B.
        CommandOutcome other = ((ClusterCallControl) a.node.control().operatedBy("frank"))
                .send(call.callSid(), new ClusterCommand.TakeOver()).get(10, TimeUnit.SECONDS);
        assertFalse(other.accepted());
        assertEquals("held by erin@node-b", other.detail());
        CommandOutcome released = erin.send(call.callSid(), new ClusterCommand.Release()).get(10, TimeUnit.SECONDS);
        assertEquals("node-b", released.detail(), released.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> has(after(b.registry.events(call.callSid()),
                EventKind.SESSION_RECONNECTED), EventKind.SUPERVISOR_RELEASE));
    }

    @Test
    void theActionWebhookOfAnotherNodesCallIsRecordedOnTheOwner() throws Exception {
        ClusterTestNode a = node("node-a");
        ClusterTestNode b = node("node-b");
        model.script(r -> Reply.tokens("We are open nine to five."));
        // The load balancer sends the caller's socket to node A and Twilio's action webhook to node B.
        SimulatedCall call = track(SimulatedCall.builder(a.client, URI.create(a.relay.localRelayUrl()))
                .signedUrl(a.relay.relayUrl()).authToken(ClusterTestNode.TOKEN)
                .action(URI.create(b.relay.localBaseUrl() + "/action"), b.relay.actionUrl())
                .voiceWebhook(URI.create(a.relay.localBaseUrl() + "/twiml"), a.relay.twimlUrl())
                .timeout(Duration.ofSeconds(20)).build().open());
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.node.view().call(call.callSid()) != null);

        call.hangUp();
        Webhook.Result answer = call.awaitAction();
        assertEquals(200, answer.status());

        // Recorded where the call is, with the form Twilio posted, and the call ends there on it.
        await().atMost(Duration.ofSeconds(10)).until(() -> has(a.registry.events(call.callSid()), EventKind.CALL_ENDED));
        List<CallEvent> onA = a.registry.events(call.callSid());
        EventPayload.ActionCallback action = onA.stream().filter(e -> e.kind() == EventKind.ACTION_CALLBACK).findFirst()
                .orElseThrow().as(EventPayload.ActionCallback.class);
        assertEquals("completed", action.form().get("SessionStatus"));
        assertEquals(call.callSid(), action.form().get("CallSid"));
        assertEquals("completed", onA.stream().filter(e -> e.kind() == EventKind.CALL_ENDED).findFirst().orElseThrow()
                .as(EventPayload.CallEnded.class).reason(), "ended by the webhook, not by the grace timer");
        assertTrue(a.store.flush(Duration.ofSeconds(10)));
        assertTrue(has(a.store.events(call.callSid()), EventKind.ACTION_CALLBACK), "in the owner's record");
        assertFalse(b.store.call(call.callSid()).isPresent(), "node B recorded nothing of a call it never held");
        await().atMost(Duration.ofSeconds(10)).until(() -> has(b.node.control().events(call.callSid()),
                EventKind.ACTION_CALLBACK));
    }
}
