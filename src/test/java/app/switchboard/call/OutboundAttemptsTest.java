package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboundAttemptsTest {

    private final OutboundAttempts attempts = new OutboundAttempts(Clock.systemUTC());

    private static Map<String, String> callback(String sid, String status, String sequence) {
        return Map.of("CallSid", sid, "CallStatus", status, "From", "+15550100001", "To", "+15550109876",
                "SequenceNumber", sequence);
    }

    @Test
    void aCallbackBeforeTheCreateResponseIsNotOverwrittenByItsQueuedStatus() {
        attempts.statusCallback(callback("CA1", "ringing", "1"));
        attempts.placed("CA1", "+15550100001", "+15550109876", OutboundStatus.QUEUED);
        assertEquals(OutboundStatus.RINGING, attempts.list().get(0).status());
    }

    @Test
    void anOlderSequenceNumberArrivingLateIsIgnored() {
        attempts.statusCallback(callback("CA1", "in-progress", "2"));
        attempts.statusCallback(callback("CA1", "ringing", "1"));
        assertEquals(OutboundStatus.IN_PROGRESS, attempts.list().get(0).status());
    }

    @Test
    void noAnswerIsFinal() {
        attempts.statusCallback(callback("CA1", "no-answer", "2"));
        attempts.statusCallback(callback("CA1", "completed", "3"));
        assertEquals(OutboundStatus.NO_ANSWER, attempts.list().get(0).status());
    }

    @Test
    void completedKeepsTheDuration() {
        attempts.statusCallback(callback("CA1", "in-progress", "2"));
        attempts.statusCallback(Map.of("CallSid", "CA1", "CallStatus", "completed", "SequenceNumber", "3",
                "CallDuration", "42"));
        assertEquals(42, attempts.list().get(0).durationSeconds());
        assertEquals("+15550109876", attempts.list().get(0).to());
    }

    @Test
    void onlyTheMostRecentAttemptsAreKept() {
        for (int i = 0; i < OutboundAttempts.MAX_KEPT + 5; i++) {
            attempts.placed("CA" + i, "+15550100001", "+1555010" + i, OutboundStatus.QUEUED);
        }
        List<OutboundAttempt> kept = attempts.list();
        assertEquals(OutboundAttempts.MAX_KEPT, kept.size());
        assertTrue(kept.stream().noneMatch(a -> a.callSid().equals("CA0")));
        assertTrue(kept.stream().anyMatch(a -> a.callSid().equals("CA" + (OutboundAttempts.MAX_KEPT + 4))));
    }

    @Test
    void anUnknownStatusIsStillListed() {
        attempts.statusCallback(callback("CA1", "teleported", "1"));
        assertEquals(OutboundStatus.UNKNOWN, attempts.list().get(0).status());
    }

    @Test
    void aCallbackWithoutCallSidIsIgnored() {
        attempts.statusCallback(Map.of("CallStatus", "ringing"));
        assertTrue(attempts.list().isEmpty());
    }
}
