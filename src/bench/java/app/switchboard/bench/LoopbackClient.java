package app.switchboard.bench;

import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TwilioSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * What the soak benchmark asks the relay besides calls, over TLS on loopback (the relay's
 * self-signed certificate is trusted as is): {@code GET /health}, and sockets that upgrade
 * (signed like Twilio's) and then never send {@code setup}, which the simulator's well-behaved
 * calls cannot do.
 */
final class LoopbackClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the relay closed a socket. */
    record Closed(int code, String reason) {
    }

    private final HttpClient http = new HttpClient();
    private final WebSocketClient ws = new WebSocketClient(http);

    LoopbackClient() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("soak-loopback");
        threads.setDaemon(true);
        http.setExecutor(threads);
        http.setSslContextFactory(new SslContextFactory.Client(true));
        // Longer than the relay's setup deadline: the relay, not this client, must end a silent socket.
        ws.setIdleTimeout(java.time.Duration.ofSeconds(120));
        ws.start();
    }

    /** The relay's {@code /health} answer. */
    JsonNode health(BenchProcesses.Target target) throws Exception {
        URI relay = target.connectUrl();
        ContentResponse r = http.newRequest("https://" + relay.getHost() + ":" + relay.getPort() + "/health")
                .timeout(30, TimeUnit.SECONDS).send();
        return JSON.readTree(r.getContentAsString());
    }

    /**
     * Opens a signed socket that sends nothing; the future completes with the relay's close
     * (or fails if the upgrade does).
     */
    CompletableFuture<Closed> silentSocket(BenchProcesses.Target target) throws Exception {
        CompletableFuture<Closed> closed = new CompletableFuture<>();
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest(target.connectUrl());
        upgrade.setHeader("User-Agent", SimulatedCall.SOCKET_USER_AGENT);
        upgrade.setHeader(TwilioSignature.HEADER, TwilioSignature.sign(target.authToken(), target.signedUrl()));
        ws.connect(new Silent(closed), upgrade).whenComplete((session, failure) -> {
            if (failure != null) {
                closed.completeExceptionally(failure);
            }
        });
        return closed;
    }

    /** Public: Jetty finds a listener's methods reflectively. */
    public static final class Silent implements Session.Listener.AutoDemanding {
        private final CompletableFuture<Closed> closed;

        Silent(CompletableFuture<Closed> closed) {
            this.closed = closed;
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            closed.complete(new Closed(statusCode, reason));
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            closed.completeExceptionally(cause);
        }
    }

    @Override
    public void close() throws Exception {
        ws.stop();
        http.stop();
    }
}
