package app.switchboard.console.floor;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The floor's figures from typed events, as a supervisor would count them by hand. */
class FloorStatsTest {

    private static final ZoneId ZONE = ZoneOffset.UTC;
    private static final Instant NOON = Instant.parse("2026-12-01T12:00:00Z");

    private final FloorStats stats = new FloorStats(ZONE);
    private final Map<String, Long> seqs = new HashMap<>();

    private CallEvent event(String callId, Instant at, EventKind kind, Object... keyValues) {
        long seq = seqs.merge(callId, 1L, Long::sum);
        CallEvent e = new CallEvent(callId, seq, at, TestEvents.payload(kind, keyValues));
        stats.apply(e);
        return e;
    }

    private void start(String callId, Instant at) {
        event(callId, at, EventKind.SESSION_STARTED, "sessionId", "VX" + callId, "session", 1, "resumed", false);
    }

    private void end(String callId, Instant at) {
        event(callId, at, EventKind.CALL_ENDED, "reason", "completed");
    }

    @Test
    void liveWaitingAndFlaggedCountOnlyCallsStillRunning() {
        start("held", NOON);
        event("held", NOON.plusSeconds(5), EventKind.SUPERVISOR_TAKEOVER, "operator", "ana");
        start("handing", NOON);
        event("handing", NOON.plusSeconds(5), EventKind.SUPERVISOR_END, "reason", "billing", "handToHuman", true, "operator", "ana");
        start("flagged", NOON);
        event("flagged", NOON.plusSeconds(3), EventKind.ATTENTION, "reason", "HUMAN_REQUESTED", "label", "asked for a person");
        start("released", NOON);
        event("released", NOON.plusSeconds(1), EventKind.SUPERVISOR_TAKEOVER, "operator", "ana");
        event("released", NOON.plusSeconds(2), EventKind.SUPERVISOR_RELEASE, "operator", "ana");
        start("flaggedButOver", NOON);
        event("flaggedButOver", NOON.plusSeconds(3), EventKind.ATTENTION, "reason", "FAULT", "label", "agent fault");
        end("flaggedButOver", NOON.plusSeconds(9));

        FloorSnapshot s = stats.snapshot(NOON.plusSeconds(10));

        assertEquals(4, s.live());
        assertEquals(2, s.waitingForHuman());
        assertEquals(1, s.flagged());
    }

    @Test
    void containmentIsCallsTheAiHandledAloneOverCallsEndedToday() {
        for (String id : new String[] {"a", "b", "c"}) {
            start(id, NOON);
            end(id, NOON.plusSeconds(60));
        }
        start("transferred", NOON);
        event("transferred", NOON.plusSeconds(30), EventKind.TOOL_CALL, "turn", 2, "name", "transfer_to_human",
                "outcome", "ending", "handoffData", "{\"handToHuman\":true}");
        end("transferred", NOON.plusSeconds(40));
        start("takenOver", NOON);
        event("takenOver", NOON.plusSeconds(10), EventKind.SUPERVISOR_TAKEOVER, "operator", "ana");
        end("takenOver", NOON.plusSeconds(120));
        start("stillLive", NOON);

        FloorSnapshot s = stats.snapshot(NOON.plusSeconds(200));

        assertEquals(5, s.endedToday());
        assertEquals(3, s.containedToday());
        assertEquals(0.6, s.containment(), 1e-9);
        assertEquals(1, s.handoffsToday());
    }

    @Test
    void averageHandleTimeIsStartToEndOfCallsEndedToday() {
        start("a", NOON);
        end("a", NOON.plusSeconds(60));
        start("b", NOON);
        end("b", NOON.plusSeconds(180));
        start("live", NOON);

        assertEquals(Duration.ofSeconds(120), stats.snapshot(NOON.plusSeconds(300)).averageHandle());
    }

