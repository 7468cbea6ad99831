package app.switchboard.cluster;

import app.switchboard.call.AlertRule;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayloadJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events and index entries as Redis holds them. An event is a stream entry of flat fields
 * ({@code node}, {@code call}, {@code seq}, {@code time}, {@code kind}, {@code payload}); the
 * payload is the store's own JSON ({@link EventPayloadJson}), so a node reads exactly what the
 * owner's SQLite file holds.
 */
final class StreamCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    private StreamCodec() {
    }

    /** An index entry: the call's summary, which node owns it, the last seq published. */
    record IndexEntry(String node, CallSummary summary, long lastSeq, boolean lost) {
    }

    static Map<String, String> event(String node, CallEvent e) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("node", node);
        f.put("call", e.callId());
        f.put("seq", Long.toString(e.seq()));
        f.put("time", e.time().toString());
        f.put("kind", e.kind().name());
        f.put("payload", EventPayloadJson.encode(e.payload()));
        return f;
    }

    /** The event in a stream entry, or null when the entry is not one (a kind this version does not know). */
    static CallEvent event(Map<String, String> f) {
        try {
            EventKind kind = EventKind.valueOf(f.get("kind"));
            return new CallEvent(f.get("call"), Long.parseLong(f.get("seq")), Instant.parse(f.get("time")),
                    EventPayloadJson.decode(kind, f.get("payload")));
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String index(IndexEntry entry) {
        CallSummary s = entry.summary();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", entry.node());
        m.put("from", s.from());
        m.put("to", s.to());
        m.put("state", s.state() == null ? null : s.state().name());
        m.put("language", s.language());
        m.put("startedAt", s.startedAt() == null ? null : s.startedAt().toString());
        m.put("endedAt", s.endedAt() == null ? null : s.endedAt().toString());
        m.put("events", s.eventCount());
        m.put("lastSeq", entry.lastSeq());
        if (entry.lost()) {
            m.put("lost", true);
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entry for {@code callId}, or null when the JSON is not one. */
    static IndexEntry index(String callId, String json) {
        try {
            Map<String, Object> m = JSON.readValue(json, MAP);
            Object state = m.get("state");
            CallSummary s = new CallSummary(callId, str(m.get("from")), str(m.get("to")),
                    state == null ? CallState.GREETING : CallState.valueOf(state.toString()), str(m.get("language")),
                    instant(m.get("startedAt")), instant(m.get("endedAt")), number(m.get("events")));
            return new IndexEntry(str(m.get("node")), s, number(m.get("lastSeq")), Boolean.TRUE.equals(m.get("lost")));
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static Instant instant(Object o) {
        return o == null ? null : Instant.parse(o.toString());
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    /** A webhook's form fields as one JSON object (a command's {@code form} field). */
    static String form(Map<String, String> form) {
        try {
            return JSON.writeValueAsString(form == null ? Map.of() : form);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The form fields of a command's {@code form} field; empty when it is not a JSON object of strings. */
    static Map<String, String> form(String json) {
        try {
            Map<String, String> m = JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
            return m == null ? Map.of() : m;
        } catch (JsonProcessingException | RuntimeException e) {
            return Map.of();
        }
    }

    /**
     * The attention rules as the cluster keeps them: a JSON list of the settings file's own strings
     * (kind and severity by their settings names), so a node reads them back with {@link AlertRule#parse}.
     */
    static String rules(List<AlertRule> rules) {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (AlertRule r : rules) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("kind", r.kind().key());
            m.put("severity", r.severity().key());
            m.put("enabled", r.enabled());
            m.put("parameter", r.parameter());
            m.put("phrases", r.phrases());
            list.add(m);
        }
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rules in {@code json}; a rule this version cannot read is left out; null when it is not a list at all. */
    static List<AlertRule> rules(String json) {
        List<Map<String, Object>> list;
        try {
            list = JSON.readValue(json, new TypeReference<List<Map<String, Object>>>() { });
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
        if (list == null) {
            return null;
        }
        List<AlertRule> rules = new java.util.ArrayList<>();
        for (Map<String, Object> m : list) {
            try {
                List<String> phrases = m.get("phrases") instanceof List<?> l
                        ? l.stream().map(String::valueOf).toList() : List.of();
                AlertRule rule = AlertRule.parse(str(m.get("id")), str(m.get("kind")), str(m.get("severity")),
                        Boolean.TRUE.equals(m.get("enabled")),
                        m.get("parameter") instanceof Number n ? n.doubleValue() : null, phrases);
                if (rule != null) {
                    rules.add(rule);
                }
            } catch (RuntimeException e) {
                // one damaged rule does not cost the others
            }
        }
        return rules;
    }
}
