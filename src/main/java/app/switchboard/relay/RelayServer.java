package app.switchboard.relay;

import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.CallState;
import app.switchboard.call.RelayStatus;
import app.switchboard.media.LiveAudio;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
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
 *
 * <p>This class assembles the server, owns it and knows its URLs; its parts: {@link TlsConnector}
 * (the port), {@link SocketRoutes} (the WebSocket endpoints and their limits) and
 * {@link HttpRoutes} (the webhooks and {@code /health}).
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
        connector = TlsConnector.create(server, tls, config.host(), config.port());
        server.addConnector(connector);

        ContextHandler context = new ContextHandler("/");
        SocketRoutes sockets = new SocketRoutes(config, registry, signatures, server::getScheduler, waiting,
                liveAudio, this::isLive, () -> mediaLimits, this::relayUrl, this::mediaUrl);
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context,
                container -> sockets.register(container, extraSockets));
        upgrades.setHandler(new HttpRoutes(this, registry, signatures, healthChecks));
        context.setHandler(upgrades);
        server.setHandler(context);
        server.setStopTimeout(3000);
        server.start();

        publicBase = publicBase();
        twiml = new TwimlFactory(config.settings(), relayUrl(), actionUrl(),
                signatures.enabled() ? config.callTokens() : null, recordingStatusUrl(), mediaUrl());
        registry.statusSource(this::status);
    }

    /** What {@code /twiml} and {@code /action} answer with; set once the relay knows its public URL. */
    TwimlFactory twiml() {
        return twiml;
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

    /** The query as Twilio signed it ({@code ?…}), or nothing. */
    static String query(Request request) {
        String q = request.getHttpURI().getQuery();
        return q == null || q.isEmpty() ? "" : "?" + q;
    }
}
