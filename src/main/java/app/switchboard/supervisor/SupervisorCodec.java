package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.supervisor.SupervisorMessage.CallInfo;
import app.switchboard.supervisor.SupervisorMessage.ClientMessage;
import app.switchboard.supervisor.SupervisorMessage.Position;
import app.switchboard.supervisor.SupervisorMessage.ServerMessage;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one codec of the supervisor API, used by the relay's endpoint, {@link SupervisorClient}
 * and the tests. Writing is strict: only {@link SupervisorMessage} records, whose constructors
 * refuse what is not valid, each written with {@code "v": 1}. Reading is tolerant: unknown
 * fields are ignored, an unknown type is {@link SupervisorMessage.Unknown}, and what is not a
 * message is {@link SupervisorMessage.Malformed}; reading never throws.
 */
public final class SupervisorCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private SupervisorCodec() {
    }

    public static String encode(SupervisorMessage message) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", SupervisorMessage.VERSION);
            g.writeStringField("type", message.type());
            write(g, message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, SupervisorMessage message) throws IOException {
        if (message instanceof SupervisorMessage.Hello h) {
            g.writeStringField("relay", h.relay());
            g.writeStringField("supervisor", h.supervisor());
            g.writeNumberField("protocol", h.protocol());
        } else if (message instanceof SupervisorMessage.Snapshot s) {
            g.writeStringField("reason", s.reason().name().toLowerCase(Locale.ROOT));
            g.writeArrayFieldStart("calls");
            for (CallInfo c : s.calls()) {
                g.writeStartObject();
                g.writeStringField("callId", c.callId());
                optional(g, "from", c.from());
                optional(g, "to", c.to());
                optional(g, "state", c.state() == null ? null : c.state().name());
                optional(g, "language", c.language());
                optional(g, "startedAt", c.startedAt() == null ? null : c.startedAt().toString());
                optional(g, "endedAt", c.endedAt() == null ? null : c.endedAt().toString());
                g.writeNumberField("lastSeq", c.lastSeq());
                g.writeNumberField("firstSeq", c.firstSeq());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (message instanceof SupervisorMessage.Event e) {
            CallEvent ev = e.event();
            g.writeStringField("callId", ev.callId());
            g.writeNumberField("seq", ev.seq());
            g.writeStringField("time", ev.time().toString());
            g.writeStringField("kind", ev.kind().name());
            g.writeFieldName("payload");
            g.writeRawValue(EventPayloadJson.encode(ev.payload()));
        } else if (message instanceof SupervisorMessage.Reply r) {
            g.writeStringField("commandId", r.commandId());
            g.writeStringField("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
            optional(g, "reason", r.reason());
        } else if (message instanceof SupervisorMessage.Resume r) {
            g.writeArrayFieldStart("calls");
            for (Position p : r.calls()) {
                g.writeStartObject();
                g.writeStringField("callId", p.callId());
                g.writeNumberField("seq", p.seq());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (message instanceof SupervisorMessage.Command c) {
            g.writeStringField("commandId", c.commandId());
            g.writeStringField("callId", c.callId());
            if (c instanceof SupervisorMessage.Say s) {
                optional(g, "text", s.text());
            } else if (c instanceof SupervisorMessage.SendDraft s) {
                optional(g, "text", s.text());
            } else if (c instanceof SupervisorMessage.Whisper w) {
                optional(g, "text", w.text());
            } else if (c instanceof SupervisorMessage.Language l) {
                optional(g, "ttsLanguage", l.ttsLanguage());
                optional(g, "transcriptionLanguage", l.transcriptionLanguage());
            } else if (c instanceof SupervisorMessage.End end) {
                optional(g, "reason", end.reason());
                g.writeBooleanField("handToHuman", end.handToHuman());
            }
        } else {
            throw new IllegalArgumentException("not a message to write: " + message.type());
        }
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    // ---- reading ----

    /** What a client reads. */
    public static ServerMessage decodeServer(String raw) {
        JsonNode node = object(raw);
        if (node == null) {
            return new SupervisorMessage.Malformed(raw, "not a JSON object with a string type", null);
        }
        String type = node.get("type").asText();
        try {
            return switch (type) {
                case "hello" -> new SupervisorMessage.Hello(text(node, "relay", ""), text(node, "supervisor", ""),
                        node.path("protocol").asInt(0));
                case "snapshot" -> {
                    List<CallInfo> calls = new ArrayList<>();
                    for (JsonNode c : node.path("calls")) {
                        calls.add(new CallInfo(text(c, "callId", null), text(c, "from", null), text(c, "to", null),
                                state(text(c, "state", null)), text(c, "language", null),
                                instant(text(c, "startedAt", null)), instant(text(c, "endedAt", null)),
                                c.path("lastSeq").asLong(0), c.path("firstSeq").asLong(0)));
                    }
                    SupervisorMessage.SnapshotReason reason;
                    try {
                        reason = enumOf(SupervisorMessage.SnapshotReason.class, text(node, "reason", "resync"));
                    } catch (IllegalArgumentException e) {
                        reason = SupervisorMessage.SnapshotReason.RESYNC; // a newer reason: assume a gap, the safe reading
                    }
                    yield new SupervisorMessage.Snapshot(reason, calls);
                }
                case "event" -> {
                    EventKind kind = EventKind.valueOf(text(node, "kind", ""));
                    JsonNode payload = node.get("payload");
                    yield new SupervisorMessage.Event(new CallEvent(text(node, "callId", null),
                            node.path("seq").asLong(), Instant.parse(text(node, "time", "")),
                            EventPayloadJson.decode(kind, payload == null ? "{}" : payload.toString())));
                }
                case "reply" -> new SupervisorMessage.Reply(text(node, "commandId", null),
                        enumOf(SupervisorMessage.Outcome.class, text(node, "outcome", "")), text(node, "reason", null));
                default -> new SupervisorMessage.Unknown(type, raw);
            };
        } catch (RuntimeException e) {
            return new SupervisorMessage.Malformed(raw, type + ": " + e.getMessage(), null);
        }
    }

    /** What the server reads. A command missing what it needs is Malformed with its commandId, so it can be refused. */
    public static ClientMessage decodeClient(String raw) {
        JsonNode node = object(raw);
        if (node == null) {
            return new SupervisorMessage.Malformed(raw, "not a JSON object with a string type", null);
        }
        String type = node.get("type").asText();
        String commandId = text(node, "commandId", null);
        String callId = text(node, "callId", null);
        try {
            return switch (type) {
                case "resume" -> {
                    List<Position> calls = new ArrayList<>();
                    for (JsonNode p : node.path("calls")) {
                        calls.add(new Position(text(p, "callId", null), p.path("seq").asLong(0)));
                    }
                    yield new SupervisorMessage.Resume(calls);
                }
                case "say" -> new SupervisorMessage.Say(commandId, callId, text(node, "text", null));
                case "sendDraft" -> new SupervisorMessage.SendDraft(commandId, callId, text(node, "text", null));
                case "whisper" -> new SupervisorMessage.Whisper(commandId, callId, text(node, "text", null));
                case "interrupt" -> new SupervisorMessage.Interrupt(commandId, callId);
                case "takeOver" -> new SupervisorMessage.TakeOver(commandId, callId);
                case "release" -> new SupervisorMessage.Release(commandId, callId);
                case "language" -> new SupervisorMessage.Language(commandId, callId, text(node, "ttsLanguage", null),
                        text(node, "transcriptionLanguage", null));
                case "end" -> new SupervisorMessage.End(commandId, callId, text(node, "reason", null),
                        node.path("handToHuman").asBoolean(false));
                default -> new SupervisorMessage.Unknown(type, raw);
            };
        } catch (RuntimeException e) {
            return new SupervisorMessage.Malformed(raw, type + ": " + e.getMessage(), commandId);
        }
    }

    private static JsonNode object(String raw) {
        try {
            JsonNode node = JSON.readTree(raw);
            return node != null && node.isObject() && node.path("type").isTextual() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field, String otherwise) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static CallState state(String name) {
        if (name == null) {
            return null;
        }
        try {
            return CallState.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null; // a state a newer relay knows: shown as unknown, not a failure
        }
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String name) {
        return Enum.valueOf(type, name.toUpperCase(Locale.ROOT));
    }
}
