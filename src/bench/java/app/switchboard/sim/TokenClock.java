package app.switchboard.sim;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Relay-side timestamps of answer text, per call, on the same {@link System#nanoTime()} clock
 * the simulated calls stamp their received frames with (same JVM): when the model produced
 * each token, and when the relay wrote each {@code text} frame. Filled in by the in-process
 * benchmark relay. The agent may hold text back and send several tokens in one frame (its
 * output guard does), so stamps are matched to arrivals by text position, not by count.
 */
public final class TokenClock {

    /** A stamped piece of answer text. */
    public record Stamp(long nanos, String text) {
    }

    private final Map<String, List<Stamp>> emitted = new ConcurrentHashMap<>();
    private final Map<String, List<Stamp>> written = new ConcurrentHashMap<>();

    void emitted(String callId, long nanos, String text) {
        emitted.computeIfAbsent(callId, id -> new CopyOnWriteArrayList<>()).add(new Stamp(nanos, text));
    }

    void written(String callId, long nanos, String text) {
        written.computeIfAbsent(callId, id -> new CopyOnWriteArrayList<>()).add(new Stamp(nanos, text));
    }

    List<Stamp> emitted(String callId) {
        return emitted.getOrDefault(callId, List.of());
    }

    List<Stamp> written(String callId) {
        return written.getOrDefault(callId, List.of());
    }

    void clear() {
        emitted.clear();
        written.clear();
    }

    /**
     * For each piece of {@code from} (in order), the time the piece's last character was
     * delivered in {@code to} minus the piece's own stamp. Both must carry the same text in the
     * same order; returns null when they do not.
     */
    public static long[] delays(List<Stamp> from, List<Stamp> to) {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        from.forEach(s -> a.append(s.text()));
        to.forEach(s -> b.append(s.text()));
        if (!a.toString().equals(b.toString())) {
            return null;
        }
        long[] delays = new long[from.size()];
        int j = 0;
        long toEnd = to.isEmpty() ? 0 : to.get(0).text().length();
        long fromEnd = 0;
        for (int i = 0; i < from.size(); i++) {
            fromEnd += from.get(i).text().length();
            while (toEnd < fromEnd) {
                j++;
                toEnd += to.get(j).text().length();
            }
            delays[i] = to.get(j).nanos() - from.get(i).nanos();
        }
        return delays;
    }
}
