package app.switchboard.relay;

import app.switchboard.media.AudioFrame;
import app.switchboard.media.LiveAudio;
import app.switchboard.media.MediaCodec;
import app.switchboard.media.MediaMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live-audio socket ({@code GET /media}, docs/live-audio.md): Twilio's {@code <Start><Stream>}
 * of a call. Its {@code start} must name a live call by callSid and carry that call's token;
 * then its frames go to {@link LiveAudio}, which keeps only a short ring. Nothing is recorded.
 * Frames are read on Jetty's thread, one at a time; nothing a peer sends throws past this class.
 */
public final class MediaEndpoint implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(MediaEndpoint.class);
    private static final long RETRY_MILLIS = 50;

    /**
     * What one media socket may cost. Twilio sends a frame per 20 ms per track (100 a second
     * with both tracks, each about 380 bytes of JSON): the defaults leave it three times that.
     *
     * @param startDeadline         no {@code start} after this long: closed 1008
     * @param callWait              how long a {@code start} may wait for its call to appear: the
     *                              {@code <Start>} runs before {@code <Connect>}, so the stream can
     *                              arrive before the relay session that makes the call
     * @param framesPerSecond       sustained frames per second; past it (and the burst), 1008
     * @param frameBurst            frames at once above the sustained rate
     * @param bytesPerSecond        sustained bytes per second; past it (and the burst), 1008
     * @param byteBurst             bytes at once above the sustained rate
     * @param maxConsecutiveInvalid unreadable frames in a row before the socket is closed 1007
     */
    record Limits(Duration startDeadline, Duration callWait, double framesPerSecond, int frameBurst,
                  long bytesPerSecond, long byteBurst, int maxConsecutiveInvalid) {

        static Limits defaults() {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(5), 300, 600, 128 * 1024, 256 * 1024, 20);
        }

        Limits withCallWait(Duration wait) {
            return new Limits(startDeadline, wait, framesPerSecond, frameBurst, bytesPerSecond, byteBurst,
                    maxConsecutiveInvalid);
        }

        Limits withFrameRate(double perSecond, int burst) {
            return new Limits(startDeadline, callWait, perSecond, burst, bytesPerSecond, byteBurst, maxConsecutiveInvalid);
        }
    }

    private final LiveAudio audio;
    private final Predicate<String> liveCall;
    /** Null when the relay checks no signatures (development): then no token is asked for, as on /relay. */
    private final CallTokens tokens;
    private final Limits limits;
    private final Scheduler scheduler;
    private final long maxFrameBytes;
    // Confined to the thread Jetty delivers this socket's frames on.
    private final TokenBucket frameRate;
    private final TokenBucket byteRate;
    private int consecutiveInvalid;
    private volatile Session session;
    private volatile String remote = "";
    private volatile boolean closing;
    /** Set by a valid start: the stream's identity, until the call is known. */
    private volatile MediaMessage.Start started;
    /** Set once the stream is tied to its live call: frames flow from then on. */
    private volatile String callId;
    private volatile Scheduler.Task deadline;

    MediaEndpoint(LiveAudio audio, Predicate<String> liveCall, CallTokens tokens, Limits limits, Scheduler scheduler,
                  long maxFrameBytes) {
        this.audio = audio;
        this.liveCall = liveCall;
        this.tokens = tokens;
        this.limits = limits;
        this.scheduler = scheduler;
        this.maxFrameBytes = maxFrameBytes;
        long now = System.nanoTime();
        this.frameRate = new TokenBucket(limits.framesPerSecond(), limits.frameBurst(), now);
        this.byteRate = new TokenBucket(limits.bytesPerSecond(), Math.max(limits.byteBurst(), maxFrameBytes), now);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        this.remote = String.valueOf(session.getRemoteSocketAddress());
        deadline = scheduler.schedule(() -> {
            if (callId == null && started == null) {
                close(StatusCode.POLICY_VIOLATION, "No start within " + limits.startDeadline().toSeconds() + " s");
            }
        }, limits.startDeadline().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onWebSocketText(String text) {
        if (closing) {
            return;
        }
        long now = System.nanoTime();
        if (!frameRate.take(1, now)) {
            close(StatusCode.POLICY_VIOLATION, "Too many frames per second");
            return;
        }
        if (!byteRate.take(RelayEndpoint.utf8Length(text), now)) {
            close(StatusCode.POLICY_VIOLATION, "Too many bytes per second");
            return;
        }
        MediaMessage message = MediaCodec.decode(text);
        boolean invalid = message instanceof MediaMessage.Malformed || message instanceof MediaMessage.Unknown;
        consecutiveInvalid = invalid ? consecutiveInvalid + 1 : 0;
        if (consecutiveInvalid >= limits.maxConsecutiveInvalid()) {
            close(StatusCode.BAD_PAYLOAD, "Too many consecutive malformed messages.");
            return;
        }
        if (message instanceof MediaMessage.Start start) {
            onStart(start);
        } else if (message instanceof MediaMessage.Media media) {
            String call = callId;
            MediaMessage.Start s = started;
            // Before the call is known (or from another stream SID) the audio has nowhere to go.
            if (call != null && s != null && s.streamSid().equals(media.streamSid())) {
                audio.frame(s.streamSid(), new AudioFrame(call, media.track(), media.timestamp(), media.payload()));
            }
        } else if (message instanceof MediaMessage.Stop) {
            close(StatusCode.NORMAL, "Stream stopped");
        } else if (invalid) {
            LOG.debug("Unreadable media frame from {}: {}", remote, message);
        }
        // connected, mark, dtmf: nothing to do on a listen-only stream.
    }

    private void onStart(MediaMessage.Start start) {
        if (started != null) {
            return; // Twilio sends one start per stream; a second changes nothing
        }
        if (start.mediaFormat() != null && !start.mediaFormat().isMulaw8kMono()) {
            close(StatusCode.POLICY_VIOLATION, "Unsupported media format");
            return;
        }
        if (tokens != null && !tokens.valid(start.callSid(), start.customParameters().get(CallTokens.PARAMETER))) {
            close(StatusCode.POLICY_VIOLATION, "Stream without a valid relay token for this call");
            return;
        }
        if (start.streamSid() == null || start.streamSid().isBlank()) {
            close(StatusCode.POLICY_VIOLATION, "Stream without streamSid");
            return;
        }
        started = start;
        cancelDeadline();
        tie(System.nanoTime() + limits.callWait().toNanos());
    }

    /** Ties the stream to its call once the relay session has made it, or gives up after the wait. */
    private void tie(long giveUpAt) {
        if (closing) {
            return;
        }
        MediaMessage.Start start = started;
        if (liveCall.test(start.callSid())) {
            if (!audio.open(start.callSid(), start.streamSid())) {
                close(StatusCode.POLICY_VIOLATION, "The call already has a live-audio stream");
                return;
            }
            callId = start.callSid();
            LOG.info("Live audio of call {} from {} (stream {})", callId, remote, start.streamSid());
            if (closing) {
                audio.close(start.callSid(), start.streamSid()); // closed while tying: give the place back
            }
            return;
        }
        if (System.nanoTime() - giveUpAt >= 0) {
            close(StatusCode.POLICY_VIOLATION, "Unknown call");
            return;
        }
        scheduler.schedule(() -> tie(giveUpAt), RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Twilio sends only text frames. */
    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        close(StatusCode.BAD_DATA, "Binary frames are not part of Media Streams");
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("Media socket error from {}", remote, cause);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closing = true;
        cancelDeadline();
        String call = callId;
        MediaMessage.Start s = started;
        if (call != null && s != null) {
            audio.close(call, s.streamSid());
        }
        callback.succeed();
    }

    private void cancelDeadline() {
        Scheduler.Task task = deadline;
        if (task != null) {
            task.cancel();
        }
    }

    private void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        if (code != StatusCode.NORMAL) {
            LOG.warn("Media socket from {} closed ({}): {}", remote, code, reason);
        }
        String call = callId;
        MediaMessage.Start s = started;
        if (call != null && s != null) {
            audio.close(call, s.streamSid());
        }
        Session current = session;
        if (current != null && current.isOpen()) {
            current.close(code, reason, Callback.NOOP);
        }
    }
}
