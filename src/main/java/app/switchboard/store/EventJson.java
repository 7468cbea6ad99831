package app.switchboard.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Event fields as stored: a JSON object, key order kept. Numbers come back as the narrowest of
 * Integer, Long or Double, so a stored event equals the live one as JSON, not always as Java
 * boxes ({@code 5L} is read back as {@code 5}); {@link app.switchboard.call.CallEvent#number}
 * reads either.
 */
final class EventJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<String>> LIST = new TypeReference<>() { };

    private EventJson() {
    }

    /**
     * Never fails: a value Jackson cannot write is kept as its text, and fields that cannot be
     * written at all (a map that contains itself) become a note, so one odd event can never
     * stop the log.
     */
    static String encode(Map<String, Object> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException | RuntimeException | StackOverflowError e) {
            try {
                return MAPPER.writeValueAsString(plain(fields));
            } catch (JsonProcessingException | RuntimeException | StackOverflowError again) {
                Map<String, Object> note = new LinkedHashMap<>();
                note.put("unencodable", String.valueOf(again));
                try {
                    return MAPPER.writeValueAsString(note);
                } catch (JsonProcessingException impossible) {
                    return "{}";
                }
            }
        }
    }

    static Map<String, Object> decode(String json) {
        try {
            return MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            Map<String, Object> damaged = new LinkedHashMap<>();
            damaged.put("unreadable", json);
            return damaged;
        }
    }

    static String encodeList(List<String> values) {
        try {
            return MAPPER.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> decodeList(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return MAPPER.readValue(json, LIST);
        } catch (JsonProcessingException e) {
            return List.of(json);
        }
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof Iterable<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        return String.valueOf(value);
    }
}
