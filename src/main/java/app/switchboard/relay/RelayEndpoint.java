package app.switchboard.relay;

import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.RelayConnection;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import app.switchboard.protocol.SetupCheck;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay socket. It decodes frames on Jetty's thread and hands them to the call; it never
 * waits on the call or the model. Nothing a peer sends throws past this class.
 */
public final class RelayEndpoint implements Session.Listener.AutoDemanding, RelayConnection {

    private static final Logger LOG = LoggerFactory.getLogger(RelayEndpoint.class);
    /** Frames before setup are not in the protocol; keep a few to record once the call is known. */
    private static final int MAX_EARLY_FRAMES = 32;

    private final CallRegistry registry;
    private final long maxFrameBytes;
    private final List<InboundMessage> early = new ArrayList<>();
    private volatile Session session;
    private volatile CallSession call;
    private volatile String remote = "";
    /** Set once this socket was refused: nothing it sends reaches a call. */
    private volatile boolean refused;

    /** Null when the relay checks no signatures (development): then no token is asked for either. */
    private final CallTokens tokens;
    private final RelayConfig.Limits limits;
    private final Scheduler scheduler;
    private final SocketsWithoutCall waiting;
    /** True while this socket holds a place among the sockets without a call. */
    private final AtomicBoolean holdsPlace = new AtomicBoolean();
    private volatile Scheduler.Task setupDeadline;
    /** Characters of early frames kept so far (guarded by {@code early}). */
    private long earlyChars;
    // Confined to the thread Jetty delivers this socket's frames on, one frame at a time.
    private final TokenBucket frameRate;
    private final TokenBucket byteRate;
    private int consecutiveInvalid;
    private volatile LimitClose limitClose;

    RelayEndpoint(CallRegistry registry, long maxFrameBytes, CallTokens tokens, RelayConfig.Limits limits,
                  Scheduler scheduler, SocketsWithoutCall waiting) {
        this.registry = registry;
        this.maxFrameBytes = maxFrameBytes;
        this.tokens = tokens;
        this.limits = limits;
        this.scheduler = scheduler;
        this.waiting = waiting;
        long now = System.nanoTime();
        this.frameRate = new TokenBucket(limits.framesPerSecond(), limits.frameBurst(), now);
        // One frame of the largest size Jetty lets through must always fit, whatever was configured.
        this.byteRate = new TokenBucket(limits.bytesPerSecond(), Math.max(limits.byteBurst(), maxFrameBytes), now);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        this.remote = String.valueOf(session.getRemoteSocketAddress());
        // Counted here rather than in the upgrade handler: Jetty promises a close for every opened
        // socket, so a place taken at open is always given back; a place taken before the upgrade
        // would leak whenever the upgrade failed after it. The price is that a socket over the cap
        // is upgraded and then closed 1013 (Try Again Later) instead of answered 503; the code
        // says, as 503 would, that the refusal is temporary.
        if (!waiting.tryAdmit()) {
            refuse(StatusCode.TRY_AGAIN_LATER, "Too many sockets without a call");
            return;
        }
        holdsPlace.set(true);
        long millis = limits.setupDeadline().toMillis();
        setupDeadline = scheduler.schedule(this::setupOverdue, millis, TimeUnit.MILLISECONDS);
    }

    private void setupOverdue() {
        if (leaveWaiting()) {
            refuse(StatusCode.POLICY_VIOLATION, "No setup within " + describe(limits.setupDeadline()));
        }
    }

    /** Gives this socket's place back; true only for the one caller that actually held it. */
    private boolean leaveWaiting() {
        if (holdsPlace.compareAndSet(true, false)) {
            waiting.release();
            Scheduler.Task deadline = setupDeadline;
            if (deadline != null) {
                deadline.cancel();
            }
            return true;
        }
        return false;
    }

    private static String describe(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void onWebSocketText(String text) {
        if (refused) {
            return;
        }
        if (!withinRates(utf8Length(text))) {
            return;
        }
        InboundMessage message = ProtocolCodec.decodeInbound(text);
        deliver(message, text.length());
        countInvalid(message);
    }

    /** Twilio sends only text frames: a binary one is malformed, recorded by its size alone. */
    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        int size = payload.remaining();
        callback.succeed();
        if (refused || !withinRates(size)) {
            return;
        }
        InboundMessage message = new InboundMessage.Malformed("", "binary frame of " + size + " bytes");
        deliver(message, 0);
        countInvalid(message);
    }

    /** Takes this frame from both buckets, or closes the socket 1008 and says which rate it broke. */
    private boolean withinRates(long bytes) {
        long now = System.nanoTime();
        if (!frameRate.take(1, now)) {
            closeForLimit(StatusCode.POLICY_VIOLATION, "Too many frames per second", "framesPerSecond");
            return false;
        }
        if (!byteRate.take(bytes, now)) {
            closeForLimit(StatusCode.POLICY_VIOLATION, "Too many bytes per second", "bytesPerSecond");
            return false;
        }
        return true;
    }

