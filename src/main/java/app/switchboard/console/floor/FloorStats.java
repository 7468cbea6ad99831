package app.switchboard.console.floor;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallOutcome;
import app.switchboard.call.EventPayload;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The supervisor's floor computed from call events: live, waiting and flagged calls, today's
 * containment, handoffs, handle time, first-token latency and faults, and the last hour in
 * 5-minute slices. Plain Java, no JavaFX: {@link FloorFeed} runs it on its own thread, tests feed
 * it typed events. Fed stored events of today first and live events after; an event at or below
 * a call's last applied {@code seq} is skipped, so the two may overlap. Not thread-safe.
 */
public final class FloorStats {

    static final Duration SLICE = Duration.ofMinutes(5);
    static final int SLICES = 12;
    private static final Duration HOUR = SLICE.multipliedBy(SLICES);

    private final ZoneId zone;
    private final Map<String, CallFacts> calls = new HashMap<>();
    private LocalDate day;
    private Instant dayStart;
    private int endedToday;
    private int containedToday;
    private int handoffsToday;
    private int faultsToday;
    private long handleMillisToday;
    /** Today's first-token times, ms, unsorted (a day's turns fit easily). */
    private double[] firstTokens = new double[256];
    private int firstTokenCount;
    /** Within the last hour: call starts, and (time, first-token ms) pairs. */
    private final Deque<Instant> starts = new ArrayDeque<>();
    private final Deque<Sample> recentLatency = new ArrayDeque<>();

    private record Sample(Instant at, double ms) {
    }

    private static final class CallFacts {
        final CallOutcome outcome = new CallOutcome();
        long lastSeq;
        Instant startedAt;
        boolean ended;
        boolean held;
        boolean flagged;
        /** Seqs of this call's alerts not yet acknowledged. */
        java.util.Set<Long> openAlerts;
    }

    public FloorStats(ZoneId zone) {
        this.zone = zone;
    }

    /** Applies one event of any call; events of one call must come in seq order. */
    public void apply(CallEvent event) {
        rollDay(event.time());
        CallFacts call = calls.get(event.callId());
        EventPayload p = event.payload();
        if (call != null && event.seq() <= call.lastSeq) {
            if (!(call.ended && event.seq() == 1 && p instanceof EventPayload.SessionStarted)) {
                return; // seen already (stored and live overlap)
            }
            call = null; // the call id was reused after its end: a new call
        }
        if (call == null) {
            call = new CallFacts();
            call.startedAt = event.time();
            calls.put(event.callId(), call);
            if (!event.time().isBefore(dayStart)) {
                starts.addLast(event.time());
            }
        }
        call.lastSeq = event.seq();
        call.outcome.apply(p);
        boolean today = !event.time().isBefore(dayStart);
        if (p instanceof EventPayload.SupervisorTakeover) {
            call.held = true;
        } else if (p instanceof EventPayload.SupervisorRelease) {
            call.held = false;
        } else if (p instanceof EventPayload.AttentionRaised) {
            call.flagged = true;
        } else if (p instanceof EventPayload.Alert) {
            if (call.openAlerts == null) {
                call.openAlerts = new java.util.HashSet<>();
            }
            call.openAlerts.add(event.seq());
        } else if (p instanceof EventPayload.AlertAcknowledged ack && call.openAlerts != null) {
            call.openAlerts.remove(ack.alertSeq());
        } else if (p instanceof EventPayload.Latency latency && latency.firstTokenMs() != null && today) {
            addFirstToken(event.time(), latency.firstTokenMs());
        } else if (p instanceof EventPayload.Fault fault && !Boolean.TRUE.equals(fault.retry()) && today) {
            faultsToday++;
        } else if (p instanceof EventPayload.CallEnded && !call.ended) {
            call.ended = true;
            call.held = false;
            if (today) {
                endedToday++;
                handleMillisToday += Math.max(0, Duration.between(call.startedAt, event.time()).toMillis());
                if (call.outcome.handedToHuman()) {
                    handoffsToday++;
                }
                if (call.outcome.contained()) {
                    containedToday++;
                }
            }
        }
    }

