package app.switchboard.supervisor;

import app.switchboard.media.MediaCodec;
import app.switchboard.media.MediaMessage;
import app.switchboard.media.Track;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TwilioSignature;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Twilio's side of a call's {@code <Start><Stream>}, as the demo's {@code MediaStreamer} plays
 * it (signed upgrade on {@code /media}, {@code connected}, {@code start} with the TwiML's
 * parameters, a 160-byte μ-law {@code media} frame per track every 20 ms of stream time), but
 * driven by the test frame by frame, with payloads it remembers, so what a console hears can
 * be compared byte for byte with what was sent.
 */
public final class ScriptedMediaStream implements Session.Listener.AutoDemanding, AutoCloseable {

    static final int FRAME_BYTES = 160;

    private final HttpClient http = new HttpClient();
    private final WebSocketClient client;
    private final String callSid;
    private final int seed;
    private final String streamSid = "MZ" + "0".repeat(30) + "01";
    private volatile Session session;
    private long sequence;
    private long chunk;
    private final Map<Track, List<byte[]>> sent = new EnumMap<>(Track.class);

    /** Opens {@code call}'s stream as its TwiML asked; {@code seed} makes this call's bytes its own. */
    ScriptedMediaStream(ConsoleHarness harness, SimulatedCall call, int seed) throws Exception {
        this.callSid = call.callSid();
        this.seed = seed;
        var request = call.mediaStream().orElseThrow(() -> new AssertionError("the TwiML started no stream"));
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(ConsoleHarness.trustAny());
        ssl.setEndpointIdentificationAlgorithm(null);
        http.setSslContextFactory(ssl);
        client = new WebSocketClient(http);
        client.start();
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setHeader(TwilioSignature.HEADER, TwilioSignature.sign(ConsoleHarness.TWILIO_TOKEN, request.url()));
        URI media = URI.create(harness.relay.localBaseUrl().replace("https://", "wss://") + "/media");
        client.connect(this, media, upgrade).get(10, TimeUnit.SECONDS);
        send(MediaCodec.encode(new MediaMessage.Connected("Call", "1.0.0")));
        send(MediaCodec.encode(new MediaMessage.Start(++sequence, streamSid, "AC" + "0".repeat(32), callSid,
                List.of(Track.INBOUND, Track.OUTBOUND), request.parameters(), MediaMessage.MediaFormat.MULAW_8K)));
        sent.put(Track.INBOUND, new ArrayList<>());
        sent.put(Track.OUTBOUND, new ArrayList<>());
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
    }

    /** The next {@code n} 20 ms frames of both tracks, inbound then outbound, each written before the next. */
    synchronized void frames(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            chunk++;
            for (Track track : Track.values()) {
                byte[] payload = payload(track, chunk);
                sent.get(track).add(payload);
                send(MediaCodec.encode(new MediaMessage.Media(++sequence, streamSid, track, chunk, (chunk - 1) * 20,
                        payload)));
            }
        }
    }

    private byte[] payload(Track track, long k) {
        byte[] b = new byte[FRAME_BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 37 + k * 11 + i + (track == Track.OUTBOUND ? 101 : 0));
        }
        return b;
    }

    /** What was sent on {@code track}, in order. */
    synchronized List<byte[]> sent(Track track) {
        return List.copyOf(sent.get(track));
    }

    /** The stream time of the next frame. */
    synchronized long nextTimestamp() {
        return chunk * 20;
    }

    private void send(String text) throws Exception {
        Callback.Completable written = new Callback.Completable();
        session.sendText(text, written);
        written.get(10, TimeUnit.SECONDS);
    }

    String callSid() {
        return callSid;
    }

    @Override
    public void close() throws Exception {
        client.stop();
        http.stop();
    }
}
