package app.switchboard.console.floor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The floor's figures at one instant, as {@link FloorStats} computed them: immutable, so the
 * stats thread hands it to the FX thread whole.
 *
 * @param live            calls not yet ended
 * @param waitingForHuman live calls held by a supervisor, or being handed to a person
 * @param flagged         live calls with an attention flag
 * @param endedToday      calls that ended today (the console's time zone)
 * @param containedToday  of those, the ones the AI handled alone (no handoff, no supervisor take-over or end)
 * @param handoffsToday   of those, the ones handed to a person
 * @param averageHandle   mean start-to-end time of today's ended calls; null when none ended
 * @param firstTokenP50   median prompt-to-first-token time of today's answered turns, ms; null when none
 * @param firstTokenP95   95th percentile of the same; null when none
 * @param faultsToday     model faults today the caller noticed (not the retries that worked)
 * @param buckets         the last hour in 5-minute slices, oldest first
 * @param openAlerts      alerts of live calls no supervisor has acknowledged yet
 */
public record FloorSnapshot(Instant at, int live, int waitingForHuman, int flagged, int endedToday, int containedToday,
                            int handoffsToday, Duration averageHandle, Double firstTokenP50, Double firstTokenP95,
                            int faultsToday, List<Bucket> buckets, int openAlerts) {

    /** Without alerts (figures computed before alerts existed, and tests of the other tiles). */
    public FloorSnapshot(Instant at, int live, int waitingForHuman, int flagged, int endedToday, int containedToday,
                         int handoffsToday, Duration averageHandle, Double firstTokenP50, Double firstTokenP95,
                         int faultsToday, List<Bucket> buckets) {
        this(at, live, waitingForHuman, flagged, endedToday, containedToday, handoffsToday, averageHandle,
                firstTokenP50, firstTokenP95, faultsToday, buckets, 0);
    }

    /** One 5-minute slice: calls started in it, and its first-token p95 (null without answered turns). */
    public record Bucket(Instant start, int callsStarted, Double firstTokenP95) {
    }

    public FloorSnapshot {
        buckets = List.copyOf(buckets);
    }

    /** Contained ÷ ended today, 0..1; null when no call ended today. */
    public Double containment() {
        return endedToday == 0 ? null : (double) containedToday / endedToday;
    }

    static FloorSnapshot empty(Instant at) {
        return new FloorSnapshot(at, 0, 0, 0, 0, 0, 0, null, null, null, 0, List.of());
    }
}
