package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttentionTest {

    private final Attention attention = new Attention();
    private long seq;

    private Attention.Reason observe(EventKind kind, Map<String, Object> fields) {
        return attention.observe(new CallEvent("CA1", ++seq, Instant.now(), kind, fields));
    }

    private Attention.Reason prompt(String text) {
        return observe(EventKind.PROMPT, Map.of("text", text));
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
        assertNull(observe(EventKind.INTERRUPT, Map.of()));
        assertNull(observe(EventKind.INTERRUPT, Map.of()));
        assertEquals(Attention.Reason.INTERRUPTED, observe(EventKind.INTERRUPT, Map.of()));
    }

    @Test
    void anAgentFaultRaisesAttention() {
        assertEquals(Attention.Reason.FAULT, observe(EventKind.FAULT, Map.of("reason", "HTTP 500")));
    }
}
