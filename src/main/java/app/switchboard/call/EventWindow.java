package app.switchboard.call;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest events of one call, for a console that opens it: the store is the record. A long
 * call (hours of tokens) keeps the same memory as a short one, and an ended call can be cut to its
 * tail. Written only on the call's executor; read (snapshots) from any thread.
 *
 * <p>Kept as columns in a ring (payload, time as epoch nanos), not as the {@link CallEvent}s
 * themselves: an event is mostly tokens, and a CallEvent, its Instant and a queue node cost about
 * 80 bytes on top of the payload, against 12 here (issue 10: under 100 KB per idle live call).
 * A call's seqs are gap-free, so the ring keeps only the first; a column of seqs appears only if
 * an event ever breaks the run (none does today).
 * Snapshots, which are rare (a console opening the call), build the CallEvents again; they are
 * equal to the recorded ones (records compare by value). Adding takes an uncontended lock and
 * allocates nothing, but when the ring grows (a few times per call, up to {@link #SIZE}).
 */
final class EventWindow {

    static final int SIZE = 2_000;
    private static final int FIRST_CAPACITY = 32;
    /** Stands for a null time (an event always has one today; a stored one might not). */
    private static final long NO_TIME = Long.MIN_VALUE;

    // Guarded by this; written only on the call's executor.
    private String callId;
    private EventPayload[] payloads = new EventPayload[0];
    /** The seq of the oldest event while the seqs run without a gap. */
    private long headSeq;
    /** Each slot's seq, once an event broke the run of seqs; null until then. */
    private long[] seqs;
    private long[] epochNanos = new long[0];
    /** The ring's oldest slot. */
    private int head;
    /** Events in the ring. */
    private int size;
    /** The window was cut to its tail after the call ended. */
    private boolean tailOnly;

    /** How many events the call has counted; only the executor writes it, snapshots read it. */
    private volatile int eventCount;

    /**
     * Starts the window with a resumed call's record (not published again: every listener has it
     * already, or reads it from the record), so a console here shows the whole call, one seq from
     * before the gap.
     */
    synchronized void seed(List<CallEvent> stored) {
        List<CallEvent> kept = stored.subList(Math.max(0, stored.size() - SIZE), stored.size());
        for (CallEvent event : kept) {
            append(event);
        }
        eventCount = kept.size();
    }

    synchronized void add(CallEvent event) {
        append(event);
        eventCount++; // only the executor writes: the volatile write publishes it to count()
    }

    private void append(CallEvent event) {
        if (callId == null) {
            callId = event.callId(); // one call's window: every event carries the same id
        }
        if (size == SIZE) {
            dropOldest();
        }
        if (size == payloads.length) {
            grow();
        }
        if (seqs == null && size == 0) {
            headSeq = event.seq();
        } else if (seqs == null && event.seq() != headSeq + size) {
            seqs = seqColumn(payloads.length);
        }
        int slot = (head + size) % payloads.length;
        payloads[slot] = event.payload();
        if (seqs != null) {
            seqs[slot] = event.seq();
        }
        Instant time = event.time();
        epochNanos[slot] = time == null ? NO_TIME : time.getEpochSecond() * 1_000_000_000L + time.getNano();
        size++;
    }

    /** The implicit seqs written out, slot by slot, into a column of {@code capacity}. */
    private long[] seqColumn(int capacity) {
        long[] column = new long[capacity];
        for (int i = 0; i < size; i++) {
            column[(head + i) % capacity] = headSeq + i;
        }
        return column;
    }

    private long seqAt(int slot, int index) {
        return seqs == null ? headSeq + index : seqs[slot];
    }

    private void dropOldest() {
        payloads[head] = null;
        headSeq++;
        head = (head + 1) % payloads.length;
        size--;
    }

    /** Half as large again, up to {@link #SIZE}: a ten-turn call's window is a few hundred events. */
    private void grow() {
        int capacity = Math.min(SIZE, Math.max(FIRST_CAPACITY, payloads.length + payloads.length / 2));
        EventPayload[] newPayloads = new EventPayload[capacity];
        long[] newSeqs = seqs == null ? null : new long[capacity];
        long[] newNanos = new long[capacity];
        for (int i = 0; i < size; i++) {
            int slot = (head + i) % payloads.length;
            newPayloads[i] = payloads[slot];
            if (newSeqs != null) {
                newSeqs[i] = seqs[slot];
            }
            newNanos[i] = epochNanos[slot];
        }
        payloads = newPayloads;
        seqs = newSeqs;
        epochNanos = newNanos;
        head = 0;
    }

    /** Keeps only the last {@code tail} events, once: an ended call's end and summary. */
    synchronized void cutToTail(int tail) {
        if (tailOnly) {
            return;
        }
        tailOnly = true;
        int keep = Math.max(0, Math.min(tail, size));
        EventPayload[] keptPayloads = new EventPayload[keep];
        long[] keptSeqs = seqs == null ? null : new long[keep];
        long[] keptNanos = new long[keep];
        for (int i = 0; i < keep; i++) {
            int slot = (head + size - keep + i) % payloads.length;
            keptPayloads[i] = payloads[slot];
            if (keptSeqs != null) {
                keptSeqs[i] = seqs[slot];
            }
            keptNanos[i] = epochNanos[slot];
        }
        // Right-sized: an ended call keeps its tail for as long as the list shows it.
        headSeq += size - keep;
        payloads = keptPayloads;
        seqs = keptSeqs;
        epochNanos = keptNanos;
        head = 0;
        size = keep;
    }

    /** The events in the window, oldest first. */
    synchronized List<CallEvent> snapshot() {
        List<CallEvent> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int slot = (head + i) % payloads.length;
            events.add(new CallEvent(callId, seqAt(slot, i), instant(epochNanos[slot]), payloads[slot]));
        }
        return events;
    }

    private static Instant instant(long nanos) {
        return nanos == NO_TIME ? null
                : Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /** The seq of the oldest event still in the window (1 until the window starts dropping). */
    synchronized long firstSeq() {
        return size == 0 ? 1 : seqAt(head, 0);
    }

    /** How many events the call has counted (the window's own count, not the ring's). */
    int count() {
        return eventCount;
    }

    /** Slots the ring holds now (for tests bounding what a call retains). */
    synchronized int capacity() {
        return payloads.length;
    }
}
