package app.switchboard.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.AlertRule;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.RecordingConnection;
import app.switchboard.history.AuditEntry;
import app.switchboard.protocol.InboundMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An alert and its acknowledgement go into the real SQLite log, and the acknowledgement into the audit trail. */
@Timeout(60)
class AlertAcknowledgementStoreTest {

    @TempDir
    Path dir;

    @Test
    void anAcknowledgedAlertIsStoredAndInTheAuditTrailWithTheSupervisorsName() throws Exception {
        OfflineResponder responder = new OfflineResponder(0);
        CallRegistry registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                List.of("en-US"), "en-US");
        try (EventStore store = EventStore.open(dir).attach(registry)) {
            registry.embeddedOperator(() -> "Dana Supervisor");
            registry.alertRules(List.of(new AlertRule("person", AlertRule.Kind.PHRASE, AlertRule.Severity.WARNING,
                    true, 0, List.of("manager"))));
            CallSession call = registry.attach(new InboundMessage.Setup("VX-ack", "AC1", "CA-ack", "", "+15550100001",
                    "+15550100002", "", "", "inbound", "PSTN", "RINGING", Map.of()), new RecordingConnection());
            registry.inbound(call, new InboundMessage.Prompt("Let me speak to your manager", "en-US", true));
            await().atMost(Duration.ofSeconds(20)).until(() -> registry.events("CA-ack").stream()
                    .anyMatch(e -> e.kind() == EventKind.ALERT));
            long alertSeq = registry.events("CA-ack").stream().filter(e -> e.kind() == EventKind.ALERT)
                    .findFirst().orElseThrow().seq();

            assertTrue(registry.acknowledgeAlert("CA-ack", alertSeq));

            await().atMost(Duration.ofSeconds(20)).until(() -> store.events("CA-ack").stream()
                    .anyMatch(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED));
            CallEvent stored = store.events("CA-ack").stream().filter(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED)
                    .findFirst().orElseThrow();
            assertEquals(new EventPayload.AlertAcknowledged(alertSeq, "person", "Dana Supervisor"), stored.payload());
            assertTrue(store.events("CA-ack").stream().anyMatch(e -> e.seq() == alertSeq
                    && e.payload() instanceof EventPayload.Alert a && a.ruleId().equals("person")), "the alert itself is stored");

            List<AuditEntry> trail = store.auditTrail("CA-ack");
            AuditEntry ack = trail.stream().filter(a -> a.action().equals("acknowledge alert")).findFirst().orElseThrow();
            assertEquals("Dana Supervisor", ack.operator());
            assertEquals(stored.seq(), ack.seq());
            assertEquals(alertSeq, ((Number) ack.details().get("alertSeq")).longValue());
            assertEquals("person", ack.details().get("ruleId"));
        } finally {
            registry.close();
            responder.close();
        }
    }
}
