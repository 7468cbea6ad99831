package app.switchboard.sim;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import app.switchboard.sim.SimulatedCall.Close;
import app.switchboard.sim.SimulatedCall.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio's end of one call's WebSocket: Jetty's listener, and one writer at a time through an
 * outbox, so frames go out in the order they were queued and a close goes after them.
 * {@code setup} always goes first, before anything queued while the upgrade was in flight.
 * Received text goes to the {@link StrictFrameReader}; sent frames and the close to the
 * {@link FrameLog}, under the call's one lock.
 */
final class CallSocket {

    // Logged under the facade's name, where log settings for the simulator already point.
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCall.class);

    private final SimulatedCall call;
    private final FrameLog log;
    private final StrictFrameReader reader;
    private final Object lock;
    /** The setup frame as it stands when the socket opens (the voice webhook may change it). */
    private final Supplier<InboundMessage.Setup> setup;

    // Guarded by lock.
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private final List<CompletableFuture<Void>> pongWaiters = new ArrayList<>();
    private boolean writing;
    private boolean closing;
    private Integer closeRequestedCode;
    private volatile Session session;

    private record Outgoing(String frame, InboundMessage message, int closeCode, String closeReason,
                            CompletableFuture<Void> done) {
    }

    CallSocket(SimulatedCall call, FrameLog log, StrictFrameReader reader, Object lock,
               Supplier<InboundMessage.Setup> setup) {
        this.call = call;
        this.log = log;
        this.reader = reader;
        this.lock = lock;
        this.setup = setup;
    }

    /** A new listener for Jetty's {@code connect}. */
    Listener listener() {
        return new Listener();
    }

    /** Queues a protocol message, encoded by the one codec. */
    CompletableFuture<Void> send(InboundMessage message) {
        return enqueue(new Outgoing(ProtocolCodec.encodeInbound(message), message, 0, null, new CompletableFuture<>()));
    }

    /** Queues a close after everything queued before it. */
    CompletableFuture<Void> close(int code, String reason) {
        return enqueue(new Outgoing(null, null, code, reason, new CompletableFuture<>()));
    }

    /**
     * Drops the connection without a close handshake. Counted as closed by the simulator, so no
     * action webhook follows: with application reconnect Twilio reconnects instead of reporting.
     */
    void drop() {
        Session s;
        synchronized (lock) {
            if (log.closeStatus().isPresent() || closing || session == null) {
                return;
            }
            closing = true;
            closeRequestedCode = 1006;
            outbox.clear();
            s = session;
        }
        s.disconnect();
    }

    /** True once a close is queued or the socket has closed. */
    boolean closingOrClosed() {
        synchronized (lock) {
            return log.closeStatus().isPresent() || closing;
        }
    }

    /** True while a close may still be queued: open, not closing, not closed. */
    boolean canClose() {
        synchronized (lock) {
            return !(log.closeStatus().isPresent() || closing || session == null);
        }
    }

    boolean isOpen() {
        synchronized (lock) {
            return session != null && session.isOpen() && log.closeStatus().isEmpty();
        }
    }

    /** Sends a ping; the future completes with the next pong, or fails when the socket closes. */
    CompletableFuture<Void> ping() {
        CompletableFuture<Void> answered;
        synchronized (lock) {
            answered = new CompletableFuture<>();
            pongWaiters.add(answered);
        }
        Session s = session;
        if (s == null) {
            throw new SimulatedCall.SimulationException("not connected", null);
        }
        s.sendPing(ByteBuffer.wrap("sim".getBytes(StandardCharsets.US_ASCII)), Callback.NOOP);
        return answered;
    }

    private CompletableFuture<Void> enqueue(Outgoing out) {
        synchronized (lock) {
            if (log.closeStatus().isPresent() || closing) {
                out.done().completeExceptionally(new IllegalStateException("socket closed: " + log.closeStatus().orElse(null)));
                return out.done();
            }
            if (out.frame() == null) {
                closing = true;
                closeRequestedCode = out.closeCode();
            }
            outbox.add(out);
            if (writing || session == null) {
                return out.done();
            }
            writing = true;
        }
        writeNext();
        return out.done();
    }

    /** One writer at a time per socket: the next frame goes when the previous one is written. */
    private void writeNext() {
        Outgoing out;
        synchronized (lock) {
            out = outbox.poll();
            if (out == null) {
                writing = false;
                return;
            }
            if (out.message() != null) {
                log.sent(System.nanoTime(), out.message(), out.frame());
            }
        }
        Session s = session;
        if (out.frame() == null) {
            s.close(out.closeCode(), out.closeReason(), Callback.from(() -> out.done().complete(null), t -> {
                out.done().completeExceptionally(t);
            }));
            synchronized (lock) {
                writing = false;
                outbox.clear();
            }
            return;
        }
        s.sendText(out.frame(), Callback.from(() -> {
            out.done().complete(null);
            writeNext();
        }, failure -> {
            out.done().completeExceptionally(failure);
            writeNext();
        }));
    }

    private void onClosed(int code, String reason) {
        List<CompletableFuture<Frame>> pending;
        Close c;
        boolean unexpected;
        synchronized (lock) {
            if (log.closeStatus().isPresent()) {
                return;
            }
            boolean bySim = closing && closeRequestedCode != null;
            c = new Close(code, reason, bySim, System.nanoTime());
            unexpected = !bySim && !log.endReceived();
            pending = log.closed(c);
            pongWaiters.forEach(f -> f.completeExceptionally(log.closedException()));
            pongWaiters.clear();
            outbox.clear();
        }
        pending.forEach(w -> w.completeExceptionally(log.closedException()));
        call.socketClosed(c, unexpected);
    }

    /** Jetty's view of the socket; public because Jetty invokes it through method handles. */
    public final class Listener implements Session.Listener.AutoDemanding {
        private Listener() {
        }

        @Override
        public void onWebSocketOpen(Session s) {
            // setup goes first, before anything a script queued while the upgrade was in flight.
            InboundMessage.Setup first = setup.get();
            Outgoing out = new Outgoing(ProtocolCodec.encodeInbound(first), first, 0, null, new CompletableFuture<>());
            boolean start;
            synchronized (lock) {
                session = s;
                outbox.addFirst(out);
                start = !writing;
                writing = true;
            }
            if (start) {
                writeNext();
            }
        }

        @Override
        public void onWebSocketText(String message) {
            reader.onText(message);
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            List<CompletableFuture<Void>> answered;
            synchronized (lock) {
                answered = new ArrayList<>(pongWaiters);
                pongWaiters.clear();
            }
            answered.forEach(f -> f.complete(null));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            onClosed(statusCode, reason);
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            LOG.debug("Simulated call {} socket error", setup.get().callSid(), cause);
            onClosed(1006, String.valueOf(cause.getMessage()));
        }
    }
}