    /** The figures at {@code now}; also forgets what fell out of the last hour or out of today. */
    public FloorSnapshot snapshot(Instant now) {
        rollDay(now);
        Instant hourAgo = sliceStart(now).plus(SLICE).minus(HOUR);
        while (!starts.isEmpty() && starts.peekFirst().isBefore(hourAgo)) {
            starts.removeFirst();
        }
        while (!recentLatency.isEmpty() && recentLatency.peekFirst().at().isBefore(hourAgo)) {
            recentLatency.removeFirst();
        }
        int live = 0;
        int waiting = 0;
        int flagged = 0;
        int openAlerts = 0;
        for (CallFacts call : calls.values()) {
            if (call.ended) {
                continue;
            }
            if (call.openAlerts != null) {
                openAlerts += call.openAlerts.size();
            }
            live++;
            if (call.held || call.outcome.handedToHuman()) {
                waiting++;
            }
            if (call.flagged) {
                flagged++;
            }
        }
        double[] sorted = Arrays.copyOf(firstTokens, firstTokenCount);
        Arrays.sort(sorted);
        return new FloorSnapshot(now, live, waiting, flagged, endedToday, containedToday, handoffsToday,
                endedToday == 0 ? null : Duration.ofMillis(handleMillisToday / endedToday),
                percentile(sorted, 50), percentile(sorted, 95), faultsToday, buckets(hourAgo), openAlerts);
    }

    private List<FloorSnapshot.Bucket> buckets(Instant first) {
        int[] started = new int[SLICES];
        List<List<Double>> latency = new ArrayList<>();
        for (int i = 0; i < SLICES; i++) {
            latency.add(new ArrayList<>());
        }
        for (Instant at : starts) {
            int i = slice(first, at);
            if (i >= 0) {
                started[i]++;
            }
        }
        for (Sample s : recentLatency) {
            int i = slice(first, s.at());
            if (i >= 0) {
                latency.get(i).add(s.ms());
            }
        }
        List<FloorSnapshot.Bucket> out = new ArrayList<>(SLICES);
        for (int i = 0; i < SLICES; i++) {
            double[] values = latency.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.add(new FloorSnapshot.Bucket(first.plus(SLICE.multipliedBy(i)), started[i], percentile(values, 95)));
        }
        return out;
    }

    private static int slice(Instant first, Instant at) {
        long i = Duration.between(first, at).toMillis() / SLICE.toMillis();
        return at.isBefore(first) || i >= SLICES ? -1 : (int) i;
    }

    /** Slices are aligned to the clock (…:00, :05, :10), so the chart does not shift every second. */
    private static Instant sliceStart(Instant at) {
        long ms = SLICE.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), ms) * ms);
    }

    /** Nearest-rank percentile of sorted values; null when there are none. */
    static Double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private void addFirstToken(Instant at, double ms) {
        if (firstTokenCount == firstTokens.length) {
            firstTokens = Arrays.copyOf(firstTokens, firstTokens.length * 2);
        }
        firstTokens[firstTokenCount++] = ms;
        recentLatency.addLast(new Sample(at, ms));
    }

    /** A new day starts today's figures afresh and forgets the calls that ended before it. */
    private void rollDay(Instant at) {
        LocalDate date = at.atZone(zone).toLocalDate();
        if (day != null && !date.isAfter(day)) {
            return;
        }
        day = date;
        dayStart = date.atStartOfDay(zone).toInstant();
        endedToday = 0;
        containedToday = 0;
        handoffsToday = 0;
        faultsToday = 0;
        handleMillisToday = 0;
        firstTokenCount = 0;
        for (Iterator<CallFacts> it = calls.values().iterator(); it.hasNext(); ) {
            if (it.next().ended) {
                it.remove();
            }
        }
    }

    /** Start of the day the figures are for. */
    Instant dayStart() {
        return dayStart;
    }
}
