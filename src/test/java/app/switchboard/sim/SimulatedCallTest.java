package app.switchboard.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.ChatMessage;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator against the real relay over TLS: a call as Twilio places it. */
class SimulatedCallTest {

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
    void finalPromptGetsAStreamedAnswerOfValidFrames() {
        SimulatedCall call = harness.caller().build().open();
        int mark = call.mark();
        call.say("Hi, I have a question about my bill", "en-US");
        SimulatedCall.Turn turn = call.awaitTurn(mark);

        String expected = OfflineResponder.reply(List.of(ChatMessage.user("Hi, I have a question about my bill")));
        assertEquals(expected, turn.text());
        assertTrue(turn.frames().size() > 5, "streamed token by token");
        assertTrue(call.invalidFrames().isEmpty(), call.describe());
        assertTrue(call.isOpen());
    }

    @Test
    void setupReachesTheCallWithEveryField() {
        SimulatedCall call = harness.caller().from("+15550100042")
                .customParameters(java.util.Map.of("caller", "+15550100042")).build().open();
        EventPayload.Setup setup = await().until(() -> harness.events(call.callSid(), EventKind.SETUP), l -> !l.isEmpty())
                .get(0).as(EventPayload.Setup.class);
        assertEquals(call.setup().sessionId(), setup.sessionId());
        assertEquals("RINGING", setup.callStatus());
        assertEquals("+15550100042", setup.from());
        // The call's own parameters, then the TwiML's (less the relay token, which is not recorded).
        assertEquals(java.util.Map.of("callerNumber", "+15550100042", "caller", "+15550100042",
                "calledNumber", "+15550100001"), setup.customParameters());
    }

    @Test
    void partialPromptsStartNoTurn() {
        SimulatedCall call = harness.caller().build().open();
        for (String partial : SimulatedCall.partials("What are your opening hours today")) {
            call.prompt(partial, "en-US", false);
        }
        call.roundTrip();
        await().until(() -> harness.events(call.callSid(), EventKind.PROMPT_PARTIAL).size() == 5);
        assertTrue(harness.events(call.callSid(), EventKind.TURN_STARTED).isEmpty());
        assertEquals(0, call.mark(), "nothing was said to a partial prompt");

        call.prompt("What are your opening hours today", "en-US", true);
        assertTrue(call.awaitTurn(0).text().startsWith("We are open"));
        assertEquals(1, harness.events(call.callSid(), EventKind.TURN_STARTED).size());
    }

    @Test
    void keyPressIsAnswered() {
        SimulatedCall call = harness.caller().build().open();
        call.pressKey("1");
        assertTrue(call.awaitTurn(0).text().contains("option 1"), call.describe());
        assertEquals("1", harness.events(call.callSid(), EventKind.DTMF).get(0).as(EventPayload.Dtmf.class).digit());
    }

    @Test
    void tenMalformedFramesFromTwilioDoNotEndTheCall() {
        SimulatedCall call = harness.caller().build().open();
        for (int i = 1; i <= 10; i++) {
            // Deliberately malformed, as a broken peer would send; the codec passes the raw text through.
            call.send(new app.switchboard.protocol.InboundMessage.Malformed("this is not json #" + i, "test"));
        }
        call.roundTrip();
        await().until(() -> harness.events(call.callSid(), EventKind.MALFORMED_FRAME).size() == 10);
        assertTrue(call.isOpen());

        int mark = call.mark();
        call.say("What are your opening hours", "en-US");
        assertTrue(call.awaitTurn(mark).text().startsWith("We are open"));
    }

    @Test
    void supervisorLanguageSwitchReachesTwilio() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> !harness.events(call.callSid(), EventKind.SETUP).isEmpty());
        harness.registry.switchLanguage(call.callSid(), "es-ES", "es-ES");
        SimulatedCall.Frame frame = call.awaitFrame(0, f -> f.message() instanceof app.switchboard.protocol.OutboundMessage.Language);
        assertTrue(frame.valid());
        assertEquals("es-ES", call.ttsLanguage());
    }

    @Test
    void endClosesTheSocketAndPostsTheSignedActionWebhook() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> !harness.events(call.callSid(), EventKind.SETUP).isEmpty());
        harness.registry.end(call.callSid(), "caller asked for a human", true);

        SimulatedCall.Close close = call.awaitClosed();
        assertEquals(1000, close.code());
        assertTrue(close.bySimulator(), "Twilio closes after end");
        Webhook.Result action = call.awaitAction();
        assertEquals(200, action.status());
        assertEquals("ended", action.form().get("SessionStatus"));
        assertEquals("in-progress", action.form().get("CallStatus"));
        assertEquals(call.handoffData(), action.form().get("HandoffData"));
        assertTrue(action.body().contains("<Dial"), action.body());
        CallEvent callback = await().until(() -> harness.events(call.callSid(), EventKind.ACTION_CALLBACK),
                l -> !l.isEmpty()).get(0);
        assertEquals("ended", callback.as(EventPayload.ActionCallback.class).field("SessionStatus"));
    }

    @Test
    void hangUpClosesWith1000AndReportsCompleted() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> !harness.events(call.callSid(), EventKind.SETUP).isEmpty());
        call.hangUp();
        assertEquals(1000, call.awaitClosed().code());
        Webhook.Result action = call.awaitAction();
        assertEquals(200, action.status());
        assertEquals("completed", action.form().get("SessionStatus"));
        await().until(() -> !harness.events(call.callSid(), EventKind.CALL_ENDED).isEmpty());
        assertFalse(call.isOpen());
    }

    @Test
    void fiftyConcurrentCallsAreAllAnswered() {
        List<SimulatedCall> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(harness.caller().build());
        }
        calls.stream().map(SimulatedCall::connect).toList().forEach(f -> f.join());
        calls.forEach(c -> c.say(i(calls.indexOf(c)) , "en-US"));
        for (SimulatedCall call : calls) {
            SimulatedCall.Turn turn = call.awaitTurn(0);
            assertFalse(turn.text().isBlank());
            assertTrue(call.invalidFrames().isEmpty(), call.describe());
        }
        assertEquals(50, harness.registry.calls().stream().filter(s -> s.eventCount() > 0).count());
    }

    @Test
    void oversizedFrameClosesThatSocketAndTheRelayKeepsTakingCalls() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> !harness.events(call.callSid(), EventKind.SETUP).isEmpty());
        String huge = "word ".repeat(harness.settings.maxFrameBytes / 5 + 100);
        call.prompt(huge, "en-US", true);

        SimulatedCall.Close close = call.awaitClosed();
        assertFalse(close.bySimulator());
        assertEquals(1009, close.code(), close.toString());
        assertTrue(close.reason().toLowerCase().contains("too large"), close.reason());
        await().until(() -> !harness.events(call.callSid(), EventKind.FRAME_TOO_LARGE).isEmpty());

        SimulatedCall next = harness.caller().build().open();
        next.say("What are your opening hours", "en-US");
        assertTrue(next.awaitTurn(0).text().startsWith("We are open"));
    }

    private static String i(int n) {
        return n % 2 == 0 ? "What are your opening hours" : "I have a question about my bill";
    }
}
