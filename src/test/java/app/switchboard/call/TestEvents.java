package app.switchboard.call;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds payloads for test fixtures from key/value pairs, read strictly into the kind's record:
 * a key that is not one of its components fails the test, so fixtures follow renames.
 */
public final class TestEvents {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private TestEvents() {
    }

    public static EventPayload payload(EventKind kind, Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        if (kind == EventKind.ACTION_CALLBACK) {
            return EventPayloadJson.decode(kind, STRICT.valueToTree(map).toString());
        }
        try {
            return STRICT.convertValue(map, EventPayloadJson.typeOf(kind));
        } catch (IllegalArgumentException e) {
            throw new AssertionError("fixture does not fit " + kind + ": " + e.getMessage(), e);
        }
    }
}
