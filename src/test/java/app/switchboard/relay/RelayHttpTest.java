package app.switchboard.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallAgent;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.EventPayload;
import app.switchboard.call.OutboundAttempt;
import app.switchboard.call.OutboundStatus;
import app.switchboard.call.RecordingConnection;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.sim.TwilioSignature;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's HTTP side over real TLS: health, webhooks, signatures behind a public URL. */
class RelayHttpTest {

    private static final String TOKEN = "test-auth-token-0123456789abcdef";
    private static final String PUBLIC = "https://calls.example.test/switchboard";

    @TempDir
    Path dataDir;

    private CallRegistry registry;
    private RelayServer relay;
    private HttpClient http;
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Settings settings = new Settings();
        settings.handoffNumber = "+15550109999";
        registry = new CallRegistry(CallAgent.silent(), settings.languageCodes(), "en-US");
        registry.subscribe(events::add);
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC,
                new RelayConfig.TlsSource.SelfSigned(dataDir), TOKEN, settings), registry);
        relay.start();
        http = new HttpClient();
        http.setSslContextFactory(new SslContextFactory.Client(true));
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        http.stop();
        relay.close();
        registry.close();
    }

    private ContentResponse post(String path, Map<String, String> form, String signature) throws Exception {
        Fields fields = new Fields();
        form.forEach(fields::put);
        Request request = http.newRequest(relay.localBaseUrl() + path).method(HttpMethod.POST)
                .body(new FormRequestContent(fields));
        if (signature != null) {
            request.headers(h -> h.put(TwilioSignatures.HEADER, signature));
        }
        return request.send();
    }

    @Test
    void healthAnswersWithoutASignature() throws Exception {
        ContentResponse response = http.GET(relay.localBaseUrl() + "/health");
        assertEquals(200, response.getStatus());
        assertTrue(response.getContentAsString().contains("\"status\":\"ok\""));
    }

    @Test
    void publicUrlsAreDerivedFromTheConfiguredOrigin() {
        assertEquals("wss://calls.example.test/switchboard/relay", relay.relayUrl());
        assertEquals(PUBLIC + "/twiml", relay.twimlUrl());
        assertEquals(PUBLIC + "/action", relay.actionUrl());
        assertEquals(PUBLIC + "/status", relay.statusUrl());
    }

    private static Map<String, String> statusForm(String status, int sequence) {
        return Map.of("CallSid", "CA200", "AccountSid", "AC0123456789abcdef0123456789abcdef",
                "From", "+15550100001", "To", "+15550109876", "Direction", "outbound-api", "CallStatus", status,
                "CallbackSource", "call-progress-events", "SequenceNumber", Integer.toString(sequence));
    }

    @Test
    void signedStatusCallbacksAreAcceptedAndListedAsTheOutboundAttempt() throws Exception {
        Map<String, String> ringing = statusForm("ringing", 1);
        assertEquals(204, post("/status", ringing, TwilioSignature.sign(TOKEN, relay.statusUrl(), ringing)).getStatus());
        assertEquals(OutboundStatus.RINGING, registry.outboundAttempts().get(0).status());

        Map<String, String> busy = statusForm("busy", 2);
        assertEquals(204, post("/status", busy, TwilioSignature.sign(TOKEN, relay.statusUrl(), busy)).getStatus());
        OutboundAttempt attempt = registry.outboundAttempts().get(0);
        assertEquals(List.of("CA200", "+15550100001", "+15550109876", OutboundStatus.BUSY),
                List.of(attempt.callSid(), attempt.from(), attempt.to(), attempt.status()));
        assertEquals(1, registry.outboundAttempts().size());
    }

    @Test
    void unsignedStatusCallbackIsForbiddenAndListsNothing() throws Exception {
        assertEquals(403, post("/status", statusForm("no-answer", 3), null).getStatus());
        assertTrue(registry.outboundAttempts().isEmpty());
    }

    @Test
    void statusCallbackSignedWithAnotherTokenIsForbidden() throws Exception {
        Map<String, String> failed = statusForm("failed", 3);
        String forged = TwilioSignature.sign("someone-elses-token-0000", relay.statusUrl(), failed);
        assertEquals(403, post("/status", failed, forged).getStatus());
        assertTrue(registry.outboundAttempts().isEmpty());
    }

    @Test
    void signedVoiceWebhookGetsConversationRelayTwiml() throws Exception {
        Map<String, String> form = Map.of("CallSid", "CA100", "From", "+15550100001", "To", "+15550100002");
        ContentResponse response = post("/twiml", form, TwilioSignature.sign(TOKEN, relay.twimlUrl(), form));
        assertEquals(200, response.getStatus());
        String xml = response.getContentAsString();
        assertTrue(xml.contains("url=\"wss://calls.example.test/switchboard/relay\""), xml);
        assertTrue(xml.contains("action=\"https://calls.example.test/switchboard/action\""), xml);
    }

    @Test
    void unsignedVoiceWebhookIsForbidden() throws Exception {
        assertEquals(403, post("/twiml", Map.of("CallSid", "CA101"), null).getStatus());
    }

    @Test
    void webhookSignedOverTheLocalUrlIsForbidden() throws Exception {
        Map<String, String> form = Map.of("CallSid", "CA102");
        assertEquals(403, post("/twiml", form, TwilioSignature.sign(TOKEN, relay.localBaseUrl() + "/twiml", form)).getStatus());
    }

    @Test
    void webhookWithTamperedParametersIsForbidden() throws Exception {
        Map<String, String> signedForm = Map.of("CallSid", "CA103", "From", "+15550100001");
        String signature = TwilioSignature.sign(TOKEN, relay.twimlUrl(), signedForm);
        assertEquals(403, post("/twiml", Map.of("CallSid", "CA103", "From", "+15559999999"), signature).getStatus());
    }

    @Test
    void actionForAnEndedSessionWithHandoffDialsTheHuman() throws Exception {
        Map<String, String> form = Map.of("CallSid", "CA104", "SessionStatus", "ended", "CallStatus", "in-progress",
                "HandoffData", "{\"handToHuman\":true}");
        ContentResponse response = post("/action", form, TwilioSignature.sign(TOKEN, relay.actionUrl(), form));
        assertEquals(200, response.getStatus());
        assertTrue(response.getContentAsString().contains("<Dial>+15550109999</Dial>"), response.getContentAsString());
    }

    @Test
    void unsignedActionIsForbiddenAndRecordsNothing() throws Exception {
        // The call must be known: an action for an unknown call is never recorded, signed or not.
        registry.attach(new InboundMessage.Setup("VX105", "AC1", "CA105", "", "+15550100001", "+15550100002", "", "",
                "inbound", "PSTN", "RINGING", Map.of()), new RecordingConnection());
        Map<String, String> unsigned = Map.of("CallSid", "CA105", "SessionStatus", "completed", "Attempt", "unsigned");
        assertEquals(403, post("/action", unsigned, null).getStatus());

        // A signed callback for the same call is recorded; it runs on the call's serial executor
        // behind anything the unsigned one could have queued, so once it is there, so would that be.
        Map<String, String> signed = Map.of("CallSid", "CA105", "SessionStatus", "completed", "Attempt", "signed");
        assertEquals(200, post("/action", signed, TwilioSignature.sign(TOKEN, relay.actionUrl(), signed)).getStatus());
        await().until(() -> actionCallbacks().contains("signed"));
        assertEquals(List.of("signed"), actionCallbacks());
    }

    private List<String> actionCallbacks() {
        return events.stream().filter(e -> e.callId().equals("CA105"))
                .map(e -> e.as(EventPayload.ActionCallback.class)).filter(java.util.Objects::nonNull)
                .map(a -> a.field("Attempt")).toList();
    }

    @Test
    void getOnAWebhookIsNotAllowed() throws Exception {
        assertEquals(405, http.GET(relay.localBaseUrl() + "/twiml").getStatus());
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        assertEquals(404, http.GET(relay.localBaseUrl() + "/nope").getStatus());
    }

    @Test
    void relayPathWithoutUpgradeIsABadRequest() throws Exception {
        ContentResponse response = http.GET(relay.localBaseUrl() + "/relay");
        assertEquals(400, response.getStatus());
        assertTrue(response.getContentAsString().contains("WebSocket upgrade required"), response.getContentAsString());
    }
}
