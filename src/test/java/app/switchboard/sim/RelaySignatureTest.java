package app.switchboard.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures end to end: the relay sits behind a public URL
 * ({@value RelayHarness#PUBLIC_URL}) while the simulator connects to 127.0.0.1, as behind a
 * TLS-terminating tunnel. Only a signature over the public URL with the right token gets in.
 */
class RelaySignatureTest {

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
    void upgradeSignedOverThePublicUrlIsAcceptedOnLoopback() {
        assertEquals(RelayHarness.PUBLIC_URL.replace("https://", "wss://") + "/relay", harness.relay.relayUrl());
        assertTrue(harness.relay.localRelayUrl().startsWith("wss://127.0.0.1:"));
        SimulatedCall call = harness.caller().build();
        assertEquals(Optional.empty(), call.connectOrRefusal());
        call.say("What are your opening hours", "en-US");
        assertTrue(call.awaitTurn(0).text().startsWith("We are open"));
    }

    @Test
    void unsignedUpgradeIsRefusedWith403() {
        assertEquals(Optional.of(403), harness.caller().voiceWebhook(null, null).authToken(null).build().connectOrRefusal());
    }

    @Test
    void upgradeSignedWithAnotherTokenIsRefusedWith403() {
        assertEquals(Optional.of(403), harness.caller().voiceWebhook(null, null).authToken("ffffffffffffffffffffffffffffffff").build().connectOrRefusal());
    }

    @Test
    void upgradeSignedOverTheLocalUrlInsteadOfThePublicOneIsRefused() {
        SimulatedCall call = harness.caller().signedUrl(harness.relay.localRelayUrl()).build();
        assertEquals(Optional.of(403), call.connectOrRefusal());
    }

    @Test
    void upgradeSignedOverTheHttpsFormIsRefused() {
        SimulatedCall call = harness.caller().signedUrl(harness.relay.relayUrl().replace("wss://", "https://")).build();
        assertEquals(Optional.of(403), call.connectOrRefusal());
    }

    private Webhook.Result postAction(String signedUrl, String token) {
        Map<String, String> form = Map.of("CallSid", "CA" + "1".repeat(32), "SessionStatus", "completed",
                "CallStatus", "completed", "AccountSid", "AC" + "0".repeat(32));
        URI to = harness.actionPostUrl();
        return Webhook.post(harness.client, to, signedUrl, token, form).join();
    }

    @Test
    void signedActionWebhookIsAccepted() {
        Webhook.Result result = postAction(harness.relay.actionUrl(), RelayHarness.TOKEN);
        assertEquals(200, result.status());
        assertTrue(result.body().contains("<Response"), result.body());
    }

    @Test
    void unsignedActionWebhookIsRefusedWith403() {
        assertEquals(403, postAction(harness.relay.actionUrl(), null).status());
    }

    @Test
    void forgedActionWebhookIsRefusedWith403() {
        assertEquals(403, postAction(harness.relay.actionUrl(), "ffffffffffffffffffffffffffffffff").status());
        assertEquals(403, postAction(harness.relay.localBaseUrl() + "/action", RelayHarness.TOKEN).status());
    }

    @Test
    void signedVoiceWebhookGetsTwimlPointingAtThePublicRelayUrl() {
        Map<String, String> form = Map.of("CallSid", "CA" + "2".repeat(32), "From", "+15550100002",
                "To", "+15550100001", "CallStatus", "ringing");
        Webhook.Result result = Webhook.post(harness.client, harness.twimlPostUrl(), harness.relay.twimlUrl(),
                RelayHarness.TOKEN, form).join();
        assertEquals(200, result.status());
        assertTrue(result.body().contains("url=\"" + harness.relay.relayUrl() + "\""), result.body());
        assertTrue(harness.registry.events("CA" + "2".repeat(32)).stream().noneMatch(e -> e.kind() == EventKind.SETUP));
    }
}
