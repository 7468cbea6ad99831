package app.switchboard.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.config.Settings;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.store.EventStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket flooding the real relay (TLS, real sockets, the real store) is closed with the
 * documented code, leaves a bounded record, and does not slow another live call down.
 * The relay runs with the default limits: these are the ones documented in docs/security.md.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketFloodTest {

    private static final Logger LOG = LoggerFactory.getLogger(SocketFloodTest.class);
    private static final String TOKEN = SetupValidationTest.TOKEN;
    private static final String PUBLIC_URL = "https://calls.example.test";
    private static final int MAX_PREFIX = 512;

    @TempDir
    Path dataDir;
    private final CallTokens tokens = CallTokens.random();
    private OfflineResponder responder;
    private CallRegistry registry;
    private RelayServer relay;
    private EventStore store;
    private RawSocket.Client client;
    private SimClient sim;

    @BeforeEach
    void start() throws Exception {
        start(RelayConfig.Limits.defaults());
    }

    private void restart(RelayConfig.Limits limits) throws Exception {
        stop();
        start(limits);
    }

    private void start(RelayConfig.Limits limits) throws Exception {
        Settings settings = new Settings();
        responder = new OfflineResponder(0);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        store = EventStore.open(Files.createDirectories(dataDir.resolve("store"))).attach(registry);
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC_URL,
                new RelayConfig.TlsSource.SelfSigned(Files.createDirectories(dataDir.resolve("tls"))), TOKEN,
                settings, tokens, limits), registry);
        relay.start();
        client = new RawSocket.Client();
        sim = SimClient.pinned(relay.fingerprint());
    }

    @AfterEach
    void stop() throws Exception {
        sim.close();
        client.close();
        relay.close();
        registry.close();
        store.close();
        responder.close();
    }

    /** A socket with a call: a real setup carrying this relay's token for a fresh callSid. */
    private RawSocket socketWithCall(String callSid) throws Exception {
        RawSocket socket = client.open(relay, TOKEN);
        ObjectNode setup = SetupValidationTest.realSetup(callSid);
        ((ObjectNode) setup.get("customParameters")).put(CallTokens.PARAMETER, tokens.token(callSid));
        socket.send(setup.toString()).get(10, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> registry.find(callSid) != null);
        return socket;
    }

    /** Sends {@code frame} up to {@code max} times, each once the previous is written, until the relay closes. */
    private static int flood(RawSocket socket, String frame, int max) throws InterruptedException {
        int sent = 0;
        while (sent < max && !socket.closed.isDone()) {
            try {
                socket.send(frame).get(10, TimeUnit.SECONDS);
                sent++;
            } catch (ExecutionException | TimeoutException e) {
                break; // the relay closed the socket under the sender
            }
        }
        return sent;
    }

    private static String unknownFrame(int chars) {
        String head = "{\"type\":\"flood\",\"pad\":\"";
        return head + "x".repeat(chars - head.length() - 2) + "\"}";
    }

    private List<CallEvent> stored(String callSid) throws InterruptedException {
        assertTrue(store.flush(Duration.ofSeconds(20)), "the store caught up");
        return store.events(callSid);
    }

    private static List<CallEvent> ofKind(List<CallEvent> events, EventKind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    private static EventPayload.SessionClosed closeRecord(List<CallEvent> events) {
        List<CallEvent> closes = ofKind(events, EventKind.SESSION_CLOSED);
        assertEquals(1, closes.size(), "one close recorded: " + closes);
        return closes.get(0).as(EventPayload.SessionClosed.class);
    }

    /*
     * A socket that is still writing when the relay closes it may lose the close frame to a
     * broken pipe on its own side: the flood tests read the code from the call's record, and
     * these tests, which stop writing at the frame that trips the limit, check what the peer hears.
     */

    @Test
    void theTwentiethUnknownFrameInARowClosesTheSocket1007AsTwilioWords() throws Exception {
        RawSocket socket = socketWithCall(SimulatedCall.newSid("CA"));
        for (int i = 0; i < 20; i++) {
            socket.send("{\"type\":\"flood\",\"n\":" + i + "}").get(10, TimeUnit.SECONDS);
        }
        assertEquals(new RawSocket.Closed(1007, "Too many consecutive malformed messages."), socket.awaitClose());
    }

    @Test
    void aValidFrameBetweenBadOnesStartsTheCountAgain() throws Exception {
        String callSid = SimulatedCall.newSid("CA");
        RawSocket socket = socketWithCall(callSid);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 19; i++) {
                socket.send("not json " + i).get(10, TimeUnit.SECONDS);
            }
            socket.send("{\"type\":\"info\",\"name\":\"agentSpeaking\",\"value\":\"off\"}").get(10, TimeUnit.SECONDS);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> ofKind(stored(callSid), EventKind.INFO).size() == 2);
        assertEquals(38, ofKind(stored(callSid), EventKind.MALFORMED_FRAME).size());
        assertTrue(socket.isOpen());
    }

    @Test
    void theFrameThatBreaksTheByteRateClosesTheSocket1008() throws Exception {
        RawSocket socket = socketWithCall(SimulatedCall.newSid("CA"));
        String frame = "{\"type\":\"info\",\"name\":\"pad\",\"value\":\"" + "y".repeat(59_960) + "\"}";
        for (int i = 0; i < 5; i++) { // 5 x 60,000 bytes > the 256 KiB burst
            socket.send(frame).get(10, TimeUnit.SECONDS);
        }
        assertEquals(new RawSocket.Closed(1008, "Too many bytes per second"), socket.awaitClose());
    }

    @Test
    void theFrameThatBreaksTheFrameRateClosesTheSocket1008() throws Exception {
        restart(RelayConfig.Limits.defaults().withFrameRate(0.01, 10));
        RawSocket socket = socketWithCall(SimulatedCall.newSid("CA"));
        for (int i = 0; i < 10; i++) { // the setup took one of the burst of 10
            socket.send("{\"type\":\"dtmf\",\"digit\":\"1\"}").get(10, TimeUnit.SECONDS);
        }
        assertEquals(new RawSocket.Closed(1008, "Too many frames per second"), socket.awaitClose());
    }

    @Test
    void thousandsOfSmallUnknownFramesAreClosed1007AfterTwentyAndOnlyThoseAreRecorded() throws Exception {
        String callSid = SimulatedCall.newSid("CA");
        RawSocket socket = socketWithCall(callSid);
        flood(socket, "{\"type\":\"flood\",\"n\":1}", 5000);

        socket.awaitClose();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !ofKind(stored(callSid), EventKind.SESSION_CLOSED).isEmpty());
        List<CallEvent> events = stored(callSid);
        assertEquals(20, ofKind(events, EventKind.UNKNOWN_MESSAGE).size());
        assertEquals(new EventPayload.SessionClosed(1007, "Too many consecutive malformed messages.", "consecutiveInvalid"),
                closeRecord(events));
        assertTrue(events.size() < 40, "rows for the call: " + events.size());
    }

    @Test
    void sixtyKilobyteUnknownFramesAreClosedByTheByteRateAndRecordedAsBoundedPrefixes() throws Exception {
        String callSid = SimulatedCall.newSid("CA");
        RawSocket socket = socketWithCall(callSid);
        String frame = unknownFrame(60_000);
        flood(socket, frame, 1000);

        socket.awaitClose();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !ofKind(stored(callSid), EventKind.SESSION_CLOSED).isEmpty());
        List<CallEvent> events = stored(callSid);
        List<EventPayload.UnknownMessage> unknown = ofKind(events, EventKind.UNKNOWN_MESSAGE).stream()
                .map(e -> e.as(EventPayload.UnknownMessage.class)).toList();
        // The 256 KiB burst lets four 60,000-character frames through before the fifth trips it.
        assertEquals(4, unknown.size());
        for (EventPayload.UnknownMessage u : unknown) {
            assertEquals(MAX_PREFIX, u.raw().length());
            assertEquals(frame.substring(0, MAX_PREFIX), u.raw());
            assertEquals(60_000, u.size());
            assertEquals("flood", u.type());
        }
        assertEquals(new EventPayload.SessionClosed(1008, "Too many bytes per second", "bytesPerSecond"), closeRecord(events));
    }

    @Test
    void aFloodOfValidFramesIsClosedByTheFrameRate() throws Exception {
        String callSid = SimulatedCall.newSid("CA");
        RawSocket socket = socketWithCall(callSid);
        long start = System.nanoTime();
        int sent = flood(socket, "{\"type\":\"info\",\"name\":\"roundTripDelayMs\",\"value\":\"148\"}", 5000);
        double seconds = (System.nanoTime() - start) / 1e9;

        socket.awaitClose();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !ofKind(stored(callSid), EventKind.SESSION_CLOSED).isEmpty());
        List<CallEvent> events = stored(callSid);
        int infos = ofKind(events, EventKind.INFO).size();
        // The burst of 200 and 50 a second for as long as the flood ran, no more.
        assertTrue(infos >= 200 && infos <= 200 + 50 * seconds + 1, infos + " info rows in " + seconds + " s, " + sent + " sent");
        assertEquals(new EventPayload.SessionClosed(1008, "Too many frames per second", "framesPerSecond"), closeRecord(events));
    }

    @Test
    void aBinaryFrameFloodIsClosed1007AndRecordedBySizeOnly() throws Exception {
        String callSid = SimulatedCall.newSid("CA");
        RawSocket socket = socketWithCall(callSid);
        for (int i = 0; i < 100 && !socket.closed.isDone(); i++) {
            try {
                socket.sendBinary(new byte[1000]).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                break;
            }
        }
        socket.awaitClose();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !ofKind(stored(callSid), EventKind.SESSION_CLOSED).isEmpty());
        assertEquals(1007, closeRecord(stored(callSid)).code());
        List<CallEvent> malformed = ofKind(stored(callSid), EventKind.MALFORMED_FRAME);
        assertEquals(20, malformed.size());
        assertEquals("binary frame of 1000 bytes", malformed.get(0).as(EventPayload.MalformedFrame.class).reason());
    }

    @Test
    void anotherLiveCallIsAnsweredPromptlyWhileSocketsFlood() throws Exception {
        SimulatedCall live = SimulatedCall.builder(sim, URI.create(relay.localRelayUrl()))
                .signedUrl(relay.relayUrl()).authToken(TOKEN)
                .action(URI.create(relay.localBaseUrl() + "/action"), relay.actionUrl())
                .voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(20)).build().open();
        live.say("What are your opening hours", "en-US");
        assertTrue(live.awaitTurn(0).text().startsWith("We are open"));

        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> floodCalls = new ConcurrentLinkedQueue<>();
        List<Thread> flooders = new ArrayList<>();
        for (String frame : List.of("{\"type\":\"flood\",\"n\":1}", unknownFrame(60_000),
                "{\"type\":\"info\",\"name\":\"roundTripDelayMs\",\"value\":\"148\"}")) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        String callSid = SimulatedCall.newSid("CA");
                        RawSocket socket = socketWithCall(callSid);
                        flood(socket, frame, 5000);
                        socket.awaitClose();
                        floodCalls.add(callSid);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        LOG.warn("Flooding socket failed", e);
                    }
                }
            }, "flooder");
            flooders.add(t);
            t.start();
        }
        try {
            await().atMost(20, TimeUnit.SECONDS).until(() -> floodCalls.size() >= 3);
            List<Long> latenciesMs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int mark = live.mark();
                live.say("What are your opening hours", "en-US").get(10, TimeUnit.SECONDS);
                long asked = System.nanoTime();
                SimulatedCall.Turn turn = live.awaitTurn(mark);
                assertTrue(turn.text().startsWith("We are open"), turn.text());
                latenciesMs.add(TimeUnit.NANOSECONDS.toMillis(turn.lastNanos() - asked));
            }
            int closesDuring = floodCalls.size();
            // Printed for the report: the turn latencies of the live call while the flood ran.
            System.out.printf("Live call turns during the flood (ms): %s; flooding sockets closed meanwhile: %d%n",
                    latenciesMs, closesDuring);
            assertTrue(latenciesMs.stream().allMatch(ms -> ms < 3000), "turn latencies " + latenciesMs);
            assertTrue(live.isOpen());
        } finally {
            stop.set(true);
            for (Thread t : flooders) {
                t.join(30_000);
            }
        }
        assertTrue(live.isOpen());
        for (String callSid : floodCalls) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> !ofKind(stored(callSid), EventKind.SESSION_CLOSED).isEmpty());
            EventPayload.SessionClosed closed = closeRecord(stored(callSid));
            assertTrue(closed.limit() != null && (closed.code() == 1007 || closed.code() == 1008), closed.toString());
        }
    }
}
