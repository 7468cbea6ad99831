package app.switchboard.sim;

import app.switchboard.relay.TlsMaterial;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A deliberately broken app on real Jetty TLS, to check the simulator is as strict as Twilio:
 * once {@code setup} arrives it runs {@link #onSetup} against the raw socket, and it records
 * every frame and action webhook it gets. The relay itself cannot be made to misbehave.
 */
final class MisbehavingApp implements AutoCloseable {

    final TlsMaterial tls = TlsMaterial.generate(List.of("localhost"));
    final List<String> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
    final CompletableFuture<String> closeReason = new CompletableFuture<>();
    final CompletableFuture<Map<String, String>> actionForm = new CompletableFuture<>();
    final CompletableFuture<String> actionSignature = new CompletableFuture<>();
    private final Consumer<Session> onSetup;
    private final Server server = new Server();
    private ServerConnector connector;

    MisbehavingApp(Consumer<Session> onSetup) throws Exception {
        this.onSetup = onSetup;
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(tls.password()));
        connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context,
                container -> container.addMapping("/relay", (req, resp, cb) -> new Endpoint()));
        upgrades.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Map<String, String> form = new LinkedHashMap<>();
                for (Fields.Field f : FormFields.getFields(request)) {
                    form.put(f.getName(), f.getValue());
                }
                actionSignature.complete(request.getHeaders().get(TwilioSignature.HEADER));
                actionForm.complete(form);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml");
                response.write(true, ByteBuffer.wrap("<Response/>".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        context.setHandler(upgrades);
        server.setHandler(context);
        server.start();
    }

    String relayUrl() {
        return "wss://127.0.0.1:" + connector.getLocalPort() + "/relay";
    }

    String actionUrl() {
        return "https://127.0.0.1:" + connector.getLocalPort() + "/action";
    }

    /** The socket as the broken app sees it; public because Jetty invokes it through method handles. */
    public final class Endpoint implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String message) {
            received.add(message);
            if (received.size() == 1) {
                onSetup.accept(session);
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // The simulator closing on a misbehaving app is the expected ending here.
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
            closeCode.complete(new int[] {statusCode});
            closeReason.complete(reason);
            callback.succeed();
        }
    }

    @Override
    public void close() {
        try {
            closeAll();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void closeAll() throws Exception {
        server.stop();
    }
}
