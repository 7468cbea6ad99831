package app.switchboard.relay;

import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.CallState;
import app.switchboard.call.RelayStatus;
import app.switchboard.media.LiveAudio;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
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
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay Twilio connects to: an embedded Jetty 12 server over TLS, no servlets.
 * {@code GET /relay} (WebSocket), {@code POST /twiml} (voice webhook), {@code POST /action}
 * ({@code <Connect action>}), {@code POST /status} (status callbacks of outbound calls),
 * {@code POST /recording-status} (recording status callbacks), {@code GET /health}. With an auth token, every upgrade and
 * webhook must carry a valid {@code X-Twilio-Signature} over the public URL, or gets 403
 * before anything else happens.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);
    public static final String RELAY_PATH = "/relay";
    public static final String MEDIA_PATH = "/media";

    private final RelayConfig config;
    private final CallRegistry registry;
    private final TwilioSignatures signatures;
    private final TlsMaterial tls;
    private Server server;
    private ServerConnector connector;
    private volatile String publicBase;
    private volatile TwimlFactory twiml;
    private volatile Supplier<String> modelName = () -> "";
    private final List<HealthCheck> healthChecks = new CopyOnWriteArrayList<>();
    private static final ObjectMapper HEALTH_JSON = new ObjectMapper();

    /** Adds a part to what {@code GET /health} reports. */
    public void addHealthCheck(HealthCheck check) {
        healthChecks.add(check);
    }
    private final SocketsWithoutCall waiting;
    private final Map<String, WebSocketCreator> extraSockets = new LinkedHashMap<>();
    private final LiveAudio liveAudio = new LiveAudio();
    private volatile MediaEndpoint.Limits mediaLimits = MediaEndpoint.Limits.defaults();

    /** The live audio of the calls that stream it ({@code /media}, docs/live-audio.md): what consoles listen to. */
    public LiveAudio liveAudio() {
        return liveAudio;
    }

    /** Limits of the {@code /media} sockets; before {@link #start()}. */
    void mediaLimits(MediaEndpoint.Limits limits) {
        this.mediaLimits = limits;
    }

    private boolean isLive(String callSid) {
        CallSession call = registry.find(callSid);
        return call != null && call.state() != CallState.ENDED;
    }

    /**
     * Another WebSocket endpoint on the relay's TLS port (the supervisor API's {@code /console});
     * before {@link #start()}. The creator decides each upgrade, as {@code /relay}'s does.
     */
    public void addWebSocket(String path, WebSocketCreator creator) {
        if (server != null) {
            throw new IllegalStateException("add endpoints before the relay starts");
        }
        extraSockets.put(path, creator);
    }

    public RelayServer(RelayConfig config, CallRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.signatures = new TwilioSignatures(config.authToken() == null ? List.of() : List.of(config.authToken()));
        this.tls = TlsMaterial.from(config.tls());
        this.waiting = new SocketsWithoutCall(config.limits().maxSocketsWithoutCall());
    }

    /** Upgraded sockets that have not yet sent a valid {@code setup}. */
    public int socketsWithoutCall() {
        return waiting.count();
    }

    /** What the status bar shows as the model in use. */
    public void modelName(Supplier<String> name) {
        this.modelName = name;
    }

    public void start() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("relay");
        server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // A self-signed certificate for localhost is reached as 127.0.0.1 and through tunnels:
        // the host check would answer 400 "Invalid SNI" to legitimate clients.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(tls.password()));
        ssl.setKeyManagerPassword(new String(tls.password()));

        connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        server.addConnector(connector);

        ContextHandler context = new ContextHandler("/");
        long maxFrame = config.settings().maxFrameBytes;
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxTextMessageSize(maxFrame);
            container.setMaxBinaryMessageSize(maxFrame);
            container.setIdleTimeout(Duration.ofSeconds(config.settings().idleTimeoutSeconds));
            container.addMapping(RELAY_PATH, (request, response, callback) -> {
                String signed = relayUrl() + query(request);
                String signature = request.getHeaders().get(TwilioSignatures.HEADER);
                if (!signatures.validUpgrade(signed, signature)) {
                    LOG.warn("Refused relay upgrade from {}: {} signature", Request.getRemoteAddr(request),
                            signature == null ? "missing" : "invalid");
                    Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "Invalid Twilio signature");
                    return null;
                }
                return new RelayEndpoint(registry, maxFrame, signatures.enabled() ? config.callTokens() : null,
                        config.limits(), server.getScheduler(), waiting);
            });
            container.addMapping(MEDIA_PATH, (request, response, callback) -> {
                // Twilio signs the stream's upgrade like the relay's (docs/live-audio.md).
                String signed = mediaUrl() + query(request);
                String signature = request.getHeaders().get(TwilioSignatures.HEADER);
                if (!signatures.validUpgrade(signed, signature)) {
                    LOG.warn("Refused media upgrade from {}: {} signature", Request.getRemoteAddr(request),
                            signature == null ? "missing" : "invalid");
                    Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "Invalid Twilio signature");
                    return null;
                }
                return new MediaEndpoint(liveAudio, this::isLive, signatures.enabled() ? config.callTokens() : null,
                        mediaLimits, server.getScheduler(), maxFrame);
            });
            extraSockets.forEach(container::addMapping);
        });
        upgrades.setHandler(new HttpRoutes());
        context.setHandler(upgrades);
        server.setHandler(context);
        server.setStopTimeout(3000);
        server.start();

        publicBase = publicBase();
        twiml = new TwimlFactory(config.settings(), relayUrl(), actionUrl(),
                signatures.enabled() ? config.callTokens() : null, recordingStatusUrl(), mediaUrl());
        registry.statusSource(this::status);
    }

    private String publicBase() {
        String url = config.publicUrl();
        if (url != null && !url.isBlank()) {
            url = url.strip();
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            return url;
        }
        return "https://" + displayHost() + ":" + port();
    }

    private String displayHost() {
        String host = config.host();
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The socket URL Twilio is given and signs. */
    public String relayUrl() {
        return "wss://" + publicBase.substring(publicBase.indexOf("://") + 3) + RELAY_PATH;
    }

    /** The live-audio socket URL Twilio is given for {@code <Start><Stream>} and signs. */
    public String mediaUrl() {
        return "wss://" + publicBase.substring(publicBase.indexOf("://") + 3) + MEDIA_PATH;
    }

    /** The socket URL on this machine. */
    public String localRelayUrl() {
        return "wss://" + displayHost() + ":" + port() + RELAY_PATH;
    }

    /** The live-audio socket URL on this machine. */
    public String localMediaUrl() {
        return "wss://" + displayHost() + ":" + port() + MEDIA_PATH;
    }

    public String localBaseUrl() {
        return "https://" + displayHost() + ":" + port();
    }

    public String twimlUrl() {
        return publicBase + "/twiml";
    }

    public String actionUrl() {
        return publicBase + "/action";
    }

    /** Where outbound calls send their status callbacks. */
    public String statusUrl() {
        return publicBase + "/status";
    }

    /** Where Twilio posts the status of a call's recording ({@code <Start><Recording>}). */
    public String recordingStatusUrl() {
        return publicBase + "/recording-status";
    }

    public String fingerprint() {
        return tls.fingerprint();
    }

    public boolean verifiesSignatures() {
        return signatures.enabled();
    }

    public RelayStatus status() {
        return new RelayStatus(relayUrl(), twimlUrl(), port(), fingerprint(), verifiesSignatures(),
                modelName.get(), (int) registry.liveCalls(),
                config.settings().handoffNumber != null && !config.settings().handoffNumber.isBlank());
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Relay did not stop cleanly", e);
        }
    }

    private static String query(Request request) {
        String q = request.getHttpURI().getQuery();
        return q == null || q.isEmpty() ? "" : "?" + q;
    }

    /** The plain HTTP endpoints; upgrades to /relay never reach this. */
    private final class HttpRoutes extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            switch (path) {
                case "/health" -> {
                    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
                        Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
                        return true;
                    }
                    health(response, callback);
                }
                case "/twiml", "/action", "/status", "/recording-status" -> {
                    if (!HttpMethod.POST.is(method)) {
                        Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
                        return true;
                    }
                    webhook(path, request, response, callback);
                }
                case RELAY_PATH, MEDIA_PATH -> Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
                        "WebSocket upgrade required");
                default -> Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
            return true;
        }

        private void webhook(String path, Request request, Response response, Callback callback) {
            Map<String, String> form;
            try {
                form = toMap(FormFields.getFields(request));
            } catch (RuntimeException e) {
                Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "Unreadable form body");
                return;
            }
            String signed = switch (path) {
                case "/twiml" -> twimlUrl();
                case "/action" -> actionUrl();
                case "/recording-status" -> recordingStatusUrl();
                default -> statusUrl();
            } + query(request);
            String signature = request.getHeaders().get(TwilioSignatures.HEADER);
            if (!signatures.validWebhook(signed, form, signature)) {
                LOG.warn("Refused {} from {}: {} signature", path, Request.getRemoteAddr(request),
                        signature == null ? "missing" : "invalid");
                Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "Invalid Twilio signature");
                return;
            }
            if (path.equals("/status")) {
                // Twilio ignores the body of a status callback answer.
                registry.outbound().statusCallback(form);
                response.setStatus(HttpStatus.NO_CONTENT_204);
                callback.succeeded();
                return;
            }
            if (path.equals("/recording-status")) {
                recordingStatus(form, request, response, callback);
                return;
            }
            String body;
            if (path.equals("/twiml")) {
                body = twiml.connect(form);
            } else {
                TwimlFactory.ActionAnswer answer = twiml.action(form);
                registry.actionCallback(form.get("CallSid"), form, answer.outcome().name().toLowerCase());
                body = answer.twiml();
            }
            write(response, callback, "application/xml", body);
        }

        /**
         * A signed recording status callback: checked field by field, then recorded on its call by
         * CallSid, live or ended. An ended call is still held here for a while
         * ({@link CallRegistry.EndedCalls}), and its event goes to the store after CALL_ENDED as the
         * post-call summary does. A call this relay no longer holds (pruned, or before a restart) is
         * only logged: Twilio keeps the recording and its own log of it.
         */
        private void recordingStatus(Map<String, String> form, Request request, Response response, Callback callback) {
            RecordingCallback.Parsed parsed;
            try {
                parsed = RecordingCallback.parse(form);
            } catch (RecordingCallback.Invalid e) {
                LOG.warn("Refused /recording-status from {}: {}", Request.getRemoteAddr(request), e.getMessage());
                Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "Invalid recording status callback");
                return;
            }
            CallSession session = registry.find(parsed.callSid());
            if (session == null) {
                LOG.info("Recording {} ({}) for call {}, which this relay does not hold: not recorded",
                        parsed.recording().recordingSid(), parsed.recording().status(), parsed.callSid());
            } else {
                session.execute(() -> session.record(parsed.recording()));
            }
            // Twilio ignores the body of a status callback answer.
            response.setStatus(HttpStatus.NO_CONTENT_204);
            callback.succeeded();
        }

        private void health(Response response, Callback callback) {
            List<HealthCheck.Result> results = new ArrayList<>();
            for (HealthCheck check : healthChecks) {
                try {
                    results.add(check.check());
                } catch (RuntimeException e) {
                    results.add(new HealthCheck.Result("check", HealthCheck.Level.FAILED,
                            "a health check failed: " + e.getClass().getSimpleName()));
                }
            }
            HealthCheck.Level level = HealthCheck.worst(results);
            ObjectNode body = HEALTH_JSON.createObjectNode();
            body.put("status", level.name().toLowerCase(Locale.ROOT));
            body.put("liveCalls", registry.liveCalls());
            ArrayNode checks = body.putArray("checks");
            for (HealthCheck.Result r : results) {
                ObjectNode c = checks.addObject();
                c.put("name", r.name());
                c.put("status", r.level().name().toLowerCase(Locale.ROOT));
                if (r.reason() != null) {
                    c.put("reason", r.reason());
                }
            }
            response.setStatus(level == HealthCheck.Level.FAILED ? HttpStatus.SERVICE_UNAVAILABLE_503 : HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8)), callback);
        }

        private void write(Response response, Callback callback, String type, String body) {
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        }

        private Map<String, String> toMap(Fields fields) {
            Map<String, String> map = new LinkedHashMap<>();
            for (Fields.Field f : fields) {
                map.put(f.getName(), f.getValue());
            }
            return map;
        }
    }
}
