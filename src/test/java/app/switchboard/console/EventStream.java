package app.switchboard.console;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.TestEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds one call's events as the core records them: gap-free seq, a clock a second per event. */
public final class EventStream {

    private final String callId;
    private final List<CallEvent> events = new ArrayList<>();
    private long seq;
    private Instant time = Instant.parse("2026-11-25T17:00:00Z");

    public EventStream(String callId) {
        this.callId = callId;
    }

    /** Adds an event of {@code kind} from key/value pairs, read strictly ({@link TestEvents}). */
    public EventStream add(EventKind kind, Object... fields) {
        return add(TestEvents.payload(kind, fields));
    }

    public EventStream add(EventPayload payload) {
        time = time.plusSeconds(1);
        events.add(new CallEvent(callId, ++seq, time, payload));
        return this;
    }

    /** The events added since the last call to {@code take}, e.g. one frame's worth. */
    public List<CallEvent> take() {
        List<CallEvent> batch = List.copyOf(events);
        events.clear();
        return batch;
    }

    public EventStream started(String from) {
        return add(EventKind.SESSION_STARTED, "sessionId", "VX1", "session", 1, "resumed", false)
                .add(EventKind.SETUP, "from", from, "to", "+15550100000")
                .add(EventKind.STATE_CHANGED, "from", "GREETING", "to", "GREETING");
    }

    public EventStream prompt(String text) {
        return add(EventKind.PROMPT, "text", text, "lang", "en-US");
    }

    public EventStream answer(int turn, String... tokens) {
        add(EventKind.TURN_STARTED, "turn", turn, "draft", false);
        for (String token : tokens) {
            add(EventKind.AGENT_TOKEN, "turn", turn, "token", token);
        }
        return this;
    }

    public EventStream interrupted(int turn, String heard, String unheard, String reason) {
        return add(EventKind.TURN_INTERRUPTED, "turn", turn, "heard", heard, "unheard", unheard, "reason", reason);
    }
}
