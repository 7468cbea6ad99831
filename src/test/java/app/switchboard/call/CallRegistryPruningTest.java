package app.switchboard.call;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.protocol.InboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ended calls leave memory on the registry's own timer, with no new call needed to trigger it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallRegistryPruningTest {


    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-01-01T09:00:00Z"));
    private CallRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private CallRegistry registry(int keep, Duration keepFor) {
        registry = new CallRegistry(CallAgent.silent(), List.of("en-US"), "en-US", Duration.ofSeconds(10), clock,
                new CallRegistry.EndedCalls(keep, keepFor, Duration.ofMillis(20)));
        return registry;
    }

    private CallSession attach(String sid) {
        InboundMessage.Setup setup = new InboundMessage.Setup("VX" + sid, "AC1", sid, "", "+15550100001",
                "+15550100002", "", "", "inbound", "PSTN", "RINGING", Map.of());
        return registry.attach(setup, new RecordingConnection());
    }

    private void end(CallSession call) {
        registry.actionCallback(call.callId(), Map.of("CallSid", call.callId(), "SessionStatus", "completed"), "ended");
        await().until(call::ended);
    }

    @Test
    void endedCallsBeyondTheCapAreForgottenOldestFirstWithoutANewCall() {
        registry(2, Duration.ofHours(1));
        List<CallSession> calls = List.of(attach("CA1"), attach("CA2"), attach("CA3"), attach("CA4"), attach("CA5"));
        CallSession live = attach("CA6");
        for (CallSession call : calls) {
            clock.advance(Duration.ofSeconds(1)); // distinct end times, in this order
            end(call);
        }

        await().until(() -> registry.calls().size() == 3);
        assertEquals(List.of("CA4", "CA5", "CA6"), registry.calls().stream().map(CallSummary::callId).sorted().toList());
        assertNotNull(registry.find(live.callId()));
    }

    @Test
    void endedCallsOlderThanTheRetentionAreForgottenAndLiveCallsStay() {
        registry(200, Duration.ofMinutes(10));
        CallSession early = attach("CA10");
        CallSession late = attach("CA11");
        CallSession live = attach("CA12");
        end(early);
        clock.advance(Duration.ofMinutes(6));
        end(late);
        clock.advance(Duration.ofMinutes(5)); // early ended 11 minutes ago, late 5

        await().until(() -> registry.find(early.callId()) == null);
        assertNotNull(registry.find(late.callId()));
        assertNotNull(registry.find(live.callId()));
        clock.advance(Duration.ofMinutes(6));
        await().until(() -> registry.find(late.callId()) == null);
        assertNotNull(registry.find(live.callId()), "a live call is never pruned, however old");
    }

    @Test
    void summaryCountsEveryRecordedEvent() {
        registry(200, Duration.ofHours(1));
        CallSession call = attach("CA20");
        end(call);
        await().untilAsserted(() -> assertEquals(registry.events("CA20").size(), registry.calls().get(0).eventCount()));
        assertEquals(EventKind.CALL_ENDED, registry.events("CA20").get(registry.events("CA20").size() - 1).kind());
    }

    @Test
    void anEndedCallKeepsOnlyItsTailInMemoryAndTheRestIsLeftToTheStore() {
        registry(10, Duration.ofHours(1));
        CallSession call = attach("CA-long");
        for (int i = 0; i < 300; i++) {
            registry.whisper(call.callId(), "hint " + i);
        }
        CallSession live = attach("CA-live");
        for (int i = 0; i < 300; i++) {
            registry.whisper(live.callId(), "hint " + i);
        }
        await().until(() -> registry.events(call.callId()).size() > 300 && registry.events(live.callId()).size() > 300);
        end(call);

        await().until(() -> registry.events(call.callId()).size() == EndedCallRetention.ENDED_TAIL);
        List<CallEvent> tail = registry.events(call.callId());
        long last = tail.get(tail.size() - 1).seq();
        assertTrue(last > 300, "the newest events stay: " + last);
        assertEquals(last - EndedCallRetention.ENDED_TAIL + 1, registry.firstSeqInWindow(call.callId()));
        assertEquals(EventKind.CALL_ENDED, tail.stream().filter(e -> e.kind() == EventKind.CALL_ENDED)
                .findFirst().orElseThrow().kind());
        // A live call keeps its whole window.
        assertEquals(1, registry.firstSeqInWindow(live.callId()));
    }
}
