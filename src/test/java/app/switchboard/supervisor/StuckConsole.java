package app.switchboard.supervisor;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A console that authenticates and then stops reading: it never demands a frame, so Jetty
 * reads nothing more from the socket and TCP pushes back on the relay.
 */
public final class StuckConsole implements Session.Listener, AutoCloseable {

    private final HttpClient http = new HttpClient();
    private final WebSocketClient client;
    private volatile Session session;
    final AtomicInteger received = new AtomicInteger();

    StuckConsole(URI uri, String token) throws Exception {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(ConsoleHarness.trustAny());
        ssl.setEndpointIdentificationAlgorithm(null);
        http.setSslContextFactory(ssl);
        client = new WebSocketClient(http);
        client.start();
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setHeader("Authorization", "Bearer " + token);
        client.connect(this, uri, upgrade).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s; // and no demand(): nothing is read from here on
    }

    @Override
    public void onWebSocketText(String message) {
        received.incrementAndGet();
    }

    /** Sends a message; the console still reads nothing. */
    void send(String text) throws Exception {
        org.eclipse.jetty.websocket.api.Callback.Completable sent = new org.eclipse.jetty.websocket.api.Callback.Completable();
        session.sendText(text, sent);
        sent.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        client.stop();
        http.stop();
    }
}
