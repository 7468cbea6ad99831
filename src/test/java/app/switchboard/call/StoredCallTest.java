package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which stored calls a reconnect may go on with: recent ones the relay, not the call, ended. */
class StoredCallTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static CallResumption.StoredCall call(EventPayload... payloads) {
        List<CallEvent> events = new ArrayList<>();
        events.add(new CallEvent("CA1", 1, T0, new EventPayload.SessionStarted("VX1", 1, false, "127.0.0.1")));
        for (EventPayload p : payloads) {
            events.add(new CallEvent("CA1", events.size() + 1, T0.plusSeconds(events.size()), p));
        }
        return new CallResumption.StoredCall("CA1", events);
    }

    @Test
    void aCallTheRelayLeftLiveOrEndedOnStoppingResumesWithinTheWait() {
        Instant soon = T0.plusSeconds(10);
        assertTrue(call(new EventPayload.Prompt("hi", "en-US")).resumable(soon, WAIT));
        assertTrue(call(new EventPayload.CallEnded(CallRegistry.RELAY_STOPPED)).resumable(soon, WAIT));
        assertTrue(call(new EventPayload.CallEnded("relay crashed", true, T0.toString())).resumable(soon, WAIT));
    }

    @Test
    void aCallTheCallerTwilioOrTheWaitEndedDoesNotComeBack() {
        Instant soon = T0.plusSeconds(10);
        assertFalse(call(new EventPayload.CallEnded("completed")).resumable(soon, WAIT));
        assertFalse(call(new EventPayload.CallEnded("relay session lost (1006)")).resumable(soon, WAIT));
    }

    @Test
    void aCallLastHeardFromLongerAgoThanTheWaitDoesNotComeBack() {
        CallResumption.StoredCall stopped = call(new EventPayload.CallEnded(CallRegistry.RELAY_STOPPED));
        assertFalse(stopped.resumable(stopped.lastEventAt().plus(WAIT).plusMillis(1), WAIT));
    }

    @Test
    void anEndFollowedByANewSessionIsNoLongerTheCallsEnd() {
        CallResumption.StoredCall reopened = call(new EventPayload.CallEnded("completed"),
                new EventPayload.SessionStarted("VX2", 2, true, "127.0.0.1"));
        assertTrue(reopened.ending().isEmpty());
        assertEquals("VX2", reopened.lastSessionId());
        assertEquals(3, reopened.lastSeq());
    }
}
