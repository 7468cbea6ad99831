package app.switchboard.console.calls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.console.EventStream;
import app.switchboard.console.ScriptedCallers;
import app.switchboard.protocol.InboundMessage;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The call model raises ATTENTION events; the console flags, explains and sorts by them. */
class AttentionDisplayTest {

    private final EventStream stream = new EventStream("CA1");
    private final LiveCall call = new LiveCall("CA1");

    @Test
    void anAttentionEventFlagsTheCallWithItsLabel() {
        call.applyAll(stream.started("+1").prompt("get me a manager")
                .add(EventKind.ATTENTION, "reason", "HUMAN_REQUESTED", "label", "asked for a person", "cause", 4).take());

        assertTrue(call.needsAttention());
        assertEquals(List.of("asked for a person"), call.attentionReasons());
        assertEquals("asked for a person", call.attentionTextProperty().get());
    }

    @Test
    void eachReasonIsListedOnce() {
        call.applyAll(stream.started("+1")
                .add(EventKind.ATTENTION, "reason", "FAULT", "label", "agent fault")
                .add(EventKind.ATTENTION, "reason", "FAULT", "label", "agent fault")
                .add(EventKind.ATTENTION, "reason", "REPEATED", "label", "repeats themselves").take());

        assertEquals("agent fault; repeats themselves", call.attentionTextProperty().get());
    }

    @Test
    void noAttentionEventNoFlag() {
        call.applyAll(stream.started("+1").prompt("I want a human").take());

        assertFalse(call.needsAttention(), "the console does not second-guess the call model");
    }

    @Test
    void anEndedCallNoLongerNeedsAttentionButKeepsItsReasons() {
        call.applyAll(stream.started("+1").add(EventKind.ATTENTION, "reason", "HUMAN_REQUESTED", "label", "asked for a person")
                .add(EventKind.CALL_ENDED, "reason", "completed").take());

        assertFalse(call.needsAttention());
        assertEquals(List.of("asked for a person"), call.attentionReasons());
    }

    @Test
    void aCallerAskingForAPersonOnARealCallIsFlaggedOnTheBoard() {
        try (ScriptedCallers callers = new ScriptedCallers(0)) {
            ConcurrentLinkedQueue<CallEvent> inbox = new ConcurrentLinkedQueue<>();
            callers.registry.subscribe(inbox::add);
            CallBoard board = new CallBoard(callers.registry);
            callers.connect("CA1", "+15550001");
            callers.connect("CA2", "+15550002");
            callers.send("CA2", new InboundMessage.Prompt("can I speak to a real person", "en-US", true));
            await().until(() -> inbox.stream().anyMatch(e -> e.kind() == EventKind.ATTENTION));

            board.apply(List.copyOf(inbox));

            assertTrue(board.find("CA2").needsAttention());
            assertEquals("CA2", board.sortedCalls().get(0).callId(), "flagged calls sort first");
        }
    }
}
