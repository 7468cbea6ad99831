package app.switchboard.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.ClusterStatus;
import app.switchboard.sim.SimulatedCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis dies (SIGKILL, no persistence: it comes back empty) while calls are answered on two
 * nodes: the calls go on, each node's SQLite record misses nothing, and the other node's console
 * catches up with every event once Redis is back.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisLossTest {

    @TempDir
    Path dir;
    private RedisServer redis;
    private ClusterTestNode a;
    private ClusterTestNode b;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.startOwn();
        prefix = "test-" + UUID.randomUUID();
        a = new ClusterTestNode("node-a", dir.resolve("a"), redis.uri(), prefix, ClusterTestNode.fastTimings());
        b = new ClusterTestNode("node-b", dir.resolve("b"), redis.uri(), prefix, ClusterTestNode.fastTimings());
    }

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void callsGoOnWithoutRedisAndTheClusterViewCatchesUpWhenItReturns() throws Exception {
        ClusterCallControl consoleOnA = a.node.control();
        SimulatedCall onA = a.call();
        SimulatedCall onB = b.call();
        onB.say("What are your opening hours", "en-US");
        onB.awaitTurn(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> consoleOnA.calls().stream()
                .anyMatch(s -> s.callId().equals(onB.callSid())));

        redis.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> consoleOnA.clusterStatus().degraded()
                && b.node.status().degraded());

        // Both calls are answered while Redis is away; B's events wait in its buffer.
        int markB = onB.mark();
        onB.say("I have a question about my bill", "en-US");
        assertFalse(onB.awaitTurn(markB).text().isBlank());
        int markA = onA.mark();
        onA.say("What are your opening hours", "en-US");
        assertFalse(onA.awaitTurn(markA).text().isBlank());
        await().atMost(Duration.ofSeconds(5)).until(() -> b.node.status().eventsWaiting() > 0);
        ClusterStatus during = consoleOnA.clusterStatus();
        assertTrue(during.clustered() && !during.busReachable(), during.toString());
        // A supervisor on B may take B's own call over (nobody elsewhere can reach it now); one on A
        // cannot reach B's call at all.
        CommandOutcome local = ((ClusterCallControl) b.node.control().operatedBy("erin"))
                .send(onB.callSid(), new ClusterCommand.TakeOver()).get(10, TimeUnit.SECONDS);
        assertTrue(local.accepted(), local.detail());
        CommandOutcome remote = ((ClusterCallControl) consoleOnA.operatedBy("frank"))
                .send(onB.callSid(), new ClusterCommand.TakeOver()).get(10, TimeUnit.SECONDS);
        assertFalse(remote.accepted(), remote.detail());

        redis.start(); // same port, empty
        await().atMost(Duration.ofSeconds(20)).until(() -> !consoleOnA.clusterStatus().degraded()
                && b.node.status().busReachable() && b.node.status().eventsWaiting() == 0);

        // Node A's view of B's call catches up with every event B recorded, in order, no gap.
        List<Long> recordedOnB = b.registry.events(onB.callSid()).stream().map(CallEvent::seq).toList();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(recordedOnB,
                seqs(consoleOnA.events(onB.callSid())).stream().filter(recordedOnB::contains).toList()));
        assertEquals(recordedOnB, seqs(consoleOnA.events(onB.callSid())).subList(0, recordedOnB.size()));
        assertEquals(0, b.node.status().eventsDropped());
        // B claimed erin's lease once Redis answered: a supervisor on A is refused.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            CommandOutcome o = ((ClusterCallControl) consoleOnA.operatedBy("frank"))
                    .send(onB.callSid(), new ClusterCommand.TakeOver()).get(10, TimeUnit.SECONDS);
            return !o.accepted() && o.detail().equals("held by erin@node-b");
        });
        // The index came back too (Redis restarted empty): A still lists B's call.
        await().atMost(Duration.ofSeconds(5)).until(() -> consoleOnA.calls().stream()
                .anyMatch(s -> s.callId().equals(onB.callSid())));

        // Each node's own record (SQLite) has every event of its call, gap-free.
        for (ClusterTestNode node : List.of(a, b)) {
            String sid = node == a ? onA.callSid() : onB.callSid();
            assertTrue(node.store.flush(Duration.ofSeconds(10)));
            List<Long> stored = seqs(node.store.events(sid));
            List<Long> live = seqs(node.registry.events(sid));
            assertEquals(LongStream.rangeClosed(1, stored.size()).boxed().toList(), stored, "gap-free on " + node.id);
            assertTrue(stored.containsAll(live), "the store holds everything the call recorded on " + node.id);
        }
        onA.close();
        onB.close();
    }

    @Test
    void aRedisThatComesBackEmptyGetsTheOwnersRecentEventsAgain() throws Exception {
        a.close();
        a = null;
        SimulatedCall onB = b.call();
        onB.say("What are your opening hours", "en-US");
        onB.awaitTurn(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.node.status().eventsWaiting() == 0
                && b.node.eventsPublished() >= b.registry.events(onB.callSid()).size());

        redis.kill();
        redis.start(); // empty: the call's stream and the cluster's are gone
        // A node that joins now can only learn the call's past from what B publishes again.
        a = new ClusterTestNode("node-a", dir.resolve("a2"), redis.uri(), prefix, ClusterTestNode.fastTimings());
        List<Long> recordedOnB = seqs(b.registry.events(onB.callSid()));
        ClusterCallControl consoleOnA = a.node.control();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(recordedOnB,
                seqs(consoleOnA.events(onB.callSid())).stream().filter(recordedOnB::contains).toList()));
        onB.close();
    }

    private String prefix;


    private static List<Long> seqs(List<CallEvent> events) {
        return events.stream().map(CallEvent::seq).toList();
    }
}
