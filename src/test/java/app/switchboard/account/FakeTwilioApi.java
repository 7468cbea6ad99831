package app.switchboard.account;

import com.twilio.http.NetworkHttpClient;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A local stand-in for {@code api.twilio.com}: a Jetty server on 127.0.0.1 that records every
 * request and answers with the scripted bodies, in order, per method and path.
 *
 * <p>The SDK is reached through its own HTTP path: {@link #httpClient()} is the SDK's
 * {@link NetworkHttpClient}, built from an Apache {@code HttpClientBuilder} whose route planner
 * sends every connection to this server in plain HTTP. The SDK still builds
 * {@code https://api.twilio.com/…} URLs, the Basic authentication header and the form body
 * exactly as it would for Twilio; only where the socket connects differs.
 */
public final class FakeTwilioApi implements AutoCloseable {

    /** One request as the server received it. */
    public record Received(String method, String path, String query, String authorization, String contentType,
                    String host, String body) {

        /** The form body (or query) decoded; repeated names keep every value in order. */
        public Map<String, List<String>> form() {
            return decode(body);
        }

        Map<String, List<String>> queryParams() {
            return decode(query);
        }

        public String formValue(String name) {
            List<String> values = form().get(name);
            return values == null ? null : values.get(0);
        }

        private static Map<String, List<String>> decode(String encoded) {
            Map<String, List<String>> map = new LinkedHashMap<>();
            if (encoded == null || encoded.isEmpty()) {
                return map;
            }
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                map.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
            return map;
        }
    }

    private record Reply(int status, String json) { }

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final Map<String, Deque<Reply>> replies = new LinkedHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public FakeTwilioApi() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                String path = request.getHttpURI().getPath();
                received.add(new Received(request.getMethod(), path, request.getHttpURI().getQuery(),
                        request.getHeaders().get(HttpHeader.AUTHORIZATION),
                        request.getHeaders().get(HttpHeader.CONTENT_TYPE),
                        request.getHeaders().get(HttpHeader.HOST), body));
                Reply reply = next(request.getMethod() + " " + path);
                response.setStatus(reply.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
                response.write(true, ByteBuffer.wrap(reply.json().getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
    }

    /** Answers the next {@code method path} request with this status and JSON body. */
    public FakeTwilioApi reply(String method, String path, int status, String json) {
        synchronized (replies) {
            replies.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>()).add(new Reply(status, json));
        }
        return this;
    }

    private Reply next(String key) {
        synchronized (replies) {
            Deque<Reply> queue = replies.get(key);
            if (queue == null || queue.isEmpty()) {
                return new Reply(404, """
                        {"code":20404,"message":"The requested resource %s was not found",\
                        "more_info":"https://www.twilio.com/docs/errors/20404","status":404}""".formatted(key));
            }
            return queue.poll();
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The SDK's own HTTP client, its connections routed here. */
    public NetworkHttpClient httpClient() {
        HttpHost fake = new HttpHost("http", "127.0.0.1", connector.getLocalPort());
        return new NetworkHttpClient(HttpClientBuilder.create()
                .setRoutePlanner((target, context) -> new HttpRoute(fake)));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
