package app.switchboard.relay;

import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's plain HTTP endpoints: Twilio's webhooks ({@code /twiml}, {@code /action},
 * {@code /status}, {@code /recording-status}), each refused with 403 unless signed over the
 * public URL, and {@code GET /health}. Upgrades to the WebSocket paths never reach this.
 */
final class HttpRoutes extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RelayServer relay;
    private final CallRegistry registry;
    private final TwilioSignatures signatures;
    private final List<HealthCheck> healthChecks;

    HttpRoutes(RelayServer relay, CallRegistry registry, TwilioSignatures signatures, List<HealthCheck> healthChecks) {
        this.relay = relay;
        this.registry = registry;
        this.signatures = signatures;
        this.healthChecks = healthChecks;
    }


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
            case RelayServer.RELAY_PATH, RelayServer.MEDIA_PATH -> Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
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
            case "/twiml" -> relay.twimlUrl();
            case "/action" -> relay.actionUrl();
            case "/recording-status" -> relay.recordingStatusUrl();
            default -> relay.statusUrl();
        } + RelayServer.query(request);
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
            body = relay.twiml().connect(form);
        } else {
            TwimlFactory.ActionAnswer answer = relay.twiml().action(form);
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
        ObjectNode body = JSON.createObjectNode();
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
