package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AttentionTest {

    private final Attention attention = new Attention();
    private long seq;

    private Attention.Reason observe(EventPayload payload) {
        return attention.observe(new CallEvent("CA1", ++seq, Instant.now(), payload));
    }

    private Attention.Reason prompt(String text) {
        return observe(new EventPayload.Prompt(text, null));
    }

    @Test
    void askingForAManagerRaisesAttentionOnce() {
        assertEquals(Attention.Reason.HUMAN_REQUESTED, prompt("Can I talk to a manager please"));
        assertNull(prompt("I want a manager now"), "each reason is raised once per call");
    }

    @Test
    void spanishRequestForAPersonCounts() {
        assertEquals(Attention.Reason.HUMAN_REQUESTED, prompt("Quiero hablar con una persona"));
    }

    @Test
    void sayingTheSameThingAgainIsARepeat() {
        assertNull(prompt("My internet is not working"));
        assertNull(prompt("What are your opening hours"));
        assertEquals(Attention.Reason.REPEATED, prompt("my internet is NOT working!"));
    }

    @Test
    void differentQuestionsAreNotRepeats() {
        assertNull(prompt("What is my bill"));
        assertNull(prompt("When is the payment due"));
        assertNull(prompt("Thanks, goodbye"));
    }

    @Test
    void thirdInterruptionRaisesAttention() {
        assertNull(observe(new EventPayload.Interrupt(null, null)));
        assertNull(observe(new EventPayload.Interrupt(null, null)));
        assertEquals(Attention.Reason.INTERRUPTED, observe(new EventPayload.Interrupt(null, null)));
    }

    @Test
    void anAgentFaultRaisesAttention() {
        assertEquals(Attention.Reason.FAULT, observe(new EventPayload.Fault(1, "HTTP 500", null, "Sorry.", false, false)));
    }
}
