package app.switchboard.call;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.protocol.InboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry's own contract: which ended calls stay listed, and that one listener's failure
 * is nobody else's. Written against what is kept, not against what triggers the pruning.
 */
@Timeout(60)
class CallRegistryTest {

    /** Every reading is one millisecond later: calls end at distinct, ordered instants. */
    private static final class TickingClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-21T08:00:00Z").toEpochMilli());

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.incrementAndGet());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final CallRegistry registry = new CallRegistry(CallAgent.silent(), List.of("en-US"), "en-US",
            Duration.ofSeconds(30), new TickingClock(), new CallRegistry.EndedCalls(CallRegistry.MAX_ENDED_CALLS_KEPT,
                    Duration.ofDays(1), Duration.ofDays(1)));

    @AfterEach
    void close() {
        registry.close();
    }

    private static InboundMessage.Setup setup(String callSid) {
        return new InboundMessage.Setup("VX" + callSid, "AC1", callSid, "", "+15550100001", "+15550100002", "", "",
                "inbound", "PSTN", "RINGING", Map.of());
    }

    private CallSession start(String callSid) {
        return registry.attach(setup(callSid), new RecordingConnection());
    }

    private void end(String callSid) {
        registry.actionCallback(callSid, Map.of("CallSid", callSid, "SessionStatus", "completed"), "closed");
    }

    private Set<String> listed() {
        return registry.calls().stream().map(CallSummary::callId).collect(Collectors.toSet());
    }

    /**
     * Whatever makes the registry forget old ended calls: its timer's task, run here at once
     * (the timer itself is tested in CallRegistryPruningTest).
     */
    private void letThePruningRun() {
        registry.pruneEndedCalls();
    }

    @Test
    void onlyTheMostRecentlyEndedCallsStayListedAndNoLiveCallIsForgotten() {
        int kept = CallRegistry.MAX_ENDED_CALLS_KEPT;
        int endedCount = kept + 25;
        List<String> ended = IntStream.range(0, endedCount).mapToObj(i -> "CA-ended-" + i).toList();
        ended.forEach(this::start);
        start("CA-live");
        ended.forEach(this::end);
        await().until(() -> ended.stream().allMatch(id -> registry.find(id).ended()));

        // The calls end on their own executors, so the order they ended in is read back, not assumed.
        List<String> newestFirst = registry.calls().stream().filter(s -> s.endedAt() != null)
                .sorted(Comparator.comparing(CallSummary::endedAt).reversed()).map(CallSummary::callId).toList();
        Set<String> expected = new java.util.HashSet<>(newestFirst.subList(0, kept));
        expected.add("CA-live");

        letThePruningRun();

        assertEquals(expected, listed());
    }

    @Test
    void endedCallsUpToTheLimitAreAllKept() {
        List<String> ended = IntStream.range(0, 30).mapToObj(i -> "CA-few-" + i).toList();
        ended.forEach(this::start);
        ended.forEach(this::end);
        await().until(() -> ended.stream().allMatch(id -> registry.find(id).ended()));

        letThePruningRun();

        assertTrue(listed().containsAll(ended), "nothing is forgotten below the limit: " + listed());
    }

    @Test
    void aThrowingListenerNeitherStopsTheOthersNorTheCall() {
        List<CallEvent> beforeIt = new CopyOnWriteArrayList<>();
        List<CallEvent> afterIt = new CopyOnWriteArrayList<>();
        registry.subscribe(beforeIt::add);
        registry.subscribe(e -> {
            throw new IllegalStateException("a broken view");
        });
        registry.subscribe(afterIt::add);

        CallSession call = start("CA1");
        registry.inbound(call, new InboundMessage.Dtmf("5"));
        end("CA1");

        await().until(() -> afterIt.stream().anyMatch(e -> e.kind() == EventKind.CALL_ENDED));
        assertEquals(beforeIt.stream().map(CallEvent::kind).toList(), afterIt.stream().map(CallEvent::kind).toList(),
                "the listener after the broken one saw every event");
        assertTrue(afterIt.stream().anyMatch(e -> e.kind() == EventKind.DTMF), "the call went on after the failure");
        assertEquals(afterIt.size(), registry.events("CA1").size(), "and kept every event it published");
    }

    @Test
    void aListenerFailingWithALinkageErrorNeitherStopsTheOthersNorTheCall() {
        // A console view whose class fails to initialise throws an Error, not an exception.
        List<CallEvent> afterIt = new CopyOnWriteArrayList<>();
        registry.subscribe(e -> {
            throw new NoClassDefFoundError("a view class that failed to initialise");
        });
        registry.subscribe(afterIt::add);

        CallSession call = start("CA3");
        registry.inbound(call, new InboundMessage.Dtmf("5"));
        end("CA3");

        await().until(() -> afterIt.stream().anyMatch(e -> e.kind() == EventKind.CALL_ENDED));
        assertEquals(registry.events("CA3").stream().map(CallEvent::kind).toList(),
                afterIt.stream().map(CallEvent::kind).toList(), "every event reached the listener after the broken one");
        assertTrue(afterIt.stream().anyMatch(e -> e.kind() == EventKind.DTMF));
    }

    @Test
    void anUnsubscribedListenerHearsNothingMore() throws Exception {
        List<CallEvent> heard = new CopyOnWriteArrayList<>();
        List<CallEvent> control = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = registry.subscribe(heard::add);
        registry.subscribe(control::add);
        CallSession call = start("CA2");
        await().until(() -> !heard.isEmpty());
        subscription.close();
        int before = heard.size();

        registry.inbound(call, new InboundMessage.Dtmf("7"));
        await().until(() -> control.stream().anyMatch(e -> e.kind() == EventKind.DTMF));

        assertEquals(before, heard.size());
    }
}
