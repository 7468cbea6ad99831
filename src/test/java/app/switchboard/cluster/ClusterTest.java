package app.switchboard.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.sim.SimulatedCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three relay nodes on loopback sharing a real Redis, callers spread over them as a load
 * balancer would: a console on node A sees and steers every call of the cluster.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterTest {

    @TempDir
    Path dir;
    private final AutoCloseable[] ownRedis = new AutoCloseable[1];
    private final List<ClusterTestNode> nodes = new ArrayList<>();
    private final List<SimulatedCall> callers = new ArrayList<>();
    private ClusterTestNode a;
    private ClusterTestNode b;
    private ClusterTestNode c;

    @BeforeEach
    void startCluster() throws Exception {
        String redis = RedisServer.sharedOrOwn(ownRedis);
        String prefix = "test-" + UUID.randomUUID();
        for (String id : List.of("node-a", "node-b", "node-c")) {
            nodes.add(new ClusterTestNode(id, dir.resolve(id), redis, prefix, ClusterTestNode.fastTimings()));
        }
        a = nodes.get(0);
        b = nodes.get(1);
        c = nodes.get(2);
    }

    @AfterEach
    void stopCluster() throws Exception {
        callers.forEach(SimulatedCall::close);
        for (ClusterTestNode node : nodes) {
            node.close();
        }
        if (ownRedis[0] != null) {
            ownRedis[0].close();
        }
    }

    /** Six callers, two per node, round robin as a load balancer spreads them. */
    private List<SimulatedCall> spreadCallers() {
        for (int i = 0; i < 6; i++) {
            callers.add(nodes.get(i % 3).call());
        }
        return callers;
    }

    @Test
    void aConsoleOnOneNodeSeesEveryCallOfTheCluster() {
        ClusterCallControl console = a.node.control();
        Set<String> sids = spreadCallers().stream().map(SimulatedCall::callSid).collect(Collectors.toSet());

        await().atMost(Duration.ofSeconds(15)).until(() -> console.calls().stream()
                .map(CallSummary::callId).collect(Collectors.toSet()).containsAll(sids));
        String onC = callers.get(2).callSid();
        assertTrue(c.registry.find(onC) != null && a.registry.find(onC) == null, "the call's socket is on node C");
        CallSummary summary = console.calls().stream().filter(s -> s.callId().equals(onC)).findFirst().orElseThrow();
        assertEquals(callers.get(2).setup().from(), summary.from());
        assertEquals(6, console.calls().size());
    }

    @Test
    void aCallOnAnotherNodeStreamsItsEventsToTheConsole() {
        ClusterCallControl console = a.node.control();
        List<CallEvent> seen = new CopyOnWriteArrayList<>();
        console.subscribe(seen::add);
        SimulatedCall onB = b.call();
        callers.add(onB);
        int mark = onB.mark();
        onB.say("What are your opening hours", "en-US");
        String answer = onB.awaitTurn(mark).text();

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(e ->
                e.callId().equals(onB.callSid()) && e.as(EventPayload.TurnCompleted.class) != null));
        EventPayload.TurnCompleted done = seen.stream().filter(e -> e.callId().equals(onB.callSid()))
                .map(e -> e.as(EventPayload.TurnCompleted.class)).filter(t -> t != null).findFirst().orElseThrow();
        assertEquals(answer, done.text());
        // The console's events of the call are the owner's, seq for seq.
        List<CallEvent> owner = b.registry.events(onB.callSid());
        await().atMost(Duration.ofSeconds(10)).until(() -> console.events(onB.callSid()).size() >= owner.size());
        assertEquals(owner.stream().map(CallEvent::seq).toList(),
                console.events(onB.callSid()).stream().map(CallEvent::seq).limit(owner.size()).toList());
    }

    @Test
    void sayFromNodeAReachesTheCallerOnNodeC() throws Exception {
        spreadCallers();
        SimulatedCall onC = callers.get(2);
        ClusterCallControl console = a.node.control();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.calls().stream()
                .anyMatch(s -> s.callId().equals(onC.callSid())));
        int mark = onC.mark();

        CommandOutcome sent = ((ClusterCallControl) console.operatedBy("alice"))
                .send(onC.callSid(), new ClusterCommand.Say("Thanks for waiting, a supervisor is with you"))
                .get(10, TimeUnit.SECONDS);
        assertTrue(sent.accepted(), sent.detail());
        assertEquals("node-c", sent.detail());

        SimulatedCall.Frame frame = onC.awaitFrame(mark, f -> f.message() instanceof OutboundMessage.Text t
                && t.token().contains("Thanks for waiting"));
        assertTrue(frame.valid());
        // Recorded on the owner, with the operator who sent it from node A (the audit trail).
        EventPayload.SupervisorSay said = await().atMost(Duration.ofSeconds(5)).until(() -> c.registry
                        .events(onC.callSid()).stream().map(e -> e.as(EventPayload.SupervisorSay.class))
                        .filter(s -> s != null && s.text().startsWith("Thanks")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertEquals("alice", said.operator());
    }

    @Test
    void aCommandForACallNoNodeOwnsIsRefused() throws Exception {
        CommandOutcome outcome = a.node.control().send("CA-nobody", new ClusterCommand.Interrupt()).get(5, TimeUnit.SECONDS);
        assertFalse(outcome.accepted());
    }

    @Test
    void twoSupervisorsOnDifferentNodesCannotBothTakeOverACall() throws Exception {
        SimulatedCall onC = c.call();
        callers.add(onC);
        ClusterCallControl onA = (ClusterCallControl) a.node.control().operatedBy("alice");
        ClusterCallControl onB = (ClusterCallControl) b.node.control().operatedBy("bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> onA.calls().stream().anyMatch(s -> s.callId().equals(onC.callSid()))
                && onB.calls().stream().anyMatch(s -> s.callId().equals(onC.callSid())));

        var first = onA.send(onC.callSid(), new ClusterCommand.TakeOver());
        var second = onB.send(onC.callSid(), new ClusterCommand.TakeOver());
        CommandOutcome x = first.get(10, TimeUnit.SECONDS);
        CommandOutcome y = second.get(10, TimeUnit.SECONDS);

        assertTrue(x.accepted() ^ y.accepted(), "exactly one holds the call: " + x + " / " + y);
        CommandOutcome refused = x.accepted() ? y : x;
        assertTrue(refused.detail().startsWith("held by "), refused.detail());
        await().atMost(Duration.ofSeconds(5)).until(() -> c.registry.calls().stream()
                .anyMatch(s -> s.callId().equals(onC.callSid()) && s.state() == CallState.SUPERVISOR));
        assertEquals(1, c.registry.events(onC.callSid()).stream().filter(e -> e.kind() == EventKind.SUPERVISOR_TAKEOVER).count());

        // The holder releases; then the other may take over.
        ClusterCallControl holder = x.accepted() ? onA : onB;
        ClusterCallControl other = x.accepted() ? onB : onA;
        CommandOutcome notYours = other.send(onC.callSid(), new ClusterCommand.Release()).get(10, TimeUnit.SECONDS);
        assertFalse(notYours.accepted(), "only the holder releases");
        CommandOutcome released = holder.send(onC.callSid(), new ClusterCommand.Release()).get(10, TimeUnit.SECONDS);
        assertTrue(released.accepted(), released.detail());
        CommandOutcome next = other.send(onC.callSid(), new ClusterCommand.TakeOver()).get(10, TimeUnit.SECONDS);
        assertTrue(next.accepted(), next.detail());
        // Renewals of the released lease (every heartbeat) do not bring it back: the second holder keeps it.
        CommandOutcome again = holder.send(onC.callSid(), new ClusterCommand.TakeOver()).get(10, TimeUnit.SECONDS);
        assertTrue(!again.accepted() && again.detail().startsWith("held by "), again.detail());
    }
}
