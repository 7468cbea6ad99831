package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The token payload, written per token without the record serializer, is byte for byte what the
 * serializer wrote (and still writes for every other payload): same keys, order, escaping and
 * left-out null; and it reads back as the same record.
 */
class TokenPayloadEncodingTest {

    /** EventPayloadJson's writing settings, serializing the record the general way. */
    private static final JsonMapper SERIALIZER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    @Test
    void everyShapeOfTokenIsWrittenAsTheRecordSerializerWroteIt() throws Exception {
        List<String> tokens = java.util.Arrays.asList(null, "", " Hello", "\"quoted\" \\ back", "line\nbreak\ttab\r",
                "\u0000\u001f\u007f", "caf\u00e9 \u00fcber \u4f60\u597d", "\ud83d\udc4b emoji", "</script>", "\u2028\u2029",
                "a".repeat(5000));
        for (String token : tokens) {
            for (Boolean interruptible : new Boolean[] {null, true, false}) {
                for (long turn : new long[] {0, 1, 42, Long.MAX_VALUE, -1}) {
                    EventPayload.AgentToken t = new EventPayload.AgentToken(turn, token, interruptible);
                    String written = EventPayloadJson.encode(t);
                    assertEquals(SERIALIZER.writeValueAsString(t), written);
                    assertEquals(t, EventPayloadJson.decode(EventKind.AGENT_TOKEN, written), "reads back as recorded");
                }
            }
        }
    }
}
