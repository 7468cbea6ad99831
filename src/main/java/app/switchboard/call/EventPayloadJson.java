package app.switchboard.call;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON form of {@link EventPayload}s, used by the store, the exports and anything that
 * ships events elsewhere: a flat object whose keys are the record's component names, nulls
 * left out. Writing is strict (only the record's components); reading is tolerant: unknown
 * keys are ignored, missing ones come back null (or zero/false for primitives), and a row that
 * still cannot be read becomes {@link EventPayload.Unreadable} rather than an exception.
 */
public final class EventPayloadJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };
    private EventPayloadJson() {
    }

    /** The record type that carries {@code kind}; a kind without one does not compile. */
    public static Class<? extends EventPayload> typeOf(EventKind kind) {
        return switch (kind) {
            case SESSION_STARTED -> EventPayload.SessionStarted.class;
            case SETUP -> EventPayload.Setup.class;
            case PROMPT_PARTIAL -> EventPayload.PromptPartial.class;
            case PROMPT -> EventPayload.Prompt.class;
            case DTMF -> EventPayload.Dtmf.class;
            case INTERRUPT -> EventPayload.Interrupt.class;
            case TWILIO_ERROR -> EventPayload.TwilioError.class;
            case INFO -> EventPayload.Info.class;
            case UNKNOWN_MESSAGE -> EventPayload.UnknownMessage.class;
            case MALFORMED_FRAME -> EventPayload.MalformedFrame.class;
            case FRAME_TOO_LARGE -> EventPayload.FrameTooLarge.class;
            case FRAME_SENT -> EventPayload.FrameSent.class;
            case SEND_FAILED -> EventPayload.SendFailed.class;
            case STATE_CHANGED -> EventPayload.StateChanged.class;
            case TURN_STARTED -> EventPayload.TurnStarted.class;
            case AGENT_TOKEN -> EventPayload.AgentToken.class;
            case TURN_COMPLETED -> EventPayload.TurnCompleted.class;
            case TURN_INTERRUPTED -> EventPayload.TurnInterrupted.class;
            case DRAFT_TOKEN -> EventPayload.DraftToken.class;
            case DRAFT_READY -> EventPayload.DraftReady.class;
            case TOOL_CALL -> EventPayload.ToolCall.class;
            case FAULT -> EventPayload.Fault.class;
            case LATENCY -> EventPayload.Latency.class;
            case SUPERVISOR_SAY -> EventPayload.SupervisorSay.class;
            case SUPERVISOR_INTERRUPT -> EventPayload.SupervisorInterrupt.class;
            case SUPERVISOR_TAKEOVER -> EventPayload.SupervisorTakeover.class;
            case SUPERVISOR_RELEASE -> EventPayload.SupervisorRelease.class;
            case SUPERVISOR_WHISPER -> EventPayload.SupervisorWhisper.class;
            case SUPERVISOR_LANGUAGE -> EventPayload.SupervisorLanguage.class;
            case SUPERVISOR_END -> EventPayload.SupervisorEnd.class;
            case ATTENTION -> EventPayload.AttentionRaised.class;
            case ACTION_CALLBACK -> EventPayload.ActionCallback.class;
            case SESSION_CLOSED -> EventPayload.SessionClosed.class;
            case CALL_ENDED -> EventPayload.CallEnded.class;
            case GUARD_TRIPPED -> EventPayload.GuardTripped.class;
            case SESSION_RECONNECTED -> EventPayload.SessionReconnected.class;
            case SUMMARY -> EventPayload.Summary.class;
            case SUPERVISOR_INTERRUPTIBLE -> EventPayload.SupervisorInterruptible.class;
            case CONFIG_UPDATED -> EventPayload.ConfigUpdated.class;
            case RECORDING -> EventPayload.Recording.class;
            case ALERT -> EventPayload.Alert.class;
            case ALERT_ACKNOWLEDGED -> EventPayload.AlertAcknowledged.class;
        };
    }

    /** Never fails, and is always one JSON object: an unreadable stored payload is wrapped as {@code {"unreadable": raw}}. */
    public static String encode(EventPayload payload) {
        try {
            if (payload instanceof EventPayload.AgentToken t) {
                return encodeToken(t);
            }
            return MAPPER.writeValueAsString(stored(payload));
        } catch (IOException | RuntimeException e) {
            return "{\"unencodable\":" + quote(String.valueOf(e)) + "}";
        }
    }

    /**
     * A token, nine events in ten and each one a stored row: straight to a generator, the bytes
     * the record's serializer writes (components in order, a null left out) without its
     * per-property reflection.
     */
    private static String encodeToken(EventPayload.AgentToken t) throws IOException {
        StringWriter out = new StringWriter(40 + (t.token() == null ? 0 : t.token().length()));
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("turn", t.turn());
            if (t.token() != null) {
                g.writeStringField("token", t.token());
            }
            if (t.interruptible() != null) {
                g.writeBooleanField("interruptible", t.interruptible());
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    /** Writes the payload as its JSON object into {@code g} (keeping the generator's pretty printer). */
    public static void write(JsonGenerator g, EventPayload payload) throws IOException {
        MAPPER.writeValue(g, stored(payload));
    }

    /** What is written for a payload: the record itself, or the flat map for the two that are stored as maps. */
    private static Object stored(EventPayload payload) {
        if (payload instanceof EventPayload.Unreadable u) {
            // Always valid JSON, so an export stays readable around one damaged row.
            return Map.of("unreadable", u.raw());
        }
        if (payload instanceof EventPayload.ActionCallback a) {
            Map<String, Object> flat = new LinkedHashMap<>(a.form());
            if (a.outcome() != null) {
                flat.put("outcome", a.outcome());
            }
            return flat;
        }
        return payload;
    }

    /** The payload as a plain ordered map (the stored JSON's shape), for generic display. */
    public static Map<String, Object> toMap(EventPayload payload) {
        try {
            return MAPPER.readValue(encode(payload), MAP);
        } catch (JsonProcessingException e) {
            Map<String, Object> raw = new LinkedHashMap<>();
            raw.put("unreadable", encode(payload));
            return raw;
        }
    }

    /** Reads a stored payload of {@code kind}; never throws. */
    public static EventPayload decode(EventKind kind, String json) {
        try {
            if (kind == EventKind.ACTION_CALLBACK) {
                Map<String, Object> flat = MAPPER.readValue(json, MAP);
                Object outcome = flat.remove("outcome");
                Map<String, String> form = new LinkedHashMap<>();
                flat.forEach((k, v) -> form.put(k, v == null ? null : v.toString()));
                form.values().removeIf(v -> v == null);
                return new EventPayload.ActionCallback(form, outcome == null ? null : outcome.toString());
            }
            EventPayload payload = MAPPER.readValue(json, typeOf(kind));
            return payload == null ? new EventPayload.Unreadable(kind, json, "null") : payload;
        } catch (JsonProcessingException | RuntimeException e) {
            return new EventPayload.Unreadable(kind, json, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            return "\"\"";
        }
    }
}
