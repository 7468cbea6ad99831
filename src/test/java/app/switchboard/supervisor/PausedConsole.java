package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** Reads nothing until released (TCP pushes back on the relay meanwhile), then everything. */
public final class PausedConsole implements Session.Listener, AutoCloseable {
    private final HttpClient http = new HttpClient();
    private final WebSocketClient client;
    private volatile Session session;
    private volatile boolean released;
    final AtomicInteger frames = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();
    final List<CallEvent> events = Collections.synchronizedList(new ArrayList<>());

    PausedConsole(URI uri, String token, boolean acceptsBatches) throws Exception {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(ConsoleHarness.trustAny());
        ssl.setEndpointIdentificationAlgorithm(null);
        http.setSslContextFactory(ssl);
        client = new WebSocketClient(http);
        client.setMaxTextMessageSize(16 * 1024 * 1024);
        client.start();
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setHeader("Authorization", "Bearer " + token);
        if (acceptsBatches) {
            upgrade.setHeader(SupervisorMessage.ACCEPT_HEADER, SupervisorMessage.ACCEPT_EVENTS);
        }
        client.connect(this, uri, upgrade).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
    }

    void release() {
        released = true;
        session.demand();
    }

    @Override
    public void onWebSocketText(String message) {
        frames.incrementAndGet();
        SupervisorMessage.ServerMessage m = SupervisorCodec.decodeServer(message);
        if (m instanceof SupervisorMessage.Event e) {
            events.add(e.event());
        } else if (m instanceof SupervisorMessage.Events batch) {
            batches.incrementAndGet();
            batch.events().forEach(e -> events.add(e.event()));
        }
        if (released) {
            session.demand();
        }
    }

    List<Long> seqs(String callId) {
        synchronized (events) {
            return events.stream().filter(e -> e.callId().equals(callId)).map(CallEvent::seq).toList();
        }
    }

    @Override
    public void close() throws Exception {
        client.stop();
        http.stop();
    }
}
