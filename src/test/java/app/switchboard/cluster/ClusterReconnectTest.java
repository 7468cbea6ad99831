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
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.sim.SimulatedCall;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application reconnect across nodes: a call whose node died is reconnected by the simulator (as
 * Twilio does, through the load balancer) to another node, which reads the call from its stream
 * in Redis and goes on with it. Real TLS relays, a real redis-server, openai-java against the
 * local model server, real SQLite files.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterReconnectTest {

    static final String API_KEY = "sk-test-cluster-0123456789";

    @TempDir
    Path dir;
    private FakeOpenAiServer model;
    private OpenAiChatClient llm;
    private TestCluster cluster;
    private List<ClusterTestNode> nodes;

    @BeforeEach
    void start() throws Exception {
        model = new FakeOpenAiServer();
        llm = new OpenAiChatClient(API_KEY, model.baseUrl(), "fake-model", 256);
        llm.warmUp();
        cluster = new TestCluster(dir);
        nodes = cluster.nodes();
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
        llm.close();
        model.close();
    }

    /** Nodes answering through openai-java, with application reconnect waiting {@code wait}. */
    private void cluster(Duration wait, String... ids) throws Exception {
        for (String id : ids) {
            cluster.node(id, (nodeId, nodeDir, redis, prefix) -> new ClusterTestNode(nodeId, nodeDir, redis, prefix,
                    ClusterTestNode.fastTimings(), false, llm, wait));
        }
    }

    private void cluster(String... ids) throws Exception {
        cluster(Duration.ofSeconds(30), ids);
    }

    private SimulatedCall track(SimulatedCall call) {
        return cluster.track(call);
    }

    static void assertGapFree(List<CallEvent> record) {
        List<Long> seqs = record.stream().map(CallEvent::seq).toList();
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= seqs.size(); s++) {
            expected.add(s);
        }
        assertEquals(expected, seqs, "one seq, 1 to n without gaps or repeats");
    }

    static List<String> conversation(FakeOpenAiServer.Recorded request) {
        return request.messages().stream().filter(m -> !m[0].equals("system")).map(m -> m[0] + ": " + m[1]).toList();
    }

    static boolean isNodeLost(CallEvent e) {
        return e.payload() instanceof EventPayload.AttentionRaised a && Summaries.NODE_LOST.equals(a.reason());
    }

    @Test
    void aCallOfAKilledNodeReconnectedToAnotherNodeGoesOnThereWithItsHistoryAndOneSeq() throws Exception {
        cluster("node-a", "node-b", "node-c");
        ClusterTestNode a = nodes.get(0);
        ClusterTestNode b = nodes.get(1);
        ClusterTestNode c = nodes.get(2);
        model.script(r -> r.index == 0 ? Reply.tokens("We are open", " nine to five.") : Reply.tokens("Yes, on Saturdays too."));
        SimulatedCall call = track(a.call());
        call.say("When are you open", "en-US");
        assertEquals("We are open nine to five.", call.awaitTurn(0).text());
        await().atMost(Duration.ofSeconds(10)).until(() -> c.node.control().events(call.callSid()).size()
                == a.registry.events(call.callSid()).size());

        a.kill();
        call.awaitClosed();
        for (ClusterTestNode survivor : List.of(b, c)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> survivor.node.control().events(call.callSid()).stream()
                    .anyMatch(ClusterReconnectTest::isNodeLost));
        }

        // Twilio reconnects through the load balancer, which sends the socket to node B; the caller
        // spoke meanwhile, and Twilio replays it after the setup.
        SimulatedCall again = track(call.reconnectVia(URI.create(b.relay.localRelayUrl()),
                new InboundMessage.Prompt("Saturdays too", "en-US", true)));
        assertEquals("Yes, on Saturdays too.", again.awaitTurn(0).text());

        assertEquals(List.of("user: When are you open", "assistant: We are open nine to five.", "user: Saturdays too"),
                conversation(model.request(1)), "the next model request carries the conversation held on node A");
        assertNotNull(b.registry.find(call.callSid()), "node B holds the call now");
        CallEvent resumed = b.registry.events(call.callSid()).stream()
                .filter(e -> e.kind() == EventKind.SESSION_RECONNECTED).findFirst().orElseThrow();
        EventPayload.SessionReconnected r = resumed.as(EventPayload.SessionReconnected.class);
        assertEquals(EventPayload.SessionReconnected.FROM_CLUSTER, r.source());
        assertEquals(resumed.seq() - 1, r.afterSeq());

        // B's own record holds the call from its first event, A's part read from Redis, gap-free.
        assertTrue(b.store.flush(Duration.ofSeconds(10)));
        List<CallEvent> record = b.store.events(call.callSid());
        assertGapFree(record);
        assertTrue(record.stream().anyMatch(ClusterReconnectTest::isNodeLost), "the node-lost mark is part of it");
        assertNull(b.store.call(call.callSid()).orElseThrow().endedAt(), "live again in B's history");

        // Node C's console: the same call, one seq across both nodes, live again, owned by B.
        await().atMost(Duration.ofSeconds(10)).until(() -> c.node.control().events(call.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.SESSION_RECONNECTED));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.node.control().events(call.callSid()).size()
                == b.registry.events(call.callSid()).get(b.registry.events(call.callSid()).size() - 1).seq());
        assertGapFree(c.node.control().events(call.callSid()));
        CallSummary onC = c.node.control().calls().stream().filter(s -> s.callId().equals(call.callSid()))
                .findFirst().orElseThrow();
        assertNull(onC.endedAt(), "no longer marked lost on C");
        CommandOutcome outcome = c.node.control().send(call.callSid(), new ClusterCommand.Say("A supervisor here."))
                .get(10, TimeUnit.SECONDS);
        assertTrue(outcome.accepted(), outcome.toString());
        assertEquals("node-b", outcome.detail(), "the command reached the new owner");
        again.awaitFrame(0, f -> f.isText() && f.text().token().contains("A supervisor here."));
    }

    @Test
    void aReconnectLandingOnAnotherNodeWhileTheOwnerStillWaitsForItMovesTheCallThere() throws Exception {
        Duration wait = Duration.ofSeconds(3);
        cluster(wait, "node-a", "node-b");
        ClusterTestNode a = nodes.get(0);
        ClusterTestNode b = nodes.get(1);
        model.script(r -> r.index == 0 ? Reply.tokens("We are open nine to five.") : Reply.tokens("Yes, on Saturdays too."));
        SimulatedCall call = track(a.call());
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        call.drop();
        // Node A noticed the drop and waits for the reconnect; B has read everything A recorded.
        await().atMost(Duration.ofSeconds(10)).until(() -> b.node.control().events(call.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.SESSION_CLOSED));

        SimulatedCall again = track(call.reconnectVia(URI.create(b.relay.localRelayUrl()),
                new InboundMessage.Prompt("Saturdays too", "en-US", true)));
        assertEquals("Yes, on Saturdays too.", again.awaitTurn(0).text());
        assertEquals(List.of("user: When are you open", "assistant: We are open nine to five.", "user: Saturdays too"),
                conversation(model.request(1)));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.find(call.callSid()) == null);

        // A's wait runs out without ending the call: no end recorded anywhere, one seq on both consoles.
        long lastOnB = b.registry.events(call.callSid()).get(b.registry.events(call.callSid()).size() - 1).seq();
        await().during(wait.plusMillis(500)).atMost(wait.plusSeconds(5)).until(() -> b.node.control().events(call.callSid())
                .stream().noneMatch(e -> e.kind() == EventKind.CALL_ENDED)
                && a.node.control().events(call.callSid()).stream().noneMatch(e -> e.kind() == EventKind.CALL_ENDED));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.node.control().events(call.callSid()).size() >= lastOnB);
        assertGapFree(a.node.control().events(call.callSid()));
        assertGapFree(b.node.control().events(call.callSid()));
        CallSummary onA = a.node.control().calls().stream().filter(s -> s.callId().equals(call.callSid()))
                .findFirst().orElseThrow();
        assertNull(onA.endedAt());
        CommandOutcome outcome = a.node.control().send(call.callSid(), new ClusterCommand.Say("Still here."))
                .get(10, TimeUnit.SECONDS);
        assertEquals("node-b", outcome.detail(), "A's console steers the call on B: " + outcome);
    }

    @Test
    void aReconnectWithoutTheCallsTokenIsRefusedOnAnotherNodeToo() throws Exception {
        cluster("node-a", "node-b");
        ClusterTestNode a = nodes.get(0);
        ClusterTestNode b = nodes.get(1);
        model.script(r -> Reply.tokens("We are open nine to five."));
        SimulatedCall call = track(a.call());
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        a.kill();
        call.awaitClosed();

        SimulatedCall forged = track(SimulatedCall.builder(b.client, URI.create(b.relay.localRelayUrl()))
                .signedUrl(b.relay.relayUrl()).authToken(ClusterTestNode.TOKEN).callSid(call.callSid())
                .callStatus("IN_PROGRESS")
                .customParameters(java.util.Map.of(app.switchboard.relay.CallTokens.PARAMETER, "forged-token"))
                .timeout(Duration.ofSeconds(20)).build().open());
        assertEquals(1008, forged.awaitClosed().code());
        assertNull(b.registry.find(call.callSid()), "node B did not take the call");
        assertFalse(b.store.call(call.callSid()).isPresent());

        // The token node A issued (in its TwiML) is good on node B: the cluster shares the key.
        SimulatedCall again = track(call.reconnectVia(URI.create(b.relay.localRelayUrl())));
        again.roundTrip();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.registry.find(call.callSid()) != null);
    }
}
