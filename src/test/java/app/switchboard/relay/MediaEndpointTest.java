package app.switchboard.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.Settings;
import app.switchboard.media.AudioFrame;
import app.switchboard.media.MediaCodec;
import app.switchboard.media.MediaMessage;
import app.switchboard.media.Track;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /media} on the real relay (Jetty over TLS, a real WebSocket client, signatures on):
 * the upgrade is signed, a stream reaches only its own live call with that call's token, and a
 * call's audio is held in a bounded ring.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MediaEndpointTest {

    private static final String TOKEN = SetupValidationTest.TOKEN;
    private static final String PUBLIC_URL = "https://calls.example.test";
    private static final String ACCOUNT = "AC" + "0".repeat(32);

    @TempDir
    Path dataDir;
    private final CallTokens tokens = CallTokens.random();
    private OfflineResponder responder;
    private CallRegistry registry;
    private RelayServer relay;
    private RawSocket.Client client;

    @BeforeEach
    void start() throws Exception {
        Settings settings = new Settings();
        responder = new OfflineResponder(0);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC_URL,
                new RelayConfig.TlsSource.SelfSigned(Files.createDirectories(dataDir.resolve("tls"))), TOKEN,
                settings, tokens), registry);
        relay.mediaLimits(MediaEndpoint.Limits.defaults().withCallWait(Duration.ofMillis(500)));
        relay.start();
        client = new RawSocket.Client();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        relay.close();
        registry.close();
        responder.close();
    }

    private void liveCall(String callSid) throws Exception {
        RawSocket socket = client.open(relay, TOKEN);
        ObjectNode setup = SetupValidationTest.realSetup(callSid);
        ((ObjectNode) setup.get("customParameters")).put(CallTokens.PARAMETER, tokens.token(callSid));
        socket.send(setup.toString()).get(10, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> registry.find(callSid) != null);
    }

    private static String start(String callSid, String streamSid, String token) {
        Map<String, String> params = token == null ? Map.of() : Map.of(CallTokens.PARAMETER, token);
        return MediaCodec.encode(new MediaMessage.Start(1, streamSid, ACCOUNT, callSid,
                List.of(Track.INBOUND, Track.OUTBOUND), params, MediaMessage.MediaFormat.MULAW_8K));
    }

    private static String media(String streamSid, Track track, long chunk, byte[] payload) {
        return MediaCodec.encode(new MediaMessage.Media(chunk + 1, streamSid, track, chunk, (chunk - 1) * 20, payload));
    }

    private static byte[] frame(int seed) {
        byte[] b = new byte[160];
        Arrays.fill(b, (byte) seed);
        return b;
    }

    private RawSocket streaming(String callSid, String streamSid) throws Exception {
        RawSocket socket = client.openMedia(relay, TOKEN);
        socket.send("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}").get(10, TimeUnit.SECONDS);
        socket.send(start(callSid, streamSid, tokens.token(callSid))).get(10, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> relay.liveAudio().streaming(callSid));
        return socket;
    }

    @Test
    void anUnsignedOrForgedUpgradeIsRefusedBeforeTheSocketOpens() {
        assertEquals(Optional.of(403), client.mediaRefusal(relay, null));
        assertEquals(Optional.of(403), client.mediaRefusal(relay, "f".repeat(32)));
        assertEquals(Optional.empty(), client.mediaRefusal(relay, TOKEN));
    }

    @Test
    void aStreamWithAnotherCallsTokenIsClosed1008() throws Exception {
        String callSid = "CA" + "1".repeat(32);
        liveCall(callSid);
        RawSocket socket = client.openMedia(relay, TOKEN);
        socket.send(start(callSid, "MZ" + "1".repeat(32), tokens.token("CA" + "9".repeat(32))));
        RawSocket.Closed closed = socket.awaitClose();
        assertEquals(1008, closed.code());
        assertTrue(closed.reason().contains("token"), closed.reason());
        assertFalse(relay.liveAudio().streaming(callSid));
    }

    @Test
    void aStreamForACallTheRelayDoesNotHaveIsClosed1008() throws Exception {
        String callSid = "CA" + "2".repeat(32);
        RawSocket socket = client.openMedia(relay, TOKEN);
        socket.send(start(callSid, "MZ" + "2".repeat(32), tokens.token(callSid)));
        RawSocket.Closed closed = socket.awaitClose();
        assertEquals(1008, closed.code());
        assertEquals("Unknown call", closed.reason());
    }

    @Test
    void framesReachTheListenersOfTheirOwnCallOnly() throws Exception {
        String callSid = "CA" + "3".repeat(32);
        String other = "CA" + "4".repeat(32);
        liveCall(callSid);
        List<AudioFrame> heard = new CopyOnWriteArrayList<>();
        List<AudioFrame> otherHeard = new CopyOnWriteArrayList<>();
        relay.liveAudio().listen(callSid, heard::add);
        relay.liveAudio().listen(other, otherHeard::add);
        String streamSid = "MZ" + "3".repeat(32);
        RawSocket socket = streaming(callSid, streamSid);

        socket.send(media(streamSid, Track.INBOUND, 1, frame(1))).get(10, TimeUnit.SECONDS);
        socket.send(media(streamSid, Track.OUTBOUND, 1, frame(2))).get(10, TimeUnit.SECONDS);
        socket.send(media("MZ" + "f".repeat(32), Track.INBOUND, 2, frame(3))).get(10, TimeUnit.SECONDS); // not this stream's
        socket.send(media(streamSid, Track.INBOUND, 2, frame(4))).get(10, TimeUnit.SECONDS);

        await().atMost(10, TimeUnit.SECONDS).until(() -> heard.size() >= 3);
        assertEquals(List.of(Track.INBOUND, Track.OUTBOUND, Track.INBOUND), heard.stream().map(AudioFrame::track).toList());
        assertEquals(List.of(0L, 0L, 20L), heard.stream().map(AudioFrame::timestampMs).toList());
        assertArrayEquals(frame(2), heard.get(1).mulaw());
        assertTrue(heard.stream().allMatch(f -> f.callId().equals(callSid)));
        assertTrue(otherHeard.isEmpty());
    }

    @Test
    void aCallKeepsOnlyTheNewestTwoSecondsPerTrack() throws Exception {
        String callSid = "CA" + "5".repeat(32);
        liveCall(callSid);
        String streamSid = "MZ" + "5".repeat(32);
        RawSocket socket = streaming(callSid, streamSid);
        byte[] all = new byte[150 * 160]; // 3 s
        for (int chunk = 1; chunk <= 150; chunk++) {
            byte[] f = frame(chunk);
            System.arraycopy(f, 0, all, (chunk - 1) * 160, 160);
            socket.send(media(streamSid, Track.INBOUND, chunk, f)).get(10, TimeUnit.SECONDS);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> relay.liveAudio().received(callSid, Track.INBOUND) == all.length);
        byte[] kept = relay.liveAudio().recent(callSid, Track.INBOUND);
        assertEquals(16_000, kept.length);
        assertArrayEquals(Arrays.copyOfRange(all, all.length - 16_000, all.length), kept);
        assertEquals(0, relay.liveAudio().recent(callSid, Track.OUTBOUND).length);
    }

    @Test
    void aStreamThatStartsBeforeItsRelaySessionIsTiedOnceTheCallExists() throws Exception {
        // <Start> runs before <Connect>: Twilio may open the stream before the relay socket.
        String callSid = "CA" + "6".repeat(32);
        relay.close();
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC_URL,
                new RelayConfig.TlsSource.SelfSigned(dataDir.resolve("tls")), TOKEN, new Settings(), tokens), registry);
        relay.mediaLimits(MediaEndpoint.Limits.defaults().withCallWait(Duration.ofSeconds(20)));
        relay.start();
        RawSocket socket = client.openMedia(relay, TOKEN);
        socket.send(start(callSid, "MZ" + "6".repeat(32), tokens.token(callSid))).get(10, TimeUnit.SECONDS);
        assertFalse(relay.liveAudio().streaming(callSid));
        liveCall(callSid);
        await().atMost(10, TimeUnit.SECONDS).until(() -> relay.liveAudio().streaming(callSid));
        assertTrue(socket.isOpen());
    }

    @Test
    void stopEndsTheStreamAndDropsItsAudio() throws Exception {
        String callSid = "CA" + "7".repeat(32);
        liveCall(callSid);
        String streamSid = "MZ" + "7".repeat(32);
        RawSocket socket = streaming(callSid, streamSid);
        socket.send(media(streamSid, Track.INBOUND, 1, frame(9))).get(10, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> relay.liveAudio().recent(callSid, Track.INBOUND).length == 160);
        socket.send(MediaCodec.encode(new MediaMessage.Stop(3, streamSid, ACCOUNT, callSid))).get(10, TimeUnit.SECONDS);
        assertEquals(1000, socket.awaitClose().code());
        await().atMost(10, TimeUnit.SECONDS).until(() -> !relay.liveAudio().streaming(callSid));
        assertEquals(0, relay.liveAudio().recent(callSid, Track.INBOUND).length);
    }

    @Test
    void aFloodingStreamIsClosed1008() throws Exception {
        relay.close();
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC_URL,
                new RelayConfig.TlsSource.SelfSigned(dataDir.resolve("tls")), TOKEN, new Settings(), tokens), registry);
        relay.mediaLimits(MediaEndpoint.Limits.defaults().withFrameRate(10, 20));
        relay.start();
        String callSid = "CA" + "8".repeat(32);
        liveCall(callSid);
        String streamSid = "MZ" + "8".repeat(32);
        RawSocket socket = streaming(callSid, streamSid);
        for (int chunk = 1; chunk <= 200 && !socket.closed.isDone(); chunk++) {
            try {
                socket.send(media(streamSid, Track.INBOUND, chunk, frame(chunk))).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                break; // closed under the sender
            }
        }
        RawSocket.Closed closed = socket.awaitClose();
        assertEquals(1008, closed.code());
        assertEquals("Too many frames per second", closed.reason());
    }
}
