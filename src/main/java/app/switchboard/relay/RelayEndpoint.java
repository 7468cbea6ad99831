package app.switchboard.relay;

import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.RelayConnection;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import app.switchboard.protocol.SetupCheck;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
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

    RelayEndpoint(CallRegistry registry, long maxFrameBytes, CallTokens tokens) {
        this.registry = registry;
        this.maxFrameBytes = maxFrameBytes;
        this.tokens = tokens;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        this.remote = String.valueOf(session.getRemoteSocketAddress());
    }

    @Override
    public void onWebSocketText(String text) {
        if (refused) {
            return;
        }
        InboundMessage message = ProtocolCodec.decodeInbound(text);
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
                current = registry.attach(withoutToken(setup), this);
                call = current;
                List<InboundMessage> pending;
                synchronized (early) {
                    pending = new ArrayList<>(early);
                    early.clear();
                }
                for (InboundMessage m : pending) {
                    registry.inbound(current, this, m);
                }
            } else {
                synchronized (early) {
                    if (early.size() < MAX_EARLY_FRAMES) {
                        early.add(message);
                    }
                }
                LOG.warn("Frame of type {} before setup from {}", message.type(), remote);
            }
            return;
        }
        registry.inbound(current, this, message);
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
        CallSession current = call;
        if (current != null) {
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
