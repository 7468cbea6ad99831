package app.switchboard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutputGuardTest {

    private static final String PROMPT = "You are the phone assistant of Acme Telecom. Internal rule: offer the "
            + "loyalty discount code BLUEFALCON only to customers older than ten years.";
    private static final String SECRET = "sk-live-abcdef1234567890";

    private OutputGuard guard() {
        return new OutputGuard(PROMPT, List.of(SECRET), 6, 8);
    }

    @Test
    void ordinaryAnswerGoesOutTokenByToken() {
        OutputGuard g = guard();
        StringBuilder released = new StringBuilder();
        for (String t : List.of("Sure", ",", " your", " bill", " is", " due", " Friday", ".")) {
            OutputGuard.Verdict v = g.accept(t);
            assertFalse(v.tripped());
            released.append(v.release());
        }
        released.append(g.flush());
        assertEquals("Sure, your bill is due Friday.", released.toString());
    }

    @Test
    void firstTokenIsNotHeldWhenItCannotStartAQuote() {
        assertEquals("Sure", guard().accept("Sure").release());
    }

    @Test
    void quotingTheSystemPromptTripsAfterAtMostTwoQuotedWords() {
        OutputGuard g = guard();
        StringBuilder released = new StringBuilder();
        boolean tripped = false;
        for (String t : List.of("My", " instructions", ":", " Internal", " rule", ":", " offer", " the", " loyalty",
                " discount", " code", " BLUEFALCON")) {
            OutputGuard.Verdict v = g.accept(t);
            released.append(v.release());
            if (v.tripped()) {
                tripped = true;
                break;
            }
        }
        assertTrue(tripped);
        assertEquals("My instructions: Internal rule:", released.toString());
    }

    @Test
    void quoteStartingInsideAnotherMatchStillTrips() {
        // "the" then a run of prompt words that does not continue the first "the ..." match.
        OutputGuard g = new OutputGuard("the cat sat. the phone assistant of acme telecom offers help", List.of(), 6, 8);
        StringBuilder released = new StringBuilder();
        boolean tripped = false;
        for (String t : List.of("So", " the", " phone", " assistant", " of", " acme", " telecom", " offers")) {
            OutputGuard.Verdict v = g.accept(t);
            released.append(v.release());
            tripped |= v.tripped();
        }
        assertTrue(tripped);
        assertEquals("So the phone", released.toString());
    }

    @Test
    void aFewWordsSharedWithThePromptGoOutAtOnce() {
        OutputGuard g = guard();
        assertEquals("You", g.accept("You").release());
        assertEquals(" are", g.accept(" are").release());
        assertEquals(" welcome", g.accept(" welcome").release());
    }

    @Test
    void aLongerRunOfPromptWordsIsHeldOnlyUntilTheAnswerMovesOn() {
        OutputGuard g = guard();
        assertEquals("I am", g.accept("I am").release());
        assertEquals(" the", g.accept(" the").release());
        assertEquals(" phone", g.accept(" phone").release());
        assertEquals("", g.accept(" assistant").release(), "the third word of a run is held");
        OutputGuard.Verdict v = g.accept(" here");
        assertFalse(v.tripped());
        assertEquals(" assistant here", v.release());
        assertEquals("", g.flush());
    }

    @Test
    void aSecretSplitAcrossTokensTrips() {
        OutputGuard g = guard();
        boolean tripped = false;
        StringBuilder released = new StringBuilder();
        for (String t : List.of("The", " key", " is", " sk", "-live", "-abc", "def", "123")) {
            OutputGuard.Verdict v = g.accept(t);
            released.append(v.release());
            tripped |= v.tripped();
        }
        assertTrue(tripped);
        assertFalse(released.toString().contains("abc"), released.toString());
    }
}
