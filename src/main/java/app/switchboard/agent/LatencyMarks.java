package app.switchboard.agent;

import app.switchboard.call.EventPayload;

/**
 * The moments of one turn, in {@link System#nanoTime()}, from the caller's prompt to the first
 * frame on the wire; {@link #payload} makes the turn's {@code LATENCY} record of them. Zero means
 * "did not happen". Touched only on the call's executor.
 */
final class LatencyMarks {

    final long promptNanos = System.nanoTime();
    long requestNanos;
    long requestSentNanos;
    long firstTokenNanos;
    long firstFrameNanos;
    long lastTokenNanos;

    EventPayload.Latency payload(int turn, String outcome, int attempts, int rounds) {
        long end = System.nanoTime();
        long p = promptNanos;
        return new EventPayload.Latency(
                turn,
                outcome,
                millis(p, requestNanos),
                requestSentNanos == 0 ? null : millis(p, requestSentNanos),
                firstTokenNanos == 0 ? null : millis(p, firstTokenNanos),
                firstFrameNanos == 0 ? null : millis(p, firstFrameNanos),
                millis(p, lastTokenNanos == 0 ? end : lastTokenNanos),
                requestSentNanos == 0 || firstFrameNanos == 0 ? null
                        : millis(requestSentNanos, firstFrameNanos),
                firstTokenNanos == 0 || firstFrameNanos == 0 ? null
                        : millis(firstTokenNanos, firstFrameNanos),
                attempts,
                rounds);
    }

    private static double millis(long from, long to) {
        return Math.round((to - from) / 10_000.0) / 100.0;
    }
}
