package app.switchboard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import org.junit.jupiter.api.Test;

/** Without an API key the offline responder stands in, through the same agent and protocol. */
class OfflineResponderAgentTest {

    @Test
    void offlineResponderAnswersThroughTheAgentWithoutAKey() {
        try (OfflineResponder responder = new OfflineResponder(0);
             AgentHarness harness = new AgentHarness(responder, AgentSettings.defaults())) {
            AgentHarness.Call call = harness.call();
            call.say("What is my bill?");
            call.awaitFinals(1);
            assertTrue(call.spoken().startsWith("Your last bill was twenty dollars"), call.spoken());
            assertTrue(call.socket.invalid.isEmpty());
            call.say("Can I talk to a person?");
            call.awaitFinals(2);
            assertEquals(2, call.events(EventKind.TURN_COMPLETED).size());
            assertEquals("offline responder", responder.describe());
        }
    }
}
