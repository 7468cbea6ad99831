package app.switchboard.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching the model's tokens to the frames that carried them, by text position. */
class TokenClockTest {

    private static TokenClock.Stamp at(long nanos, String text) {
        return new TokenClock.Stamp(nanos, text);
    }

    @Test
    void oneFrameCarryingSeveralHeldTokensDeliversEachOfThemWhenItArrives() {
        List<TokenClock.Stamp> model = List.of(at(0, "Your "), at(10, "last "), at(20, "bill."));
        List<TokenClock.Stamp> frames = List.of(at(5, "Your "), at(30, "last bill."));
        assertArrayEquals(new long[] {5, 20, 10}, TokenClock.delays(model, frames));
    }

    @Test
    void aTokenSplitAcrossFramesArrivesWithItsLastCharacter() {
        List<TokenClock.Stamp> model = List.of(at(0, "Hello there"));
        List<TokenClock.Stamp> frames = List.of(at(3, "Hello "), at(9, "there"));
        assertArrayEquals(new long[] {9}, TokenClock.delays(model, frames));
    }

    @Test
    void differentTextIsNotMatched() {
        assertNull(TokenClock.delays(List.of(at(0, "Hello")), List.of(at(1, "Help"))));
    }
}
