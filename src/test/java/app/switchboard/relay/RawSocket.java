package app.switchboard.relay;

import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TwilioSignature;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A WebSocket client that sends whatever a test tells it, signed like Twilio: the abuse cases
 * (no setup, forged setups, floods) that the well-behaved simulator never produces.
 */
public final class RawSocket {

    /** How the relay closed the socket. */
    record Closed(int code, String reason) {
    }

    /** One client for many sockets; closed by the test. */
    static final class Client implements AutoCloseable {
        private final HttpClient http = new HttpClient();
        private final WebSocketClient ws = new WebSocketClient(http);

        Client() throws Exception {
            http.setSslContextFactory(new SslContextFactory.Client(true));
            ws.start();
        }

        /** Opens a socket to {@code relay} with a valid upgrade signature (if the relay checks them). */
        RawSocket open(RelayServer relay, String authToken) throws Exception {
            RawSocket socket = new RawSocket();
            ClientUpgradeRequest upgrade = new ClientUpgradeRequest(URI.create(relay.localRelayUrl()));
            if (authToken != null) {
                upgrade.setHeader(TwilioSignature.HEADER, TwilioSignature.sign(authToken, relay.relayUrl()));
            }
            ws.connect(socket.listener, upgrade).get(10, TimeUnit.SECONDS);
            return socket;
        }

        /** Opens a live-audio socket ({@code /media}), signed over the public media URL as Twilio would. */
        RawSocket openMedia(RelayServer relay, String authToken) throws Exception {
            RawSocket socket = new RawSocket();
            ClientUpgradeRequest upgrade = new ClientUpgradeRequest(URI.create(relay.localMediaUrl()));
            if (authToken != null) {
                upgrade.setHeader(TwilioSignature.HEADER, TwilioSignature.sign(authToken, relay.mediaUrl()));
            }
            ws.connect(socket.listener, upgrade).get(10, TimeUnit.SECONDS);
            return socket;
        }

        /** The HTTP status of a refused {@code /media} upgrade, or empty if it was accepted. */
        java.util.Optional<Integer> mediaRefusal(RelayServer relay, String authToken) {
            try {
                openMedia(relay, authToken);
                return java.util.Optional.empty();
            } catch (Exception e) {
                return SimulatedCall.upgradeStatus(e);
            }
        }

        /** The HTTP status of a refused upgrade, or empty if it was accepted. */
        java.util.Optional<Integer> refusal(RelayServer relay, String authToken) {
            try {
                open(relay, authToken);
                return java.util.Optional.empty();
            } catch (Exception e) {
                return SimulatedCall.upgradeStatus(e);
            }
        }

        @Override
        public void close() throws Exception {
            ws.stop();
            http.stop();
        }
    }

    final List<String> received = new CopyOnWriteArrayList<>();
    private static final byte CONTINUATION = 0x00;
    private static final byte TEXT = 0x01;
    private static final byte CLOSE = 0x08;

    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private volatile Session session;

    private final Listener listener = new Listener(this);

    /** Public: Jetty looks the listener's methods up reflectively. */
    public static final class Listener implements Session.Listener.AutoDemanding {
        private final RawSocket socket;

        Listener(RawSocket socket) {
            this.socket = socket;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            socket.session = s;
        }

        private final java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();

        /**
         * Frames as they arrive, so the relay's close frame is seen even when a write that was
         * still going fails (broken pipe) before Jetty reports the close. (Jetty allows either
         * a frame listener or a text listener, not both: text frames are assembled here.)
         */
        @Override
        public void onWebSocketFrame(Frame frame, Callback callback) {
            ByteBuffer payload = frame.getPayload() == null ? ByteBuffer.allocate(0) : frame.getPayload().slice();
            byte opCode = frame.getOpCode();
            if (opCode == TEXT || (opCode == CONTINUATION && text.size() > 0)) {
                byte[] bytes = new byte[payload.remaining()];
                payload.get(bytes);
                text.writeBytes(bytes);
                if (frame.isFin()) {
                    socket.received.add(text.toString(StandardCharsets.UTF_8));
                    text.reset();
                }
            } else if (opCode == CLOSE) {
                int code = payload.remaining() >= 2 ? Short.toUnsignedInt(payload.getShort()) : 1005;
                socket.closed.complete(new Closed(code, StandardCharsets.UTF_8.decode(payload).toString()));
            }
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            socket.closed.complete(new Closed(statusCode, reason));
            callback.succeed();
        }

        /**
         * Kept, not taken as the end: a socket still sending when the relay closes it may fail
         * its next write (broken pipe) before Jetty reports the close frame it received.
         */
        @Override
        public void onWebSocketError(Throwable cause) {
            socket.errors.add(cause);
        }
    }

    /** Sends one text frame; completes when it is written. */
    CompletableFuture<Void> send(String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
        return done;
    }

    /** Sends one binary frame (Twilio never does); completes when it is written. */
    CompletableFuture<Void> sendBinary(byte[] payload) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendBinary(java.nio.ByteBuffer.wrap(payload), Callback.from(() -> done.complete(null), done::completeExceptionally));
        return done;
    }

    boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    /** Closes from this side, as a client that gives up would. */
    void close() {
        Session s = session;
        if (s != null) {
            s.close(1000, "client leaves", Callback.NOOP);
        }
    }

    Closed awaitClose() throws Exception {
        return closed.get(15, TimeUnit.SECONDS);
    }
}
