package app.switchboard.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one codec for ConversationRelay frames, used by the relay, the simulator and the tests.
 *
 * <p>Reading Twilio's frames is tolerant (unknown fields ignored, unknown types and malformed
 * frames become values, never exceptions). Reading the app's frames, which only the simulator
 * does, is strict: it plays Twilio, and Twilio rejects what this model would not build.
 * Writing is strict by construction: {@link OutboundMessage} cannot hold an invalid frame.
 */
public final class ProtocolCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProtocolCodec() {
    }

    public static InboundMessage decodeInbound(String raw) {
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return new InboundMessage.Malformed(raw, "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return new InboundMessage.Malformed(raw, "not a JSON object");
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return new InboundMessage.Malformed(raw, "no string \"type\" field");
        }
        String type = typeNode.asText();
        return switch (type) {
            case "setup" -> new InboundMessage.Setup(
                    text(node, "sessionId"),
                    text(node, "accountSid"),
                    text(node, "callSid"),
                    text(node, "parentCallSid"),
                    text(node, "from"),
                    text(node, "to"),
                    text(node, "forwardedFrom"),
                    text(node, "callerName"),
                    text(node, "direction"),
                    text(node, "callType"),
                    text(node, "callStatus"),
                    stringMap(node.get("customParameters")));
            case "prompt" -> new InboundMessage.Prompt(
                    text(node, "voicePrompt"), text(node, "lang"), node.path("last").asBoolean(false));
            case "dtmf" -> new InboundMessage.Dtmf(text(node, "digit"));
            case "interrupt" -> new InboundMessage.Interrupt(
                    text(node, "utteranceUntilInterrupt"), longOrNull(node.get("durationUntilInterruptMs")));
            case "error" -> new InboundMessage.TwilioError(text(node, "description"));
            case "info" -> InboundMessage.ConfigUpdated.NAME.equals(text(node, "name"))
                    ? new InboundMessage.ConfigUpdated(raw)
                    : new InboundMessage.Info(text(node, "name"), text(node, "value"));
            case InboundMessage.ConfigUpdated.NAME -> new InboundMessage.ConfigUpdated(raw);
            default -> new InboundMessage.Unknown(type, raw);
        };
    }

    public static String encode(OutboundMessage message) {
        if (message instanceof OutboundMessage.Text t) {
            return encodeText(t);
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("type", message.type());
        if (message instanceof OutboundMessage.Text t) {
            node.put("token", t.token());
            node.put("last", t.last());
            putIfPresent(node, "lang", t.lang());
            putIfPresent(node, "interruptible", t.interruptible());
            putIfPresent(node, "preemptible", t.preemptible());
        } else if (message instanceof OutboundMessage.Play p) {
            node.put("source", p.source());
            if (p.loop() != null) {
                node.put("loop", p.loop());
            }
            putIfPresent(node, "preemptible", p.preemptible());
            putIfPresent(node, "interruptible", p.interruptible());
        } else if (message instanceof OutboundMessage.SendDigits d) {
            node.put("digits", d.digits());
        } else if (message instanceof OutboundMessage.Language l) {
            putIfPresent(node, "ttsLanguage", l.ttsLanguage());
            putIfPresent(node, "transcriptionLanguage", l.transcriptionLanguage());
        } else if (message instanceof OutboundMessage.End e) {
            putIfPresent(node, "handoffData", e.handoffData());
        }
        return node.toString();
    }

    /**
     * A text frame, the one written per token: straight to a generator, the same bytes as the tree
     * {@link #encode} builds for the other messages (fields in the same order) without the tree.
     */
    private static String encodeText(OutboundMessage.Text t) {
        StringWriter out = new StringWriter(32 + t.token().length());
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", t.type());
            g.writeStringField("token", t.token());
            g.writeBooleanField("last", t.last());
            if (t.lang() != null) {
                g.writeStringField("lang", t.lang());
            }
            if (t.interruptible() != null) {
                g.writeBooleanField("interruptible", t.interruptible());
            }
            if (t.preemptible() != null) {
                g.writeBooleanField("preemptible", t.preemptible());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string failed", e);
        }
        return out.toString();
    }

    /**
     * Twilio's side of the socket: the frame as Twilio would send it. Only protocol messages
     * can be encoded; the two non-protocol shapes are refused.
     */
    public static String encodeInbound(InboundMessage message) {
        ObjectNode node = JSON.createObjectNode();
        if (message instanceof InboundMessage.Unknown u) {
            return u.raw();
        }
        if (message instanceof InboundMessage.Malformed m) {
            return m.raw();
        }
        if (message instanceof InboundMessage.ConfigUpdated c) {
            return c.raw();
        }
        node.put("type", message.type());
        if (message instanceof InboundMessage.Setup s) {
            node.put("sessionId", s.sessionId());
            node.put("callSid", s.callSid());
            node.put("parentCallSid", s.parentCallSid());
            node.put("from", s.from());
            node.put("to", s.to());
            node.put("forwardedFrom", s.forwardedFrom());
            node.put("callerName", s.callerName());
            node.put("direction", s.direction());
            node.put("callType", s.callType());
            node.put("callStatus", s.callStatus());
            node.put("accountSid", s.accountSid());
            ObjectNode params = node.putObject("customParameters");
            s.customParameters().forEach(params::put);
        } else if (message instanceof InboundMessage.Prompt p) {
            node.put("voicePrompt", p.voicePrompt());
            putIfPresent(node, "lang", p.lang());
            node.put("last", p.last());
        } else if (message instanceof InboundMessage.Dtmf d) {
            node.put("digit", d.digit());
        } else if (message instanceof InboundMessage.Interrupt i) {
            node.put("utteranceUntilInterrupt", i.utteranceUntilInterrupt());
            if (i.durationUntilInterruptMs() != null) {
                node.put("durationUntilInterruptMs", i.durationUntilInterruptMs());
            }
        } else if (message instanceof InboundMessage.TwilioError e) {
            node.put("description", e.description());
        } else if (message instanceof InboundMessage.Info i) {
            node.put("name", i.name());
            node.put("value", i.value());
        }
        return node.toString();
    }

    /**
     * Strict reading of an app frame, as Twilio does it: anything Twilio would answer with
     * error 64107 throws {@link InvalidMessageException} with the reason.
     */
    public static OutboundMessage decodeOutbound(String raw) {
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject() || !node.path("type").isTextual()) {
            throw new InvalidMessageException("not a JSON object with a string type");
        }
        String type = node.get("type").asText();
        return switch (type) {
            case "text" -> {
                JsonNode token = node.get("token");
                if (token == null || !token.isTextual()) {
                    throw new InvalidMessageException("text: token must be a string");
                }
                yield new OutboundMessage.Text(token.asText(), node.path("last").asBoolean(false),
                        text(node, "lang"), boolOrNull(node.get("interruptible")), boolOrNull(node.get("preemptible")));
            }
            case "play" -> new OutboundMessage.Play(text(node, "source"),
                    node.has("loop") ? node.get("loop").asInt() : null,
                    boolOrNull(node.get("preemptible")), boolOrNull(node.get("interruptible")));
            case "sendDigits" -> new OutboundMessage.SendDigits(text(node, "digits"));
            case "language" -> new OutboundMessage.Language(text(node, "ttsLanguage"), text(node, "transcriptionLanguage"));
            case "end" -> {
                JsonNode handoff = node.get("handoffData");
                if (handoff != null && !handoff.isNull() && !handoff.isTextual()) {
                    throw new InvalidMessageException("end: handoffData must be a string");
                }
                yield new OutboundMessage.End(handoff == null || handoff.isNull() ? null : handoff.asText());
            }
            default -> throw new InvalidMessageException("unknown message type: " + type);
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static Long longOrNull(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Boolean boolOrNull(JsonNode value) {
        return value == null || value.isNull() ? null : value.asBoolean();
    }

    private static Map<String, String> stringMap(JsonNode value) {
        Map<String, String> map = new LinkedHashMap<>();
        if (value != null && value.isObject()) {
            value.fields().forEachRemaining(e -> map.put(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        }
        return map;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, Boolean value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
