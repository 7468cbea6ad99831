package app.switchboard.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.AlertRule;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.sim.SimulatedCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts across nodes (issue 14), on a real redis-server with real TLS relays and SQLite files:
 * attention rules saved on one node apply on every node, a node that starts later included, and
 * an alert acknowledged from a console on another node is recorded on the call's owner.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterAlertsTest {

    @TempDir
    Path dir;
    private TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new TestCluster(dir);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private ClusterTestNode node(String id) throws Exception {
        return cluster.node(id);
    }

    private static final AlertRule MANAGER = new AlertRule("person", AlertRule.Kind.PHRASE, AlertRule.Severity.CRITICAL,
            true, 0, List.of("manager", "real person"));
    private static final AlertRule LONG_CALL = new AlertRule("long", AlertRule.Kind.DURATION, AlertRule.Severity.INFO,
            false, 12.5, List.of());

    @Test
    void rulesSavedOnOneNodeApplyOnEveryNodeAndOnANodeThatStartsLater() throws Exception {
        ClusterTestNode a = node("node-a");
        ClusterTestNode b = node("node-b");
        assertEquals(List.of(), a.registry.alertRules());

        assertTrue(b.node.control().alertRules(List.of(MANAGER, LONG_CALL)), "a clustered console can change the rules");
        assertEquals(List.of(MANAGER, LONG_CALL), b.registry.alertRules(), "in force on the saving node at once");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.alertRules().equals(List.of(MANAGER, LONG_CALL)));

        ClusterTestNode c = node("node-c");
        assertEquals(List.of(MANAGER, LONG_CALL), c.registry.alertRules(), "read from Redis as the node joined");

        // A later save anywhere replaces the set everywhere, live.
        assertTrue(c.node.control().alertRules(List.of(LONG_CALL)));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.alertRules().equals(List.of(LONG_CALL))
                && b.registry.alertRules().equals(List.of(LONG_CALL)));
    }

    @Test
    void anAlertAcknowledgedOnAnotherNodeIsRecordedOnTheCallsOwnerAndSeenOnEveryConsole() throws Exception {
        ClusterTestNode a = node("node-a");
        ClusterTestNode b = node("node-b");
        ClusterTestNode c = node("node-c");
        assertTrue(c.node.control().alertRules(List.of(MANAGER)));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.alertRules().equals(List.of(MANAGER)));

        SimulatedCall call = a.call();
        cluster.track(call);
        call.say("I want to speak to a manager", "en-US");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.node.control().events(call.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.ALERT));
        CallEvent alert = b.node.control().events(call.callSid()).stream().filter(e -> e.kind() == EventKind.ALERT)
                .findFirst().orElseThrow();
        assertEquals("person", alert.as(EventPayload.Alert.class).ruleId());

        CallControl erin = b.node.control().operatedBy("erin");
        assertTrue(erin.acknowledgeAlert(call.callSid(), alert.seq()), "a clustered console can acknowledge");

        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.events(call.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED));
        EventPayload.AlertAcknowledged ack = a.registry.events(call.callSid()).stream()
                .filter(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED).findFirst().orElseThrow()
                .as(EventPayload.AlertAcknowledged.class);
        assertEquals(alert.seq(), ack.alertSeq());
        assertEquals("person", ack.ruleId());
        assertEquals("erin", ack.operator(), "the audit trail names the supervisor who clicked on node B");
        assertTrue(a.store.flush(Duration.ofSeconds(10)));
        assertTrue(a.store.events(call.callSid()).stream().anyMatch(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED),
                "in the owner's record");
        for (ClusterTestNode other : List.of(b, c)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> other.node.control().events(call.callSid()).stream()
                    .anyMatch(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED));
        }

        // Acknowledged once: a second acknowledgement (another console, same alert) records nothing more.
        CommandOutcome again = ((ClusterCallControl) c.node.control().operatedBy("frank"))
                .send(call.callSid(), new ClusterCommand.AcknowledgeAlert(alert.seq())).get(10, TimeUnit.SECONDS);
        assertEquals("node-a", again.detail(), again.toString());
        // A command after it on the same call's executor: once it is recorded, the second acknowledgement ran.
        c.node.control().send(call.callSid(), new ClusterCommand.Whisper("keep it short")).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registry.events(call.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.SUPERVISOR_WHISPER));
        assertEquals(1, a.registry.events(call.callSid()).stream()
                .filter(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED).count());
    }
}
