package app.switchboard.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.relay.CallTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live call belongs to the socket Twilio opened for it. Knowing the callSid, or holding a
 * captured upgrade signature, is not enough to take it over; a real reconnect still resumes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SessionTakeoverTest {

    @TempDir
    Path dataDir;
    private RelayHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new RelayHarness(dataDir, 0);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private SimulatedCall liveCall() {
        SimulatedCall call = harness.caller().build().open();
        call.say("What are your opening hours", "en-US");
        assertTrue(call.awaitTurn(0).text().startsWith("We are open"));
        return call;
    }

    private void stillServes(SimulatedCall call) {
        int mark = call.mark();
        call.say("What are your opening hours", "en-US");
        assertTrue(call.awaitTurn(mark).text().startsWith("We are open"));
        assertTrue(call.isOpen());
    }

    @Test
    void aSecondSocketForALiveCallIsRefusedAndTheSupervisorIsTold() {
        SimulatedCall real = liveCall();
        // Even with the call's own token (a leaked TwiML), a live socket is not handed over.
        SimulatedCall intruder = harness.caller().callSid(real.callSid()).build().open();
        SimulatedCall.Close closed = intruder.awaitClosed();
        assertEquals(1008, closed.code());
        assertEquals("Call already has a live relay session", closed.reason());
        stillServes(real);
        EventPayload.AttentionRaised flag = harness.events(real.callSid(), EventKind.ATTENTION).stream()
                .map(e -> e.as(EventPayload.AttentionRaised.class))
                .filter(a -> "SESSION_REFUSED".equals(a.reason())).findFirst().orElseThrow();
        assertEquals(intruder.setup().sessionId(), flag.sessionId());
        assertEquals(1, harness.events(real.callSid(), EventKind.SESSION_STARTED).size());
    }

    @Test
    void aSetupWithoutTheCallsTokenIsRefusedEvenWithAValidUpgradeSignature() {
        SimulatedCall real = liveCall();
        // A replayed X-Twilio-Signature opens the socket; without the TwiML's token the setup goes nowhere.
        SimulatedCall forged = SimulatedCall.builder(harness.client, java.net.URI.create(harness.relay.localRelayUrl()))
                .signedUrl(harness.relay.relayUrl()).authToken(RelayHarness.TOKEN)
                .callSid(real.callSid()).timeout(Duration.ofSeconds(20)).build().open();
        SimulatedCall.Close closed = forged.awaitClosed();
        assertEquals(1008, closed.code());
        assertEquals("Setup without a valid relay token for this call", closed.reason());
        stillServes(real);
    }

    @Test
    void anotherCallsTokenDoesNotOpenThisCall() {
        String other = SimulatedCall.newSid("CA");
        String target = SimulatedCall.newSid("CA");
        String otherToken = SimulatedCall.twimlParameters(Webhook.post(harness.client, harness.twimlPostUrl(),
                harness.relay.twimlUrl(), RelayHarness.TOKEN, Map.of("CallSid", other, "From", "+15550100009"))
                .join().body()).get(CallTokens.PARAMETER);
        assertTrue(otherToken != null && !otherToken.isBlank());
        SimulatedCall forged = SimulatedCall.builder(harness.client, java.net.URI.create(harness.relay.localRelayUrl()))
                .signedUrl(harness.relay.relayUrl()).authToken(RelayHarness.TOKEN).callSid(target)
                .customParameters(Map.of(CallTokens.PARAMETER, otherToken)).timeout(Duration.ofSeconds(20)).build().open();
        assertEquals(1008, forged.awaitClosed().code());
        assertTrue(harness.registry.find(target) == null);
    }

    @Test
    void theTokenIsNotRecordedWithTheCall() {
        SimulatedCall real = liveCall();
        CallEvent setup = harness.events(real.callSid(), EventKind.SETUP).get(0);
        String stored = EventPayloadJson.encode(setup.payload());
        assertFalse(stored.contains(CallTokens.PARAMETER), stored);
        assertEquals("+15550100002", setup.as(EventPayload.Setup.class).customParameters().get("callerNumber"));
    }

    @Test
    void aReconnectAfterTheSocketClosedResumesTheCall() {
        SimulatedCall first = liveCall();
        first.closeWith(1011, "socket dropped").join();
        SimulatedCall second = harness.caller().callSid(first.callSid()).callStatus("IN_PROGRESS").build().open();
        stillServes(second);
        await().atMost(10, TimeUnit.SECONDS).until(() -> harness.events(first.callSid(), EventKind.SESSION_STARTED).size() == 2);
        assertEquals(Boolean.TRUE, harness.events(first.callSid(), EventKind.SESSION_STARTED).get(1).as(EventPayload.SessionStarted.class).resumed());
    }

    @Test
    void twiliosReconnectAfter64105SupersedesASocketOurSideStillThinksOpen() {
        SimulatedCall first = liveCall();
        // Twilio saw the socket end (64105) before this side noticed: the action webhook asks to reconnect.
        Map<String, String> form = Map.of("CallSid", first.callSid(), "AccountSid", "AC" + "0".repeat(32),
                "SessionStatus", "failed", "ErrorCode", "64105", "CallStatus", "in-progress");
        Webhook.Result answer = Webhook.post(harness.client, harness.actionPostUrl(), harness.relay.actionUrl(),
                RelayHarness.TOKEN, form).join();
        assertEquals(200, answer.status());
        String token = SimulatedCall.twimlParameters(answer.body()).get(CallTokens.PARAMETER);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !harness.events(first.callSid(), EventKind.ACTION_CALLBACK).isEmpty());
        SimulatedCall second = SimulatedCall.builder(harness.client, java.net.URI.create(harness.relay.localRelayUrl()))
                .signedUrl(harness.relay.relayUrl()).authToken(RelayHarness.TOKEN).callSid(first.callSid())
                .callStatus("IN_PROGRESS").customParameters(Map.of(CallTokens.PARAMETER, token))
                .timeout(Duration.ofSeconds(20)).build().open();
        assertEquals(1000, first.awaitClosed().code());
        stillServes(second);
    }
}
