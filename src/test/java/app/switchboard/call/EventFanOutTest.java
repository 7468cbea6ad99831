package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import app.switchboard.protocol.InboundMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every event to every listener, isolated from the others' failures; handed-over calls silent. */
class EventFanOutTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

    private final CallHolds holds = new CallHolds(id -> null);
    private final EventFanOut fanOut = new EventFanOut(holds);
    private final List<CallEvent> heard = new CopyOnWriteArrayList<>();

    private static CallEvent event(String callId, long seq, EventPayload payload) {
        return new CallEvent(callId, seq, T0, payload);
    }

    private static CallEvent info(String callId, long seq) {
        return event(callId, seq, new EventPayload.Info("agentSpeaking", "on"));
    }

    @Test
    void listenersFailingWithAnExceptionOrALinkageErrorDoNotStopTheOthers() throws Exception {
        fanOut.subscribe(e -> {
            throw new IllegalStateException("a bug in the store's listener");
        });
        fanOut.subscribe(e -> {
            throw new NoClassDefFoundError("a view class that failed to initialise");
        });
        fanOut.subscribe(heard::add);

        fanOut.publish(info("CA1", 1));
        fanOut.publish(info("CA1", 2));

        assertEquals(List.of(1L, 2L), heard.stream().map(CallEvent::seq).toList());
    }

    @Test
    void anUnsubscribedListenerHearsNothingMore() throws Exception {
        AutoCloseable subscription = fanOut.subscribe(heard::add);
        fanOut.publish(info("CA1", 1));

        subscription.close();
        fanOut.publish(info("CA1", 2));

        assertEquals(List.of(1L), heard.stream().map(CallEvent::seq).toList());
    }

    @Test
    void aHandedOverCallIsSilentUntilTheHandOverIsForgotten() {
        fanOut.subscribe(heard::add);

        fanOut.handedOver("CA1");
        fanOut.publish(info("CA1", 1));
        fanOut.publish(info("CA2", 1));
        fanOut.forgetHandOver("CA1");
        fanOut.publish(info("CA1", 2));

        assertEquals(List.of("CA2:1", "CA1:2"), heard.stream().map(e -> e.callId() + ":" + e.seq()).toList());
    }

    @Test
    void aCallThatEndedIsHeldByNobody() {
        CallSession call = new CallSession("CA1", new SerialExecutor(Runnable::run), Clock.systemUTC(), e -> { },
                List.of("en-US"), "en-US", CallAgent.silent());
        call.attach(new InboundMessage.Setup("VX1", "AC1", "CA1", "", "+15550100001", "+15550100002", "", "",
                "inbound", "PSTN", "RINGING", Map.of()), new RecordingConnection(), false);
        CallHolds callHolds = new CallHolds(id -> call);
        EventFanOut withHolds = new EventFanOut(callHolds);
        callHolds.claim("CA1", "alice");
        assertEquals("alice", callHolds.heldBy("CA1"));

        withHolds.publish(event("CA1", 9, new EventPayload.CallEnded("completed")));

        assertNull(callHolds.heldBy("CA1"));
    }
}
