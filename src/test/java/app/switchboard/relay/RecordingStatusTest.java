package app.switchboard.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallAgent;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.config.Settings;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TwilioSignature;
import app.switchboard.store.EventStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /recording-status} on a real relay over TLS, with calls placed by the simulator over
 * real wss and every event going to a real SQLite store: signed callbacks are recorded on their
 * call, live or already ended; unsigned, forged or malformed ones are refused and recorded nowhere.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordingStatusTest {

    private static final String TOKEN = "test-auth-token-0123456789abcdef";
    private static final String PUBLIC = "https://calls.example.test/switchboard";
    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String RECORDING = "RE0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private CallRegistry registry;
    private EventStore store;
    private RelayServer relay;
    private HttpClient http;
    private SimClient sim;
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Settings settings = new Settings();
        settings.recordCalls = true;
        registry = new CallRegistry(CallAgent.silent(), settings.languageCodes(), "en-US");
        registry.subscribe(events::add);
        store = EventStore.open(Files.createDirectories(dir.resolve("store"))).attach(registry);
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC,
                new RelayConfig.TlsSource.SelfSigned(dir), TOKEN, settings), registry);
        relay.start();
        http = new HttpClient();
        http.setSslContextFactory(new SslContextFactory.Client(true));
        http.start();
        sim = SimClient.pinned(relay.fingerprint());
    }

    @AfterEach
    void stop() throws Exception {
        sim.close();
        http.stop();
        relay.close();
        registry.close();
        store.close();
    }

    /** A caller placed as Twilio would: voice webhook, then the signed socket, with the action URL. */
    private SimulatedCall call() {
        URI action = URI.create(relay.localBaseUrl() + "/action");
        return SimulatedCall.builder(sim, URI.create(relay.localRelayUrl()))
                .signedUrl(relay.relayUrl()).authToken(TOKEN)
                .action(action, relay.actionUrl()).voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(20)).build().open();
    }

    private static Map<String, String> form(String callSid, String status, String duration) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", ACCOUNT);
        form.put("CallSid", callSid);
        form.put("RecordingSid", RECORDING);
        form.put("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + RECORDING);
        form.put("RecordingStatus", status);
        form.put("RecordingDuration", duration);
        form.put("RecordingChannels", "2");
        form.put("RecordingSource", "StartCallRecordingTwiML");
        form.put("RecordingStartTime", "Tue, 01 Dec 2026 10:00:00 +0000");
        return form;
    }

    private ContentResponse post(Map<String, String> form, String signature) throws Exception {
        Fields fields = new Fields();
        form.forEach(fields::put);
        Request request = http.newRequest(relay.localBaseUrl() + "/recording-status").method(HttpMethod.POST)
                .body(new FormRequestContent(fields));
        if (signature != null) {
            request.headers(h -> h.put(TwilioSignatures.HEADER, signature));
        }
        return request.send();
    }

    private ContentResponse signedPost(Map<String, String> form) throws Exception {
        return post(form, TwilioSignature.sign(TOKEN, relay.recordingStatusUrl(), form));
    }

    private List<EventPayload.Recording> recorded(String callSid) {
        return events.stream().filter(e -> e.callId().equals(callSid))
                .map(e -> e.as(EventPayload.Recording.class)).filter(java.util.Objects::nonNull).toList();
    }

    private List<CallEvent> stored(String callSid) throws InterruptedException {
        assertTrue(store.flush(Duration.ofSeconds(20)), "store flushed");
        return store.events(callSid);
    }

    @Test
    void theRelaysTwimlAsksForStatusCallbacksAtItsPublicUrl() throws Exception {
        Map<String, String> voice = Map.of("CallSid", "CA0123456789abcdef0123456789abcdef", "From", "+15550100001");
        Fields fields = new Fields();
        voice.forEach(fields::put);
        String twiml = http.newRequest(relay.localBaseUrl() + "/twiml").method(HttpMethod.POST)
                .headers(h -> h.put(TwilioSignatures.HEADER, TwilioSignature.sign(TOKEN, relay.twimlUrl(), voice)))
                .body(new FormRequestContent(fields)).send().getContentAsString();
        assertEquals(PUBLIC + "/recording-status", relay.recordingStatusUrl());
        assertTrue(twiml.contains("recordingStatusCallback=\"" + PUBLIC + "/recording-status\""), twiml);
        assertTrue(twiml.indexOf("<Start><Recording") < twiml.indexOf("<Connect"), twiml);
    }

    @Test
    void aSignedCallbackOnALiveCallIsItsEventAndIsStored() throws Exception {
        SimulatedCall caller = call();
        String callSid = caller.callSid();
        await().until(() -> registry.find(callSid) != null);

        assertEquals(204, signedPost(form(callSid, "in-progress", "-1")).getStatus());
        EventPayload.Recording expected = new EventPayload.Recording(RECORDING, "in-progress",
                "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + RECORDING, null, null);
        await().until(() -> !recorded(callSid).isEmpty());
        assertEquals(List.of(expected), recorded(callSid));
        assertEquals(List.of(expected), registry.events(callSid).stream()
                .map(e -> e.as(EventPayload.Recording.class)).filter(java.util.Objects::nonNull).toList());
        assertEquals(expected, stored(callSid).stream().filter(e -> e.kind() == EventKind.RECORDING)
                .findFirst().orElseThrow().payload());
        caller.hangUp().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aCompletedRecordingAfterTheCallEndedIsStoredAfterCallEnded() throws Exception {
        SimulatedCall caller = call();
        String callSid = caller.callSid();
        // Hung up only once the relay holds the call: an action webhook for a call it does not know is dropped.
        await().until(() -> registry.find(callSid) != null);
        caller.hangUp().get(20, TimeUnit.SECONDS);
        assertEquals(200, caller.actionResult().get(20, TimeUnit.SECONDS).status());
        await().until(() -> events.stream().anyMatch(e -> e.callId().equals(callSid) && e.kind() == EventKind.CALL_ENDED));
        await().until(() -> store.call(callSid).map(c -> c.ended()).orElse(false));

        assertEquals(204, signedPost(form(callSid, "completed", "42")).getStatus());

        await().until(() -> store.call(callSid).map(c -> "completed".equals(c.recording())).orElse(false));
        List<CallEvent> record = stored(callSid);
        CallEvent last = record.get(record.size() - 1);
        assertEquals(new EventPayload.Recording(RECORDING, "completed",
                "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + RECORDING, 42, null), last.payload());
        CallEvent ended = record.stream().filter(e -> e.kind() == EventKind.CALL_ENDED).findFirst().orElseThrow();
        assertTrue(last.seq() > ended.seq(), "the recording follows the end in the call's own sequence");
        assertTrue(store.call(callSid).orElseThrow().ended(), "a late recording does not reopen the call");
    }

    @Test
    void unsignedAndForgedCallbacksAreForbiddenAndRecordedNowhere() throws Exception {
        SimulatedCall caller = call();
        String callSid = caller.callSid();
        await().until(() -> registry.find(callSid) != null);

        assertEquals(403, post(form(callSid, "absent", "0"), null).getStatus());
        Map<String, String> forged = form(callSid, "absent", "1");
        assertEquals(403, post(forged, TwilioSignature.sign("someone-elses-token-0000", relay.recordingStatusUrl(), forged))
                .getStatus());
        Map<String, String> signedElsewhere = form(callSid, "absent", "2");
        assertEquals(403, post(signedElsewhere, TwilioSignature.sign(TOKEN, relay.statusUrl(), signedElsewhere))
                .getStatus(), "a signature over another webhook's URL");

        // A signed one runs on the call's serial executor behind anything the refused ones could
        // have queued: once it is recorded, theirs would be too.
        assertEquals(204, signedPost(form(callSid, "completed", "3")).getStatus());
        await().until(() -> !recorded(callSid).isEmpty());
        assertEquals(List.of("completed"), recorded(callSid).stream().map(EventPayload.Recording::status).toList());
        caller.hangUp().get(20, TimeUnit.SECONDS);
        assertEquals(List.of("completed"), stored(callSid).stream().map(e -> e.as(EventPayload.Recording.class))
                .filter(java.util.Objects::nonNull).map(EventPayload.Recording::status).toList());
    }

    @Test
    void aSignedButMalformedCallbackIsABadRequestAndRecordsNothing() throws Exception {
        SimulatedCall caller = call();
        String callSid = caller.callSid();
        await().until(() -> registry.find(callSid) != null);

        Map<String, String> script = form(callSid, "completed", "5");
        script.put("RecordingUrl", "javascript:alert(1)");
        assertEquals(400, signedPost(script).getStatus());
        Map<String, String> shortSid = form(callSid, "completed", "5");
        shortSid.put("RecordingSid", "RE123");
        assertEquals(400, signedPost(shortSid).getStatus());

        assertEquals(204, signedPost(form(callSid, "completed", "6")).getStatus());
        await().until(() -> !recorded(callSid).isEmpty());
        assertEquals(List.of(6), recorded(callSid).stream().map(EventPayload.Recording::durationSeconds).toList());
        caller.hangUp().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aCallbackForACallThisRelayDoesNotHoldStartsNoCall() throws Exception {
        String unknown = "CAffffffffffffffffffffffffffffffff";
        assertEquals(204, signedPost(form(unknown, "completed", "7")).getStatus());
        assertEquals(null, registry.find(unknown));
        assertTrue(stored(unknown).isEmpty());
    }
}
