package app.switchboard.console.floor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.TestEvents;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The floor counts the live calls' alerts no supervisor has acknowledged. */
class FloorAlertsTest {

    private static final Instant NOON = Instant.parse("2026-12-01T12:00:00Z");

    private final FloorStats stats = new FloorStats(ZoneOffset.UTC);
    private final Map<String, Long> seqs = new HashMap<>();

    private long event(String callId, EventKind kind, Object... keyValues) {
        long seq = seqs.merge(callId, 1L, Long::sum);
        stats.apply(new CallEvent(callId, seq, NOON.plusSeconds(seq), TestEvents.payload(kind, keyValues)));
        return seq;
    }

    private long alert(String callId) {
        return event(callId, EventKind.ALERT, "ruleId", "quiet", "ruleKind", "SILENCE", "severity", "INFO",
                "reason", "no speech for 30 s");
    }

    @Test
    void openAlertsAreThoseOfLiveCallsNotYetAcknowledged() {
        event("CA1", EventKind.SESSION_STARTED, "sessionId", "VX1", "session", 1, "resumed", false);
        event("CA2", EventKind.SESSION_STARTED, "sessionId", "VX2", "session", 1, "resumed", false);
        long first = alert("CA1");
        alert("CA1");
        alert("CA2");
        assertEquals(3, stats.snapshot(NOON.plusSeconds(60)).openAlerts());

        event("CA1", EventKind.ALERT_ACKNOWLEDGED, "alertSeq", first, "ruleId", "quiet", "operator", "alice");
        assertEquals(2, stats.snapshot(NOON.plusSeconds(60)).openAlerts());

        event("CA2", EventKind.CALL_ENDED, "reason", "completed");
        assertEquals(1, stats.snapshot(NOON.plusSeconds(60)).openAlerts(), "an ended call's alerts leave the floor");
    }
}
