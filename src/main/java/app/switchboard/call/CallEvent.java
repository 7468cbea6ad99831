package app.switchboard.call;

import java.time.Instant;
import java.util.Objects;

/**
 * One fact about one call: the single record from which the console, the store and the
 * exports work. {@code seq} is gap-free and increasing per call (assigned on the call's own
 * executor), so an event log can be replayed in order and checked for loss. What happened is
 * the typed {@link EventPayload}; its kind is the event's kind.
 */
public record CallEvent(String callId, long seq, Instant time, EventPayload payload) {

    public CallEvent {
        Objects.requireNonNull(payload, "payload");
    }

    public EventKind kind() {
        return payload.kind();
    }

    /** The payload if it is a {@code type}, else null: {@code event.as(EventPayload.Prompt.class)}. */
    public <T extends EventPayload> T as(Class<T> type) {
        return type.isInstance(payload) ? type.cast(payload) : null;
    }
}
