package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.AlertRule;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.sim.SimulatedCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A remote console acknowledges an alert over /console: the call records it with the console's account. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RemoteAlertAcknowledgementTest {

    @TempDir
    java.nio.file.Path dir;
    private ConsoleHarness harness;
    private String alice;

    @BeforeEach
    void start() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT);
        alice = harness.accounts.add("alice");
        harness.registry.alertRules(List.of(new AlertRule("person", AlertRule.Kind.PHRASE, AlertRule.Severity.WARNING,
                true, 0, List.of("manager"))));
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void anAlertAcknowledgedFromARemoteConsoleIsRecordedWithItsAccount() throws Exception {
        try (ConsoleHarness.Console a = harness.console(alice)) {
            SimulatedCall call = harness.caller().build().open();
            call.say("Put me through to a manager", "en-US");
            await().atMost(Duration.ofSeconds(20)).until(() -> a.events(call.callSid()).stream()
                    .anyMatch(e -> e.kind() == EventKind.ALERT));
            long alertSeq = a.events(call.callSid()).stream().filter(e -> e.kind() == EventKind.ALERT)
                    .findFirst().orElseThrow().seq();

            assertThat(a.client.acknowledgeAlert(call.callSid(), 0).get(10, TimeUnit.SECONDS).reason())
                    .isEqualTo("alertSeq is required");
            assertThat(a.client.acknowledgeAlert(call.callSid(), alertSeq).get(10, TimeUnit.SECONDS).isAccepted()).isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> harness.recorded(call.callSid()).stream()
                    .anyMatch(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED));
            CallEvent ack = harness.recorded(call.callSid()).stream()
                    .filter(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED).findFirst().orElseThrow();
            assertThat(ack.payload()).isEqualTo(new EventPayload.AlertAcknowledged(alertSeq, "person", "alice"));
            await().until(() -> a.events(call.callSid()).stream().anyMatch(e -> e.kind() == EventKind.ALERT_ACKNOWLEDGED));
            call.hangUp().join();
        }
    }

    @Test
    void theCommandReadsBackAsWritten() {
        SupervisorMessage.AcknowledgeAlert ack = new SupervisorMessage.AcknowledgeAlert("c9", "CA1", 57);
        String json = SupervisorCodec.encode(ack);
        assertThat(json).isEqualTo("{\"v\":1,\"type\":\"acknowledgeAlert\",\"commandId\":\"c9\",\"callId\":\"CA1\",\"alertSeq\":57}");
        assertThat(SupervisorCodec.decodeClient(json)).isEqualTo(ack);
    }
}
