package app.switchboard.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.protocol.InboundMessage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live settings against the real relay over TLS, with the simulator reading every frame as
 * Twilio does (docs/live-settings.md): the supervisor turns barge-in off and the agent's frames
 * arrive with D-WS's per-message {@code interruptible}; a {@code configUpdated} from Twilio is
 * recorded verbatim.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveSettingsRelayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    private RelayHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new RelayHarness(dataDir, 0);
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void bargeInOffArrivesOnEveryFrameOfTheNextAnswerExactlyAsDocumented() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> !harness.events(call.callSid(), EventKind.SETUP).isEmpty());

        harness.registry.setInterruptible(call.callSid(), false);
        await().until(() -> !harness.events(call.callSid(), EventKind.SUPERVISOR_INTERRUPTIBLE).isEmpty());
        int mark = call.mark();
        call.say("What are your opening hours", "en-US");
        SimulatedCall.Turn turn = call.awaitTurn(mark);

        assertTrue(call.invalidFrames().isEmpty(), call.describe());
        assertFalse(turn.frames().isEmpty());
        for (SimulatedCall.Frame frame : turn.frames()) {
            ObjectNode expected = JSON.createObjectNode();
            expected.put("type", "text");
            expected.put("token", frame.text().token());
            expected.put("last", frame.text().last());
            expected.put("interruptible", false);
            expected.put("preemptible", true);
            assertEquals(expected.toString(), frame.raw(), "field for field, in the codec's order");
        }
    }

    @Test
    void theSupervisorsChangeIsRecordedAndStoredWithTheAccountThatMadeIt() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> !harness.events(call.callSid(), EventKind.SETUP).isEmpty());

        harness.registry.operatedBy("alice").setInterruptible(call.callSid(), false);

        EventPayload.SupervisorInterruptible change = await()
                .until(() -> harness.events(call.callSid(), EventKind.SUPERVISOR_INTERRUPTIBLE), l -> !l.isEmpty())
                .get(0).as(EventPayload.SupervisorInterruptible.class);
        assertEquals(new EventPayload.SupervisorInterruptible(false, "alice"), change);
    }

    @Test
    void aConfigUpdatedFromTwilioIsRecordedVerbatimAndCountsAsNoBadFrame() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> !harness.events(call.callSid(), EventKind.SETUP).isEmpty());
        // Its content is not documented: made up, to show that whatever arrives is kept whole.
        String raw = "{\"type\":\"info\",\"name\":\"configUpdated\",\"value\":\"{\\\"tts\\\":\\\"backup\\\"}\"}";

        call.send(new InboundMessage.ConfigUpdated(raw)).join();

        List<app.switchboard.call.CallEvent> updated = await()
                .until(() -> harness.events(call.callSid(), EventKind.CONFIG_UPDATED), l -> !l.isEmpty());
        assertEquals(raw, updated.get(0).as(EventPayload.ConfigUpdated.class).raw());
        assertTrue(harness.events(call.callSid(), EventKind.UNKNOWN_MESSAGE).isEmpty());
        assertTrue(call.isOpen());
    }
}