    /** As Twilio does (protocol.md §3.6): too many bad frames in a row, and the peer is not speaking the protocol. */
    private void countInvalid(InboundMessage message) {
        boolean invalid = message instanceof InboundMessage.Unknown || message instanceof InboundMessage.Malformed;
        consecutiveInvalid = invalid ? consecutiveInvalid + 1 : 0;
        if (consecutiveInvalid >= limits.maxConsecutiveInvalid()) {
            closeForLimit(StatusCode.BAD_PAYLOAD, "Too many consecutive malformed messages.", "consecutiveInvalid");
        }
    }

    private void deliver(InboundMessage message, int chars) {
        CallSession current = call;
        if (current == null) {
            if (message instanceof InboundMessage.Setup setup) {
                String problem = SetupCheck.problem(setup);
                if (problem != null) {
                    refuse(StatusCode.POLICY_VIOLATION, "Invalid setup: " + problem);
                    return;
                }
                if (tokens != null && !tokens.valid(setup.callSid(), setup.customParameters().get(CallTokens.PARAMETER))) {
                    refuse(StatusCode.POLICY_VIOLATION, "Setup without a valid relay token for this call");
                    return;
                }
                if (!leaveWaiting()) {
                    return; // the setup deadline passed while this frame was read: the socket is closing
                }
                current = registry.attach(withoutToken(setup), this);
                if (current == null) {
                    // The call's session is open on another relay node: this socket is a second one.
                    refuse(StatusCode.POLICY_VIOLATION, "Call already has a live relay session");
                    return;
                }
                call = current;
                List<InboundMessage> pending;
                synchronized (early) {
                    pending = new ArrayList<>(early);
                    early.clear();
                    earlyChars = 0;
                }
                for (InboundMessage m : pending) {
                    registry.inbound(current, this, m);
                }
            } else {
                synchronized (early) {
                    // Bounded in count and in characters: up to the setup deadline, and on every
                    // one of the sockets without a call, these are held whole.
                    if (early.size() < MAX_EARLY_FRAMES && earlyChars + chars <= maxFrameBytes) {
                        early.add(message);
                        earlyChars += chars;
                    }
                }
                LOG.warn("Frame of type {} before setup from {}", message.type(), remote);
            }
            return;
        }
        registry.inbound(current, this, message);
    }

    /** UTF-8 length without encoding: what the frame cost on the wire, give or take the framing. */
    static long utf8Length(String text) {
        long bytes = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Closes a socket that broke a limit. Its call records the close with this code, reason and
     * limit (whatever Jetty later reports), and nothing more the socket sends reaches the call.
     */
    private void closeForLimit(int code, String reason, String limit) {
        if (refused) {
            return;
        }
        limitClose = new LimitClose(code, reason, limit);
        CallSession current = call;
        refused = true;
        LOG.warn("Relay socket from {} (call {}) closed {} \"{}\": {} limit", remote,
                current == null ? "none yet" : current.callId(), code, reason, limit);
        close(code, reason);
    }

    private record LimitClose(int code, String reason, String limit) {
    }

    /** The token has done its work; it is not recorded with the call. */
    private static InboundMessage.Setup withoutToken(InboundMessage.Setup s) {
        if (!s.customParameters().containsKey(CallTokens.PARAMETER)) {
            return s;
        }
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>(s.customParameters());
        params.remove(CallTokens.PARAMETER);
        return new InboundMessage.Setup(s.sessionId(), s.accountSid(), s.callSid(), s.parentCallSid(), s.from(), s.to(),
                s.forwardedFrom(), s.callerName(), s.direction(), s.callType(), s.callStatus(), params);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        leaveWaiting();
        if (cause instanceof MessageTooLargeException) {
            CallSession current = call;
            if (current != null) {
                registry.frameTooLarge(current, this, String.valueOf(cause.getMessage()), maxFrameBytes);
            }
            LOG.warn("Frame larger than {} bytes from {}: socket closed", maxFrameBytes, remote);
        } else {
            LOG.debug("Relay socket error from {}", remote, cause);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        leaveWaiting();
        CallSession current = call;
        LimitClose limit = limitClose;
        if (current != null && limit != null) {
            registry.socketClosed(current, this, limit.code(), limit.reason(), limit.limit());
        } else if (current != null) {
            registry.socketClosed(current, this, statusCode, reason);
        }
        callback.succeed();
    }

    /** Closes this socket before or instead of a call; the reason is short enough for a close frame. */
    private void refuse(int code, String reason) {
        refused = true;
        LOG.warn("Relay socket from {} refused ({}): {}", remote, code, reason);
        close(code, reason);
    }

    // ---- RelayConnection ----

    @Override
    public void sendText(String frame, SendResult result) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            result.completed(new IllegalStateException("socket closed"));
            return;
        }
        // Jetty queues outgoing frames in order; completion is reported, not awaited.
        s.sendText(frame, Callback.from(() -> result.completed(null), result::completed));
    }

    @Override
    public void close(int statusCode, String reason) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(statusCode, reason, Callback.NOOP);
        }
    }

    @Override
    public boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    @Override
    public String remoteAddress() {
        return remote;
    }
}
