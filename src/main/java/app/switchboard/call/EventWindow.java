package app.switchboard.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The newest events of one call, for a console that opens it: the store is the record. A long
 * call (hours of tokens) keeps the same memory as a short one, and an ended call can be cut to its
 * tail. Written only on the call's executor; read (snapshots) from any thread.
 */
final class EventWindow {

    static final int SIZE = 2_000;

    private final Queue<CallEvent> events = new ConcurrentLinkedQueue<>();
    /** {@code events.size()} without walking the queue (ConcurrentLinkedQueue counts by walking). */
    private volatile int eventCount;
    /** The window was cut to its tail after the call ended. */
    private boolean tailOnly;

    /**
     * Starts the window with a resumed call's record (not published again: every listener has it
     * already, or reads it from the record), so a console here shows the whole call, one seq from
     * before the gap.
     */
    void seed(List<CallEvent> stored) {
        List<CallEvent> kept = stored.subList(Math.max(0, stored.size() - SIZE), stored.size());
        events.addAll(kept);
        eventCount = kept.size();
    }

    void add(CallEvent event) {
        events.add(event);
        eventCount++; // only the executor writes: the volatile write publishes it to snapshots
        if (eventCount > SIZE) {
            events.poll();
        }
    }

    /** Keeps only the last {@code tail} events, once: an ended call's end and summary. */
    void cutToTail(int tail) {
        if (tailOnly) {
            return;
        }
        tailOnly = true;
        for (int drop = events.size() - tail; drop > 0; drop--) {
            events.poll();
        }
    }

    /** The events in the window, oldest first. */
    List<CallEvent> snapshot() {
        return new ArrayList<>(events);
    }

    /** The seq of the oldest event still in the window (1 until the window starts dropping). */
    long firstSeq() {
        CallEvent first = events.peek();
        return first == null ? 1 : first.seq();
    }

    /** How many events the call has counted (the window's own count, not the queue's walk). */
    int count() {
        return eventCount;
    }
}
