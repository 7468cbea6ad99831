package app.switchboard.sim;

import app.switchboard.media.MediaCodec;
import app.switchboard.media.MediaMessage;
import app.switchboard.media.MuLaw;
import app.switchboard.media.Track;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio's side of a {@code <Start><Stream track="both_tracks">} for a simulated call (live
 * audio, docs/live-audio.md): {@code connected}, {@code start} with the TwiML's parameters, then
 * a μ-law {@code media} frame per track every 20 ms, paced by a scheduler, and {@code stop}.
 * There is no real speech: while the caller speaks the inbound track carries a low warble, while
 * the agent speaks the outbound track a higher one, otherwise μ-law silence. Enough to hear the
 * demo and to tell the sides apart.
 */
public final class MediaStreamer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MediaStreamer.class);
    static final int FRAME_BYTES = 160;
    private static final byte SILENCE = (byte) 0xFF;

    /** What the TwiML's {@code <Start><Stream>} asked for. */
    public record Request(String url, String track, Map<String, String> parameters) {
        public Request {
            parameters = Map.copyOf(parameters);
        }
    }

    private final String callSid;
    private final String accountSid;
    private final String streamSid = SimulatedCall.newSid("MZ");
    private final Map<String, String> parameters;
    private final BooleanSupplier callerSpeaking;
    private final BooleanSupplier agentSpeaking;
    private final Tone caller = new Tone(330, 415, 0.25);
    private final Tone agent = new Tone(550, 660, 0.2);
    private final Listener listener = new Listener();
    // Guarded by this: one write at a time (Jetty refuses overlapping ones), in order.
    private final Queue<String> pending = new ArrayDeque<>();
    private boolean writing;
    private volatile ScheduledFuture<?> ticks;
    private long sequence;
    private long chunk;
    private volatile boolean stopped;

    private MediaStreamer(String callSid, String accountSid, Map<String, String> parameters,
                          BooleanSupplier callerSpeaking, BooleanSupplier agentSpeaking) {
        this.callSid = callSid;
        this.accountSid = accountSid;
        this.parameters = parameters;
        this.callerSpeaking = callerSpeaking;
        this.agentSpeaking = agentSpeaking;
    }

    /**
     * Opens the stream and starts sending.
     *
     * @param connectUrl where to open the socket (the relay's {@code /media} on this machine)
     * @param request    the TwiML's stream: its url is what Twilio signs
     */
    public static CompletableFuture<MediaStreamer> open(SimClient client, URI connectUrl, Request request,
                                                        String authToken, String callSid, String accountSid,
                                                        ScheduledExecutorService timer, BooleanSupplier callerSpeaking,
                                                        BooleanSupplier agentSpeaking) {
        MediaStreamer streamer = new MediaStreamer(callSid, accountSid, request.parameters(), callerSpeaking, agentSpeaking);
        streamer.listener.onClose = streamer::stopTicking;
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest(connectUrl);
        upgrade.setHeader("User-Agent", SimulatedCall.SOCKET_USER_AGENT);
        if (authToken != null) {
            upgrade.setHeader(TwilioSignature.HEADER, TwilioSignature.sign(authToken, request.url()));
        }
        try {
            return client.webSocket().connect(streamer.listener, upgrade).thenApply(session -> {
                streamer.begin(timer);
                return streamer;
            });
        } catch (java.io.IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void begin(ScheduledExecutorService timer) {
        send(MediaCodec.encode(new MediaMessage.Connected("Call", "1.0.0")));
        send(MediaCodec.encode(new MediaMessage.Start(++sequence, streamSid, accountSid, callSid,
                List.of(Track.INBOUND, Track.OUTBOUND), parameters, MediaMessage.MediaFormat.MULAW_8K)));
        ticks = timer.scheduleAtFixedRate(this::tick, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** One 20 ms frame per track; timestamps count the stream's own time, not the scheduler's. */
    private void tick() {
        if (stopped) {
            return;
        }
        chunk++;
        long timestamp = (chunk - 1) * 20;
        send(MediaCodec.encode(new MediaMessage.Media(++sequence, streamSid, Track.INBOUND, chunk, timestamp,
                callerSpeaking.getAsBoolean() ? caller.next() : silence())));
        send(MediaCodec.encode(new MediaMessage.Media(++sequence, streamSid, Track.OUTBOUND, chunk, timestamp,
                agentSpeaking.getAsBoolean() ? agent.next() : silence())));
    }

    private static byte[] silence() {
        byte[] b = new byte[FRAME_BYTES];
        java.util.Arrays.fill(b, SILENCE);
        return b;
    }

    /** Frames sent so far per track. */
    public long chunks() {
        return chunk;
    }

    public String streamSid() {
        return streamSid;
    }

    private void send(String frame) {
        Session session = listener.session;
        if (session == null || !session.isOpen()) {
            return;
        }
        synchronized (this) {
            if (writing) {
                if (pending.size() < 100) { // the relay is not reading: drop rather than pile up
                    pending.add(frame);
                }
                return;
            }
            writing = true;
        }
        write(session, frame);
    }

    private void write(Session session, String frame) {
        session.sendText(frame, Callback.from(this::written, failure -> {
            LOG.debug("Media frame for {} not sent: {}", callSid, failure.toString());
            written();
        }));
    }

    private void written() {
        String next;
        synchronized (this) {
            next = pending.poll();
            if (next == null) {
                writing = false;
                return;
            }
        }
        Session session = listener.session;
        if (session != null && session.isOpen()) {
            write(session, next);
        } else {
            synchronized (this) {
                pending.clear();
                writing = false;
            }
        }
    }

    /** The relay closed the stream: nothing more to send. */
    private void stopTicking() {
        stopped = true;
        ScheduledFuture<?> t = ticks;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** Sends {@code stop} and closes the socket, as Twilio does when the call ends. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        ScheduledFuture<?> t = ticks;
        if (t != null) {
            t.cancel(false);
        }
        Session session = listener.session;
        if (session != null && session.isOpen()) {
            String stop = MediaCodec.encode(new MediaMessage.Stop(++sequence, streamSid, accountSid, callSid));
            session.sendText(stop, Callback.from(() -> session.close(StatusCode.NORMAL, "stream stopped", Callback.NOOP),
                    failure -> session.close(StatusCode.NORMAL, "stream stopped", Callback.NOOP)));
        }
    }

    /** A tone alternating between two pitches every 100 ms, continuous in phase. */
    private static final class Tone {
        private final double low;
        private final double high;
        private final double amplitude;
        private double phase;
        private long samples;

        Tone(double lowHz, double highHz, double amplitude) {
            this.low = lowHz;
            this.high = highHz;
            this.amplitude = amplitude;
        }

        byte[] next() {
            byte[] out = new byte[FRAME_BYTES];
            for (int i = 0; i < FRAME_BYTES; i++, samples++) {
                double hz = (samples / 800) % 2 == 0 ? low : high;
                phase += 2 * Math.PI * hz / 8000;
                out[i] = MuLaw.encode((short) (Math.sin(phase) * amplitude * Short.MAX_VALUE));
            }
            phase %= 2 * Math.PI;
            return out;
        }
    }

    /** Public: Jetty looks the listener's methods up reflectively. */
    public static final class Listener implements Session.Listener.AutoDemanding {
        private volatile Session session;
        private volatile Runnable onClose = () -> { };

        @Override
        public void onWebSocketOpen(Session s) {
            this.session = s;
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            onClose.run();
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            LOG.debug("Media stream socket error", cause);
        }
    }
}
