package app.switchboard.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventPayload;
import app.switchboard.sim.SimulatedCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node that dies without a word: its calls are marked "relay node lost" on every other node in bounded time. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NodeLossTest {

    @TempDir
    Path dir;
    private TestCluster cluster;
    private List<ClusterTestNode> nodes;

    private List<ClusterTestNode> cluster(ClusterOptions timings) throws Exception {
        cluster = new TestCluster(dir);
        nodes = cluster.nodes();
        for (String id : List.of("node-a", "node-b", "node-c")) {
            cluster.node(id, (nodeId, nodeDir, redis, prefix) -> new ClusterTestNode(nodeId, nodeDir, redis, prefix, timings));
        }
        return nodes;
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledNodesCallsAreMarkedNodeLostOnEveryOtherNodeWithinTheBound() throws Exception {
        ClusterOptions timings = ClusterTestNode.fastTimings();
        cluster(timings);
        ClusterTestNode a = nodes.get(0);
        ClusterTestNode b = nodes.get(1);
        ClusterTestNode c = nodes.get(2);
        SimulatedCall onC1 = track(c.call());
        SimulatedCall onC2 = track(c.call());
        SimulatedCall onB = track(b.call());
        List<CallControl> consoles = List.of(a.node.control(), b.node.control());
        for (CallControl console : consoles) {
            await().atMost(Duration.ofSeconds(10)).until(() -> console.calls().stream().map(CallSummary::callId)
                    .toList().containsAll(List.of(onC1.callSid(), onC2.callSid(), onB.callSid())));
        }

        // Everything C recorded so far has reached A's view; the mark must come right after it.
        await().atMost(Duration.ofSeconds(10)).until(() -> a.node.control().events(onC1.callSid()).size()
                == c.registry.events(onC1.callSid()).size());
        long publishedByC = c.registry.events(onC1.callSid()).size();
        long killedAt = System.nanoTime();
        c.kill();
        // The bound: the heartbeat's TTL, one check interval, one stream read; and slack for a busy machine.
        Duration bound = timings.heartbeatTtl().plus(timings.heartbeatEvery()).plusSeconds(3);
        for (CallControl console : consoles) {
            for (SimulatedCall lost : List.of(onC1, onC2)) {
                await().atMost(bound).until(() -> nodeLost(console, lost.callSid()));
                CallSummary s = console.calls().stream().filter(x -> x.callId().equals(lost.callSid())).findFirst()
                        .orElseThrow();
                assertEquals(CallState.ENDED, s.state(), "no longer live on the console");
            }
            assertEquals(List.of("node-c"), console.clusterStatus().lostNodes());
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - killedAt).compareTo(bound) <= 0);
        // The call on a surviving node is untouched.
        CallSummary survivor = a.node.control().calls().stream().filter(x -> x.callId().equals(onB.callSid()))
                .findFirst().orElseThrow();
        assertEquals(null, survivor.endedAt());
        // The mark is one event per lost call, written once however many nodes noticed.
        List<CallEvent> marks = a.node.control().events(onC1.callSid()).stream().filter(e -> isNodeLost(e)).toList();
        assertEquals(1, marks.size());
        assertEquals(publishedByC + 1, marks.get(0).seq(),
                "the mark follows the last event the owner published");
    }

    @Test
    void aCommandToAnOwnerThatNoLongerAnswersIsRefusedAfterTheTimeout() throws Exception {
        // A long heartbeat TTL: the owner still counts as alive, so only the command's timeout answers.
        ClusterOptions timings = ClusterOptions.defaults("timings").withTimings(Duration.ofMillis(200),
                Duration.ofSeconds(30), Duration.ofMillis(800), Duration.ofSeconds(30));
        cluster(timings);
        ClusterTestNode a = nodes.get(0);
        ClusterTestNode c = nodes.get(2);
        SimulatedCall onC = track(c.call());
        ClusterCallControl console = a.node.control();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.calls().stream()
                .anyMatch(s -> s.callId().equals(onC.callSid())));
        c.kill();

        long sent = System.nanoTime();
        CommandOutcome outcome = console.send(onC.callSid(), new ClusterCommand.Say("hello?")).get(10, TimeUnit.SECONDS);
        Duration waited = Duration.ofNanos(System.nanoTime() - sent);
        assertFalse(outcome.accepted());
        assertEquals(CommandOutcome.OWNER_UNREACHABLE, outcome.detail());
        assertTrue(waited.compareTo(Duration.ofMillis(700)) >= 0 && waited.compareTo(Duration.ofSeconds(5)) < 0,
                "refused after the timeout: " + waited);
    }

    private SimulatedCall track(SimulatedCall call) {
        return cluster.track(call);
    }

    private static boolean nodeLost(CallControl console, String callId) {
        return console.events(callId).stream().anyMatch(NodeLossTest::isNodeLost);
    }

    private static boolean isNodeLost(CallEvent e) {
        EventPayload.AttentionRaised raised = e.as(EventPayload.AttentionRaised.class);
        return raised != null && "RELAY_NODE_LOST".equals(raised.reason()) && "relay node lost".equals(raised.label());
    }
}
