package app.switchboard.call;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fact about one call: the single record from which the console, the store and the
 * exports work. {@code seq} is gap-free and increasing per call (assigned on the call's own
 * executor), so an event log can be replayed in order and checked for loss.
 *
 * <p>Field values are JSON-friendly: strings, numbers, booleans, or maps and lists of those.
 */
public record CallEvent(String callId, long seq, Instant time, EventKind kind, Map<String, Object> fields) {

    public CallEvent {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public String text(String field) {
        Object value = fields.get(field);
        return value == null ? null : value.toString();
    }

    public long number(String field, long otherwise) {
        Object value = fields.get(field);
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException ignored) {
                return otherwise;
            }
        }
        return otherwise;
    }

    public boolean flag(String field) {
        Object value = fields.get(field);
        return value instanceof Boolean b ? b : value != null && Boolean.parseBoolean(value.toString());
    }
}
