package app.switchboard.sim;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Relay-side timestamps of each answer token, per call, on the same {@link System#nanoTime()}
 * clock the simulated calls stamp their received frames with (same JVM): when the model
 * produced the token, and when the relay wrote it as a {@code text} frame. Filled in by the
 * in-process benchmark relay; matched to client arrivals by order within a call.
 */
final class TokenClock {

    private final Map<String, List<Long>> emitted = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> written = new ConcurrentHashMap<>();

    void emitted(String callId, long nanos) {
        emitted.computeIfAbsent(callId, id -> new CopyOnWriteArrayList<>()).add(nanos);
    }

    void written(String callId, long nanos) {
        written.computeIfAbsent(callId, id -> new CopyOnWriteArrayList<>()).add(nanos);
    }

    List<Long> emitted(String callId) {
        return emitted.getOrDefault(callId, List.of());
    }

    List<Long> written(String callId) {
        return written.getOrDefault(callId, List.of());
    }

    void clear() {
        emitted.clear();
        written.clear();
    }
}
