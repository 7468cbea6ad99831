package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.StoreHealth;
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
 *
 * <p>Over 400 lines on purpose: one protocol, one codec, so every message's wire form (both
 * directions, calls, presence, history) can be read and changed in one place, as
 * {@code ProtocolCodec} is for ConversationRelay.
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

    /**
     * The {@code events} message made of event messages already encoded by {@link #encode} (the
     * relay encodes an event once for every console): the same text {@code encode(new Events(…))}
     * writes for those events.
     */
    public static String encodeEvents(List<String> encodedEvents) {
        if (encodedEvents.isEmpty()) {
            throw new IllegalArgumentException("an events message holds at least one event");
        }
        StringBuilder out = new StringBuilder(encodedEvents.size() * 256);
        out.append("{\"v\":").append(SupervisorMessage.VERSION).append(",\"type\":\"events\",\"events\":[");
        for (int i = 0; i < encodedEvents.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(encodedEvents.get(i));
        }
        return out.append("]}").toString();
    }

    private static void write(JsonGenerator g, SupervisorMessage message) throws IOException {
        if (message instanceof SupervisorMessage.Hello h) {
            g.writeStringField("relay", h.relay());
            g.writeStringField("supervisor", h.supervisor());
            g.writeNumberField("protocol", h.protocol());
            g.writeBooleanField("listen", h.listen());
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
                optional(g, "heldBy", c.heldBy());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (message instanceof SupervisorMessage.Event e) {
            eventFields(g, e.event());
        } else if (message instanceof SupervisorMessage.Events batch) {
            g.writeArrayFieldStart("events");
            for (SupervisorMessage.Event e : batch.events()) {
                g.writeRawValue(encode(e));
            }
            g.writeEndArray();
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
        } else if (writeSupervisorsAndHistory(g, message)) {
            return;
        } else if (message instanceof SupervisorMessage.Command c) {
            g.writeStringField("commandId", c.commandId());
            g.writeStringField("callId", c.callId());
            if (c instanceof SupervisorMessage.Say s) {
                optional(g, "text", s.text());
            } else if (c instanceof SupervisorMessage.SendDraft s) {
                optional(g, "text", s.text());
            } else if (c instanceof SupervisorMessage.Whisper w) {
                optional(g, "text", w.text());
            } else if (c instanceof SupervisorMessage.AcknowledgeAlert a) {
                g.writeNumberField("alertSeq", a.alertSeq());
            } else if (c instanceof SupervisorMessage.Language l) {
                optional(g, "ttsLanguage", l.ttsLanguage());
                optional(g, "transcriptionLanguage", l.transcriptionLanguage());
            } else if (c instanceof SupervisorMessage.Interruptible i) {
                g.writeBooleanField("interruptible", i.interruptible());
            } else if (c instanceof SupervisorMessage.End end) {
                optional(g, "reason", end.reason());
                g.writeBooleanField("handToHuman", end.handToHuman());
            } else if (c instanceof SupervisorMessage.Listen l) {
                g.writeBooleanField("on", l.on());
            }
        } else {
            throw new IllegalArgumentException("not a message to write: " + message.type());
        }
    }

    private static void eventFields(JsonGenerator g, CallEvent ev) throws IOException {
        g.writeStringField("callId", ev.callId());
        g.writeNumberField("seq", ev.seq());
        g.writeStringField("time", ev.time().toString());
        g.writeStringField("kind", ev.kind().name());
        g.writeFieldName("payload");
        g.writeRawValue(EventPayloadJson.encode(ev.payload()));
    }

    private static CallEvent event(JsonNode node) {
        EventKind kind = EventKind.valueOf(text(node, "kind", ""));
        JsonNode payload = node.get("payload");
        return new CallEvent(text(node, "callId", null), node.path("seq").asLong(), Instant.parse(text(node, "time", "")),
                EventPayloadJson.decode(kind, payload == null ? "{}" : payload.toString()));
    }

    /** The presence, hold and history messages; false for any other. */
    private static boolean writeSupervisorsAndHistory(JsonGenerator g, SupervisorMessage message) throws IOException {
        if (message instanceof SupervisorMessage.Presence p) {
            g.writeArrayFieldStart("supervisors");
            for (SupervisorMessage.OnlineSupervisor s : p.supervisors()) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                g.writeNumberField("consoles", s.consoles());
                strings(g, "watching", s.watching());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("holds");
            for (SupervisorMessage.Hold h : p.holds()) {
                g.writeStartObject();
                g.writeStringField("callId", h.callId());
                g.writeStringField("heldBy", h.heldBy());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (message instanceof SupervisorMessage.Cluster c) {
            g.writeBooleanField("clustered", c.clustered());
            g.writeStringField("node", c.node());
            g.writeStringField("bus", c.bus());
            g.writeBooleanField("busReachable", c.busReachable());
            g.writeNumberField("eventsWaiting", c.eventsWaiting());
            g.writeNumberField("eventsDropped", c.eventsDropped());
            strings(g, "lostNodes", c.lostNodes());
        } else if (message instanceof SupervisorMessage.ListenEnded e) {
            g.writeStringField("callId", e.callId());
            g.writeStringField("reason", e.reason());
        } else if (message instanceof SupervisorMessage.Audio) {
            throw new IllegalArgumentException("audio is a binary frame: SupervisorCodec.encodeAudio");
        } else if (message instanceof SupervisorMessage.HoldRequested h) {
            g.writeStringField("callId", h.callId());
            g.writeStringField("requestedBy", h.requestedBy());
            optional(g, "heldBy", h.heldBy());
        } else if (message instanceof SupervisorMessage.Watch w) {
            optional(g, "callId", w.callId());
        } else if (message instanceof SupervisorMessage.RequestHold r) {
            g.writeStringField("commandId", r.commandId());
            g.writeStringField("callId", r.callId());
        } else if (message instanceof SupervisorMessage.HistorySearch q) {
            g.writeStringField("requestId", q.requestId());
            optional(g, "number", q.number());
            optional(g, "from", q.from() == null ? null : q.from().toString());
            optional(g, "until", q.until() == null ? null : q.until().toString());
            optional(g, "text", q.text());
            g.writeNumberField("offset", q.offset());
            g.writeNumberField("limit", q.limit());
        } else if (message instanceof SupervisorMessage.HistoryPage p) {
            g.writeStringField("requestId", p.requestId());
            g.writeArrayFieldStart("calls");
            for (CallRecord r : p.calls()) {
                record(g, r);
            }
            g.writeEndArray();
            g.writeNumberField("offset", p.offset());
            g.writeNumberField("total", p.total());
            optional(g, "store", p.store() == null ? null : p.store().name().toLowerCase(Locale.ROOT));
            optional(g, "storeMessage", p.storeMessage());
        } else if (message instanceof SupervisorMessage.OpenCall o) {
            g.writeStringField("requestId", o.requestId());
            g.writeStringField("callId", o.callId());
            g.writeNumberField("afterSeq", o.afterSeq());
            g.writeNumberField("limit", o.limit());
        } else if (message instanceof SupervisorMessage.CallEvents c) {
            g.writeStringField("requestId", c.requestId());
            optional(g, "callId", c.callId());
            g.writeArrayFieldStart("events");
            for (CallEvent e : c.events()) {
                g.writeStartObject();
                eventFields(g, e);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("more", c.more());
        } else if (message instanceof SupervisorMessage.Export x) {
            g.writeStringField("requestId", x.requestId());
            g.writeStringField("format", x.format().name().toLowerCase(Locale.ROOT));
            optional(g, "callId", x.callId());
            optional(g, "number", x.number());
            optional(g, "from", x.from() == null ? null : x.from().toString());
            optional(g, "until", x.until() == null ? null : x.until().toString());
            optional(g, "text", x.text());
        } else if (message instanceof SupervisorMessage.ExportChunk c) {
            g.writeStringField("requestId", c.requestId());
            g.writeNumberField("index", c.index());
            g.writeStringField("data", c.data());
            g.writeBooleanField("last", c.last());
            g.writeNumberField("events", c.events());
        } else {
            return false;
        }
        return true;
    }

    private static void record(JsonGenerator g, CallRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("callId", r.callId());
        optional(g, "callSid", r.callSid());
        strings(g, "sessionIds", r.sessionIds());
        optional(g, "from", r.from());
        optional(g, "to", r.to());
        optional(g, "startedAt", r.startedAt() == null ? null : r.startedAt().toString());
        optional(g, "endedAt", r.endedAt() == null ? null : r.endedAt().toString());
        optional(g, "endReason", r.endReason());
        optional(g, "language", r.language());
        g.writeNumberField("turns", r.turns());
        g.writeNumberField("interruptions", r.interruptions());
        strings(g, "attention", r.attention());
        g.writeNumberField("eventCount", r.eventCount());
        optional(g, "lastEventAt", r.lastEventAt() == null ? null : r.lastEventAt().toString());
        optional(g, "recording", r.recording());
        g.writeEndObject();
    }

    private static CallRecord record(JsonNode c) {
        return new CallRecord(text(c, "callId", null), text(c, "callSid", null), strings(c, "sessionIds"),
                text(c, "from", null), text(c, "to", null), instant(text(c, "startedAt", null)),
                instant(text(c, "endedAt", null)), text(c, "endReason", null), text(c, "language", null),
                c.path("turns").asInt(0), c.path("interruptions").asInt(0), strings(c, "attention"),
                c.path("eventCount").asLong(0), instant(text(c, "lastEventAt", null)), text(c, "recording", null));
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode v : node.path(field)) {
            if (v.isValueNode() && !v.isNull()) {
                values.add(v.asText());
            }
        }
        return values;
    }

    /** Reads what {@link #writeSupervisorsAndHistory} writes, server side; null for another type. */
    private static ServerMessage decodeSupervisorsAndHistory(String type, JsonNode node) {
        return switch (type) {
            case "presence" -> {
                List<SupervisorMessage.OnlineSupervisor> supervisors = new ArrayList<>();
                for (JsonNode s : node.path("supervisors")) {
                    supervisors.add(new SupervisorMessage.OnlineSupervisor(text(s, "name", "?"),
                            s.path("consoles").asInt(1), strings(s, "watching")));
                }
                List<SupervisorMessage.Hold> holds = new ArrayList<>();
                for (JsonNode h : node.path("holds")) {
                    holds.add(new SupervisorMessage.Hold(text(h, "callId", null), text(h, "heldBy", null)));
                }
                yield new SupervisorMessage.Presence(supervisors, holds);
            }
            // Tolerant: a missing busReachable reads as reachable, so an incomplete message raises no banner.
            case "cluster" -> new SupervisorMessage.Cluster(node.path("clustered").asBoolean(false),
                    text(node, "node", ""), text(node, "bus", ""), node.path("busReachable").asBoolean(true),
                    node.path("eventsWaiting").asLong(0), node.path("eventsDropped").asLong(0), strings(node, "lostNodes"));
            case "listenEnded" -> new SupervisorMessage.ListenEnded(text(node, "callId", null), text(node, "reason", null));
            case "holdRequested" -> new SupervisorMessage.HoldRequested(text(node, "callId", null),
                    text(node, "requestedBy", null), text(node, "heldBy", null));
            case "historyPage" -> {
                List<CallRecord> calls = new ArrayList<>();
                for (JsonNode c : node.path("calls")) {
                    calls.add(record(c));
                }
                StoreHealth.Status store;
                try {
                    store = enumOf(StoreHealth.Status.class, text(node, "store", "ok"));
                } catch (IllegalArgumentException e) {
                    store = null;
                }
                yield new SupervisorMessage.HistoryPage(text(node, "requestId", null), calls,
                        node.path("offset").asInt(0), node.path("total").asLong(0), store, text(node, "storeMessage", null));
            }
            case "callEvents" -> {
                List<CallEvent> events = new ArrayList<>();
                for (JsonNode e : node.path("events")) {
                    events.add(event(e));
                }
                yield new SupervisorMessage.CallEvents(text(node, "requestId", null), text(node, "callId", null), events,
                        node.path("more").asBoolean(false));
            }
            case "exportChunk" -> new SupervisorMessage.ExportChunk(text(node, "requestId", null),
                    node.path("index").asInt(0), text(node, "data", null), node.path("last").asBoolean(false),
                    node.path("events").asLong(0));
            default -> null;
        };
    }

    /** Reads the client's presence and history messages; null for another type. */
    private static ClientMessage decodeSupervisorsAndHistoryRequest(String type, JsonNode node) {
        String requestId = text(node, "requestId", null);
        return switch (type) {
            case "watch" -> new SupervisorMessage.Watch(text(node, "callId", null));
            case "requestHold" -> new SupervisorMessage.RequestHold(text(node, "commandId", null), text(node, "callId", null));
            case "historySearch" -> new SupervisorMessage.HistorySearch(requestId, text(node, "number", null),
                    strictInstant(text(node, "from", null)), strictInstant(text(node, "until", null)),
                    text(node, "text", null), node.path("offset").asInt(0),
                    node.path("limit").asInt(SupervisorMessage.MAX_CALLS_PER_PAGE));
            case "openCall" -> new SupervisorMessage.OpenCall(requestId, text(node, "callId", null),
                    node.path("afterSeq").asLong(0), node.path("limit").asInt(SupervisorMessage.MAX_EVENTS_PER_PAGE));
            case "export" -> new SupervisorMessage.Export(requestId,
                    enumOf(ExportFormat.class, text(node, "format", "json")), text(node, "callId", null),
                    text(node, "number", null), strictInstant(text(node, "from", null)),
                    strictInstant(text(node, "until", null)), text(node, "text", null));
            default -> null;
        };
    }

    /** A search bound that cannot be read must fail the request, not widen it. */
    private static Instant strictInstant(String text) {
        return text == null ? null : Instant.parse(text);
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
                        node.path("protocol").asInt(0), node.path("listen").asBoolean(false));
                case "snapshot" -> {
                    List<CallInfo> calls = new ArrayList<>();
                    for (JsonNode c : node.path("calls")) {
                        calls.add(new CallInfo(text(c, "callId", null), text(c, "from", null), text(c, "to", null),
                                state(text(c, "state", null)), text(c, "language", null),
                                instant(text(c, "startedAt", null)), instant(text(c, "endedAt", null)),
                                c.path("lastSeq").asLong(0), c.path("firstSeq").asLong(0), text(c, "heldBy", null)));
                    }
                    SupervisorMessage.SnapshotReason reason;
                    try {
                        reason = enumOf(SupervisorMessage.SnapshotReason.class, text(node, "reason", "resync"));
                    } catch (IllegalArgumentException e) {
                        reason = SupervisorMessage.SnapshotReason.RESYNC; // a newer reason: assume a gap, the safe reading
                    }
                    yield new SupervisorMessage.Snapshot(reason, calls);
                }
                case "event" -> new SupervisorMessage.Event(event(node));
                case "events" -> {
                    List<SupervisorMessage.Event> events = new ArrayList<>();
                    for (JsonNode e : node.path("events")) {
                        events.add(new SupervisorMessage.Event(event(e)));
                    }
                    yield new SupervisorMessage.Events(events);
                }
                case "reply" -> new SupervisorMessage.Reply(text(node, "commandId", null),
                        enumOf(SupervisorMessage.Outcome.class, text(node, "outcome", "")), text(node, "reason", null));
                default -> {
                    ServerMessage more = decodeSupervisorsAndHistory(type, node);
                    yield more != null ? more : new SupervisorMessage.Unknown(type, raw);
                }
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
                case "acknowledgeAlert" -> new SupervisorMessage.AcknowledgeAlert(commandId, callId,
                        node.path("alertSeq").asLong(0));
                case "takeOver" -> new SupervisorMessage.TakeOver(commandId, callId);
                case "release" -> new SupervisorMessage.Release(commandId, callId);
                case "language" -> new SupervisorMessage.Language(commandId, callId, text(node, "ttsLanguage", null),
                        text(node, "transcriptionLanguage", null));
                case "interruptible" -> new SupervisorMessage.Interruptible(commandId, callId,
                        node.path("interruptible").isBoolean() ? node.get("interruptible").asBoolean() : null);
                case "end" -> new SupervisorMessage.End(commandId, callId, text(node, "reason", null),
                        node.path("handToHuman").asBoolean(false));
                case "listen" -> new SupervisorMessage.Listen(commandId, callId,
                        node.path("on").isBoolean() ? node.get("on").asBoolean() : null);
                default -> {
                    ClientMessage more = decodeSupervisorsAndHistoryRequest(type, node);
                    yield more != null ? more : new SupervisorMessage.Unknown(type, raw);
                }
            };
        } catch (RuntimeException e) {
            // A history request's refusal is a reply to its requestId.
            return new SupervisorMessage.Malformed(raw, type + ": " + e.getMessage(),
                    commandId != null ? commandId : text(node, "requestId", null));
        }
    }

    // ---- binary frames: live audio ----

    /** Byte 1 of a binary frame: what it carries. Only audio so far. */
    static final int KIND_AUDIO = 1;

    /**
     * An {@link SupervisorMessage.Audio} as its binary frame, big-endian: version (u8, 1), kind
     * (u8, 1 = audio), track (u8, 0 inbound / 1 outbound), callId length n (u8), seq (u32),
     * timestampMs (u32), callId (n bytes UTF-8), then the μ-law bytes to the end of the frame.
     */
    public static byte[] encodeAudio(SupervisorMessage.Audio audio) {
        byte[] id = audio.callId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int length = audio.mulaw().length;
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(SupervisorMessage.AUDIO_HEADER_BYTES + id.length + length);
        out.put((byte) SupervisorMessage.AUDIO_FRAME_VERSION).put((byte) KIND_AUDIO)
                .put((byte) (audio.track() == app.switchboard.media.Track.INBOUND ? 0 : 1)).put((byte) id.length)
                .putInt((int) audio.seq()).putInt((int) audio.timestampMs()).put(id).put(audio.mulaw());
        return out.array();
    }

    /**
     * Reads a binary frame, tolerantly: a newer layout version or kind is {@link SupervisorMessage.Unknown}
     * (ignored), one too short or otherwise broken is {@link SupervisorMessage.Malformed} saying what is
     * wrong. Never throws; {@code frame} is not kept (its bytes are copied).
     */
    public static ServerMessage decodeBinary(java.nio.ByteBuffer frame) {
        java.nio.ByteBuffer in = frame.slice().order(java.nio.ByteOrder.BIG_ENDIAN);
        int size = in.remaining();
        String raw = "binary frame of " + size + " bytes";
        if (size < 2) {
            return new SupervisorMessage.Malformed(raw, "binary frame: " + size + " bytes, too short for a version and a kind", null);
        }
        int version = Byte.toUnsignedInt(in.get(0));
        int kind = Byte.toUnsignedInt(in.get(1));
        if (version > SupervisorMessage.AUDIO_FRAME_VERSION || kind != KIND_AUDIO) {
            return new SupervisorMessage.Unknown("binary/v" + version + "/kind" + kind, raw);
        }
        if (version < 1) {
            return new SupervisorMessage.Malformed(raw, "audio frame: version 0 does not exist", null);
        }
        if (size < SupervisorMessage.AUDIO_HEADER_BYTES) {
            return new SupervisorMessage.Malformed(raw, "audio frame: " + size + " bytes, shorter than its "
                    + SupervisorMessage.AUDIO_HEADER_BYTES + "-byte header", null);
        }
        int track = Byte.toUnsignedInt(in.get(2));
        int idLength = Byte.toUnsignedInt(in.get(3));
        long seq = Integer.toUnsignedLong(in.getInt(4));
        long timestamp = Integer.toUnsignedLong(in.getInt(8));
        if (track > 1) {
            // A track this version does not know (a later mixed one, say): not an error, not playable.
            return new SupervisorMessage.Unknown("binary/v" + version + "/audio/track" + track, raw);
        }
        if (size < SupervisorMessage.AUDIO_HEADER_BYTES + idLength) {
            return new SupervisorMessage.Malformed(raw, "audio frame: " + size + " bytes, too short for its "
                    + idLength + "-byte callId", null);
        }
        byte[] id = new byte[idLength];
        in.get(SupervisorMessage.AUDIO_HEADER_BYTES, id);
        byte[] mulaw = new byte[size - SupervisorMessage.AUDIO_HEADER_BYTES - idLength];
        in.get(SupervisorMessage.AUDIO_HEADER_BYTES + idLength, mulaw);
        try {
            return new SupervisorMessage.Audio(new String(id, java.nio.charset.StandardCharsets.UTF_8),
                    track == 0 ? app.switchboard.media.Track.INBOUND : app.switchboard.media.Track.OUTBOUND, seq, timestamp,
                    mulaw);
        } catch (IllegalArgumentException e) {
            return new SupervisorMessage.Malformed(raw, "audio frame: " + e.getMessage(), null);
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
