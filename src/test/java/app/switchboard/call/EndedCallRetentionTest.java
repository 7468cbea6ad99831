package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.protocol.InboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The retention policy itself: which ended calls stay in memory, and how much of each. */
class EndedCallRetentionTest {

    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-01-01T09:00:00Z"));
    private final Map<String, CallSession> calls = new ConcurrentHashMap<>();

    /** A call whose executor runs each task at once, on the test's thread. */
    private CallSession live(String sid) {
        CallSession call = new CallSession(sid, new SerialExecutor(Runnable::run), clock, e -> { },
                List.of("en-US"), "en-US", CallAgent.silent());
        call.attach(new InboundMessage.Setup("VX" + sid, "AC1", sid, "", "+15550100001", "+15550100002", "", "",
                "inbound", "PSTN", "RINGING", Map.of()), new RecordingConnection(), false);
        calls.put(sid, call);
        return call;
    }

    private CallSession ended(String sid) {
        CallSession call = live(sid);
        call.endCall("completed");
        return call;
    }

    private EndedCallRetention retention(int keep, Duration keepFor) {
        return new EndedCallRetention(new CallRegistry.EndedCalls(keep, keepFor, Duration.ofSeconds(5)), clock);
    }

    @Test
    void beyondTheCapTheOldestEndedCallsGoAndLiveCallsStay() {
        for (String sid : List.of("CA1", "CA2", "CA3", "CA4")) {
            clock.advance(Duration.ofSeconds(1)); // distinct end times, in this order
            ended(sid);
        }
        live("CA5");

        retention(2, Duration.ofHours(1)).prune(calls);

        assertEquals(new TreeSet<>(List.of("CA3", "CA4", "CA5")), new TreeSet<>(calls.keySet()));
    }

    @Test
    void endedCallsOlderThanTheirTimeGoEvenUnderTheCap() {
        ended("CA1");
        clock.advance(Duration.ofMinutes(11));
        ended("CA2");

        retention(10, Duration.ofMinutes(10)).prune(calls);

        assertEquals(List.of("CA2"), List.copyOf(calls.keySet()));
    }

    @Test
    void anEndedCallThatStaysKeepsOnlyItsTail() {
        CallSession call = live("CA1");
        for (int i = 0; i < 3 * EndedCallRetention.ENDED_TAIL; i++) {
            call.record(new EventPayload.Info("roundTripDelayMs", String.valueOf(i)));
        }
        call.endCall("completed");

        retention(10, Duration.ofHours(1)).prune(calls);

        List<CallEvent> kept = call.events();
        assertEquals(EndedCallRetention.ENDED_TAIL, kept.size());
        assertEquals(EventKind.CALL_ENDED, kept.get(kept.size() - 1).payload().kind());
    }

    @Test
    void aLiveCallKeepsItsWholeWindow() {
        CallSession call = live("CA1");
        for (int i = 0; i < 3 * EndedCallRetention.ENDED_TAIL; i++) {
            call.record(new EventPayload.Info("roundTripDelayMs", String.valueOf(i)));
        }
        int before = call.events().size();

        retention(0, Duration.ZERO).prune(calls);

        assertEquals(before, call.events().size());
        assertEquals(List.of("CA1"), List.copyOf(calls.keySet()));
    }
}
