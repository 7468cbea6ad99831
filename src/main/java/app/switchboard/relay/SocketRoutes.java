package app.switchboard.relay;

import app.switchboard.call.CallRegistry;
import app.switchboard.media.LiveAudio;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoints on the relay's port and the limits every socket gets: {@code /relay}
 * and {@code /media}, each upgrade refused with 403 unless Twilio signed it over the public URL,
 * and the endpoints added by the composition root (the supervisor API's {@code /console}).
 */
final class SocketRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(SocketRoutes.class);

    private final RelayConfig config;
    private final CallRegistry registry;
    private final TwilioSignatures signatures;
    private final Supplier<Scheduler> scheduler;
    private final SocketsWithoutCall waiting;
    private final LiveAudio liveAudio;
    private final Predicate<String> isLive;
    private final Supplier<MediaEndpoint.Limits> mediaLimits;
    private final Supplier<String> relayUrl;
    private final Supplier<String> mediaUrl;

    SocketRoutes(RelayConfig config, CallRegistry registry, TwilioSignatures signatures, Supplier<Scheduler> scheduler,
                 SocketsWithoutCall waiting, LiveAudio liveAudio, Predicate<String> isLive,
                 Supplier<MediaEndpoint.Limits> mediaLimits, Supplier<String> relayUrl, Supplier<String> mediaUrl) {
        this.config = config;
        this.registry = registry;
        this.signatures = signatures;
        this.scheduler = scheduler;
        this.waiting = waiting;
        this.liveAudio = liveAudio;
        this.isLive = isLive;
        this.mediaLimits = mediaLimits;
        this.relayUrl = relayUrl;
        this.mediaUrl = mediaUrl;
    }

    /** Sets the limits and maps every endpoint; {@code extra}: path → creator, added as they are. */
    void register(ServerWebSocketContainer container, Map<String, WebSocketCreator> extra) {
        long maxFrame = config.settings().maxFrameBytes;
        container.setMaxTextMessageSize(maxFrame);
        container.setMaxBinaryMessageSize(maxFrame);
        container.setIdleTimeout(Duration.ofSeconds(config.settings().idleTimeoutSeconds));
        container.addMapping(RelayServer.RELAY_PATH, (request, response, callback) -> {
            String signed = relayUrl.get() + RelayServer.query(request);
            String signature = request.getHeaders().get(TwilioSignatures.HEADER);
            if (!signatures.validUpgrade(signed, signature)) {
                LOG.warn("Refused relay upgrade from {}: {} signature", Request.getRemoteAddr(request),
                        signature == null ? "missing" : "invalid");
                Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "Invalid Twilio signature");
                return null;
            }
            return new RelayEndpoint(registry, maxFrame, signatures.enabled() ? config.callTokens() : null,
                    config.limits(), scheduler.get(), waiting);
        });
        container.addMapping(RelayServer.MEDIA_PATH, (request, response, callback) -> {
            // Twilio signs the stream's upgrade like the relay's (docs/live-audio.md).
            String signed = mediaUrl.get() + RelayServer.query(request);
            String signature = request.getHeaders().get(TwilioSignatures.HEADER);
            if (!signatures.validUpgrade(signed, signature)) {
                LOG.warn("Refused media upgrade from {}: {} signature", Request.getRemoteAddr(request),
                        signature == null ? "missing" : "invalid");
                Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "Invalid Twilio signature");
                return null;
            }
            return new MediaEndpoint(liveAudio, isLive, signatures.enabled() ? config.callTokens() : null,
                    mediaLimits.get(), scheduler.get(), maxFrame);
        });
        extra.forEach(container::addMapping);
    }
}
