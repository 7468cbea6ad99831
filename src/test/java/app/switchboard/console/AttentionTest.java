package app.switchboard.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionTest {

    private final EventStream stream = new EventStream("CA1");
    private final LiveCall call = new LiveCall("CA1");

    @Test
    void askingForAPersonFlagsTheCall() {
        call.applyAll(stream.started("+1").prompt("Can I talk to a manager please").take());

        assertTrue(call.needsAttention());
        assertEquals(List.of("asked for a person"), call.attentionReasons());
    }

    @Test
    void askingInSpanishFlagsTheCallToo() {
        call.applyAll(stream.started("+1").prompt("Quiero hablar con una persona").take());

        assertTrue(call.needsAttention());
    }

    @Test
    void anOrdinaryQuestionDoesNotFlag() {
        call.applyAll(stream.started("+1").prompt("What are your opening hours").prompt("And on Saturday").take());

        assertFalse(call.needsAttention());
    }

    @Test
    void repeatingTheSameQuestionFlagsTheCall() {
        call.applyAll(stream.started("+1").prompt("Why is my bill so high?").answer(1, "It is ")
                .prompt("why is my bill so high").take());

        assertEquals(List.of("caller repeated themselves"), call.attentionReasons());
    }

    @Test
    void aFaultFlagsTheCall() {
        call.applyAll(stream.started("+1").add(EventKind.FAULT, "turn", 1, "reason", "model timed out").take());

        assertEquals(List.of("fault: model timed out"), call.attentionReasons());
    }

    @Test
    void threeCallerInterruptionsFlagTheCall() {
        stream.started("+1");
        for (int turn = 1; turn <= 2; turn++) {
            stream.answer(turn, "Well ").interrupted(turn, "", "Well ", "caller barged in");
        }
        call.applyAll(stream.take());
        assertFalse(call.needsAttention());

        call.applyAll(stream.answer(3, "So ").interrupted(3, "", "So ", "caller spoke again").take());

        assertEquals(List.of("AI interrupted 3 times"), call.attentionReasons());
    }

    @Test
    void interruptionsByTheSupervisorDoNotCount() {
        stream.started("+1");
        for (int turn = 1; turn <= 4; turn++) {
            stream.answer(turn, "Well ").interrupted(turn, "", "Well ", "supervisor interrupted");
        }
        call.applyAll(stream.take());

        assertFalse(call.needsAttention());
    }

    @Test
    void anAttentionEventFromTheCoreFlagsTheCall() {
        call.applyAll(stream.started("+1").add(EventKind.ATTENTION, "reason", "caller sounds upset").take());

        assertEquals(List.of("caller sounds upset"), call.attentionReasons());
    }

    @Test
    void anEndedCallNoLongerNeedsAttention() {
        call.applyAll(stream.started("+1").prompt("get me a human").add(EventKind.CALL_ENDED, "reason", "completed").take());

        assertFalse(call.needsAttention());
        assertEquals(List.of("asked for a person"), call.attentionReasons(), "the reasons stay for the record");
    }
}