    @Test
    void firstTokenPercentilesComeFromTodaysLatencyEvents() {
        start("a", NOON);
        for (int i = 1; i <= 20; i++) {
            // 100, 200, ... 2000 ms
            event("a", NOON.plusSeconds(i), EventKind.LATENCY, "turn", i, "outcome", "completed", "requestMs", 1.0,
                    "firstTokenMs", i * 100.0, "lastTokenMs", i * 100.0 + 500, "attempts", 1, "rounds", 1);
        }
        // A turn that never reached its first token says nothing about first-token latency.
        event("a", NOON.plusSeconds(30), EventKind.LATENCY, "turn", 21, "outcome", "failed", "requestMs", 1.0,
                "lastTokenMs", 9000.0, "attempts", 1, "rounds", 1);

        FloorSnapshot s = stats.snapshot(NOON.plusSeconds(60));

        assertEquals(1000.0, s.firstTokenP50());
        assertEquals(1900.0, s.firstTokenP95());
    }

    @Test
    void faultsCountWhatTheCallerNoticedNotRetriesThatWorked() {
        start("a", NOON);
        event("a", NOON.plusSeconds(1), EventKind.FAULT, "turn", 1, "reason", "timeout", "retry", true);
        event("a", NOON.plusSeconds(2), EventKind.FAULT, "turn", 1, "reason", "timeout", "fallback", "Sorry, one moment.");

        assertEquals(1, stats.snapshot(NOON.plusSeconds(3)).faultsToday());
    }

    @Test
    void yesterdaysCallsDoNotCountTodayAndANewDayStartsAfresh() {
        Instant yesterday = NOON.minus(Duration.ofDays(1));
        start("old", yesterday);
        end("old", yesterday.plusSeconds(60));
        start("today", NOON);
        end("today", NOON.plusSeconds(30));

        FloorSnapshot s = stats.snapshot(NOON.plusSeconds(60));
        assertEquals(1, s.endedToday());
        assertEquals(Duration.ofSeconds(30), s.averageHandle());

        FloorSnapshot tomorrow = stats.snapshot(NOON.plus(Duration.ofDays(1)));
        assertEquals(0, tomorrow.endedToday());
        assertNull(tomorrow.containment());
        assertNull(tomorrow.firstTokenP50());
    }

    @Test
    void storedAndLiveEventsThatOverlapAreCountedOnce() {
        start("a", NOON);
        CallEvent ended = event("a", NOON.plusSeconds(60), EventKind.CALL_ENDED, "reason", "completed");
        // The same event again, as the live stream delivers it after the store did.
        stats.apply(ended);

        assertEquals(1, stats.snapshot(NOON.plusSeconds(61)).endedToday());
    }

    @Test
    void theLastHourIsTwelveFiveMinuteSlicesOfCallsAndLatency() {
        Instant now = Instant.parse("2026-12-01T12:59:00Z");
        start("early", Instant.parse("2026-12-01T11:30:00Z")); // over an hour ago: not in the chart
        start("a", Instant.parse("2026-12-01T12:01:00Z"));
        start("b", Instant.parse("2026-12-01T12:03:00Z"));
        start("c", Instant.parse("2026-12-01T12:56:00Z"));
        event("c", Instant.parse("2026-12-01T12:57:00Z"), EventKind.LATENCY, "turn", 1, "outcome", "completed",
                "requestMs", 1.0, "firstTokenMs", 420.0, "lastTokenMs", 900.0, "attempts", 1, "rounds", 1);

        FloorSnapshot s = stats.snapshot(now);

        assertEquals(12, s.buckets().size());
        assertEquals(Instant.parse("2026-12-01T12:00:00Z"), s.buckets().get(0).start());
        assertEquals(2, s.buckets().get(0).callsStarted());
        assertEquals(1, s.buckets().get(11).callsStarted());
        assertEquals(420.0, s.buckets().get(11).firstTokenP95());
        assertNull(s.buckets().get(5).firstTokenP95());
    }

    @Test
    void aCallIdReusedAfterItsEndIsANewCall() {
        start("a", NOON);
        end("a", NOON.plusSeconds(10));
        seqs.remove("a"); // the registry starts a new session's seq at 1
        start("a", NOON.plusSeconds(20));

        FloorSnapshot s = stats.snapshot(NOON.plusSeconds(30));
        assertEquals(1, s.live());
        assertEquals(1, s.endedToday());
    }
}
