package app.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.call.TestEvents;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders and comparisons shared by the store's tests. */
final class StoreFixtures {

    private StoreFixtures() {
    }

    static Map<String, Object> fields(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    static CallEvent event(String callId, long seq, Instant time, EventKind kind, Object... keyValues) {
        return new CallEvent(callId, seq, time, TestEvents.payload(kind, keyValues));
    }

    /**
     * A complete call as a relay records it: setup, a caller question, an agent answer, a
     * barge-in, a supervisor takeover and words, the end.
     */
    static List<CallEvent> conversation(String callId, String from, Instant start, String callerSays, boolean ended) {
        List<CallEvent> events = new ArrayList<>();
        long[] seq = {0};
        Instant[] t = {start};
        java.util.function.BiConsumer<EventKind, Object[]> add = (kind, kv) -> {
            t[0] = t[0].plusMillis(150);
            events.add(event(callId, ++seq[0], t[0], kind, kv));
        };
        add.accept(EventKind.SESSION_STARTED, new Object[] {"sessionId", "VX" + callId, "session", 1, "resumed", false});
        add.accept(EventKind.SETUP, new Object[] {"sessionId", "VX" + callId, "callSid", callId, "from", from,
                "to", "+18005550100", "direction", "inbound", "customParameters", Map.of()});
        add.accept(EventKind.PROMPT, new Object[] {"text", callerSays, "lang", "en-US"});
        add.accept(EventKind.TURN_STARTED, new Object[] {"turn", 1, "draft", false});
        add.accept(EventKind.AGENT_TOKEN, new Object[] {"turn", 1, "token", "Your "});
        add.accept(EventKind.TURN_COMPLETED, new Object[] {"turn", 1, "text", "Your bill is twenty dollars."});
        add.accept(EventKind.PROMPT, new Object[] {"text", "and the roaming charge", "lang", "en-US"});
        add.accept(EventKind.TURN_INTERRUPTED, new Object[] {"turn", 2, "heard", "Roaming costs", "unheard", " five dollars.",
                "reason", "caller barged in"});
        add.accept(EventKind.ATTENTION, new Object[] {"reason", "HUMAN_REQUESTED", "label", "asked for a person", "cause", 7});
        add.accept(EventKind.SUPERVISOR_TAKEOVER, new Object[] {"operator", "alice"});
        add.accept(EventKind.SUPERVISOR_SAY, new Object[] {"text", "A colleague will call you back tomorrow.", "operator", "alice"});
        add.accept(EventKind.SUPERVISOR_LANGUAGE, new Object[] {"ttsLanguage", "es-ES", "transcriptionLanguage", "es-ES",
                "operator", "alice"});
        if (ended) {
            add.accept(EventKind.SESSION_CLOSED, new Object[] {"code", 1000, "reason", "Closing websocket session"});
            add.accept(EventKind.CALL_ENDED, new Object[] {"reason", "completed"});
        }
        return events;
    }

    /** Same call, seq, time and kind, and fields equal as JSON (a stored 5L reads back as 5). */
    static void assertSameEvents(List<CallEvent> expected, List<CallEvent> actual) {
        assertEquals(expected.size(), actual.size(), "event count");
        for (int i = 0; i < expected.size(); i++) {
            CallEvent e = expected.get(i);
            CallEvent a = actual.get(i);
            String where = "event " + i + " (" + e.kind() + " #" + e.seq() + ")";
            assertEquals(e.callId(), a.callId(), where);
            assertEquals(e.seq(), a.seq(), where);
            assertEquals(e.time(), a.time(), where);
            assertEquals(e.kind(), a.kind(), where);
            assertEquals(EventPayloadJson.encode(e.payload()), EventPayloadJson.encode(a.payload()), where);
            assertEquals(e.payload(), a.payload(), where);
        }
    }

    static String json(Object value) {
        try {
            return EventJson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** Quick retries, so failure tests see recovery soon after the cause is removed. */
    static EventStore.Options fastRetry() {
        return EventStore.Options.defaults().withRetry(Duration.ofMillis(10), Duration.ofMillis(200));
    }

    static void flushed(EventStore store) throws InterruptedException {
        assertEquals(true, store.flush(Duration.ofSeconds(30)), "store flushed in time");
    }
}
