package app.switchboard.supervisor;

import app.switchboard.concurrent.Threads;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * {@link SupervisorTransport} over Jetty's WebSocket client. Which certificates to trust is the
 * caller's {@link SSLContext} (the remote console pins the relay's fingerprint); host names are
 * not checked, since a self-signed relay is reached by address.
 */
public final class JettySupervisorTransport implements SupervisorTransport {

    private final HttpClient http;
    private final WebSocketClient webSocket;
    private final PingTiming pingTiming;
    private final ScheduledExecutorService pings;

    public JettySupervisorTransport(SSLContext tls) {
        this(tls, PingTiming.DEFAULT);
    }

    /** Pinging the relay on {@code pingTiming}: a relay silent past its timeout counts as gone. */
    public JettySupervisorTransport(SSLContext tls, PingTiming pingTiming) {
        this.pingTiming = java.util.Objects.requireNonNull(pingTiming, "pingTiming");
        this.pings = Executors.newSingleThreadScheduledExecutor(Threads.named("supervisor-client-pings"));
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(tls);
        ssl.setEndpointIdentificationAlgorithm(null);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("supervisor-client");
        threads.setDaemon(true);
        http = new HttpClient();
        http.setExecutor(threads);
        http.setSslContextFactory(ssl);
        webSocket = new WebSocketClient(http);
        webSocket.setMaxTextMessageSize(16 * 1024 * 1024);
        webSocket.setStopAtShutdown(false);
        // A quiet floor sends nothing for long stretches; the relay's own idle timeout applies too.
        webSocket.setIdleTimeout(java.time.Duration.ofMinutes(15));
        try {
            webSocket.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the WebSocket client", e);
        }
    }

    @Override
    public CompletableFuture<Connection> open(URI uri, String bearerToken, Receiver receiver) {
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        // SupervisorClient unpacks batched events, so a lagging console may get them in fewer frames.
        upgrade.setHeader(SupervisorMessage.ACCEPT_HEADER, SupervisorMessage.ACCEPT_EVENTS);
        if (bearerToken != null) {
            upgrade.setHeader("Authorization", "Bearer " + bearerToken);
        }
        Listener listener = new Listener(receiver, pingTiming, pings);
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        try {
            webSocket.connect(listener, uri, upgrade).whenComplete((session, failure) -> {
                if (failure != null) {
                    Integer status = status(failure);
                    opened.completeExceptionally(status == null ? failure : new Refused(status));
                } else {
                    opened.complete(listener);
                }
            });
        } catch (Exception e) {
            opened.completeExceptionally(e);
        }
        return opened;
    }

    private static Integer status(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jetty.websocket.api.exceptions.UpgradeException u
                    && u.getResponseStatusCode() > 0) {
                return u.getResponseStatusCode();
            }
            if (t instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException u
                    && u.getResponseStatusCode() > 0) {
                return u.getResponseStatusCode();
            }
        }
        return null;
    }

    @Override
    public void close() {
        pings.shutdownNow();
        try {
            webSocket.stop();
            http.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the WebSocket client did not stop cleanly", e);
        }
    }

    /** Jetty's view of one console socket; public because Jetty invokes it through method handles. */
    public static final class Listener implements Session.Listener.AutoDemanding, Connection {
        private final Receiver receiver;
        private final PingTiming pingTiming;
        private final ScheduledExecutorService pings;
        private volatile Session session;
        private volatile KeepAlive keepAlive;
        /** The receiver hears of the close once: from Jetty, or first from the keep-alive giving up. */
        private final AtomicBoolean closeReported = new AtomicBoolean();

        Listener(Receiver receiver, PingTiming pingTiming, ScheduledExecutorService pings) {
            this.receiver = receiver;
            this.pingTiming = pingTiming;
            this.pings = pings;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            keepAlive = KeepAlive.start(s, pingTiming, pings, this::silent);
        }

        @Override
        public void onWebSocketText(String message) {
            heard();
            receiver.onText(message);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            heard();
            try {
                receiver.onBinary(payload);
            } finally {
                callback.succeed();
            }
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            heard();
        }

        private void heard() {
            KeepAlive k = keepAlive;
            if (k != null) {
                k.heard();
            }
        }

        /** The relay answered no ping in time: gone as far as the console is concerned, reconnect. */
        private void silent(Duration silence) {
            if (closeReported.compareAndSet(false, true)) {
                receiver.onClose(PEER_SILENT, "the relay answered no ping for " + silence.toSeconds() + " s");
            }
            Session s = session;
            if (s != null) {
                s.disconnect(); // no close handshake: a silent relay would not answer it
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            callback.succeed();
            KeepAlive k = keepAlive;
            if (k != null) {
                k.close();
            }
            if (closeReported.compareAndSet(false, true)) {
                receiver.onClose(statusCode, reason);
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // onWebSocketClose follows with the code.
        }

        // Jetty refuses a write while another is pending: one at a time, the rest queued.
        private final java.util.ArrayDeque<String> outbox = new java.util.ArrayDeque<>();
        private boolean writing;

        @Override
        public void send(String text) {
            Session s = session;
            if (s == null || !s.isOpen()) {
                throw new IllegalStateException("the console connection is closed");
            }
            synchronized (outbox) {
                if (writing) {
                    outbox.add(text);
                    return;
                }
                writing = true;
            }
            write(s, text);
        }

        private void write(Session s, String text) {
            s.sendText(text, Callback.from(() -> {
                String next;
                synchronized (outbox) {
                    next = outbox.poll();
                    writing = next != null;
                }
                if (next != null) {
                    write(s, next);
                }
            }, failure -> {
                synchronized (outbox) {
                    outbox.clear();
                    writing = false;
                }
            }));
        }

        @Override
        public void close() {
            Session s = session;
            if (s != null) {
                s.close();
            }
        }

        @Override
        public boolean isOpen() {
            Session s = session;
            return s != null && s.isOpen();
        }
    }
}
