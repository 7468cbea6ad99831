package app.switchboard.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.replay.WordDiff.Op;
import app.switchboard.replay.WordDiff.Part;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordDiffTest {

    @Test
    void keepsCommonWordsAndMarksTheChangedOnes() {
        assertEquals(List.of(new Part(Op.SAME, "Your bill is"), new Part(Op.REMOVED, "twenty"),
                        new Part(Op.ADDED, "thirty"), new Part(Op.SAME, "dollars.")),
                WordDiff.diff("Your bill is twenty dollars.", "Your bill is thirty dollars."));
    }

    @Test
    void spacingIsNoChange() {
        assertTrue(WordDiff.sameWords("Your bill  is\ntwenty dollars.", " Your bill is twenty dollars. "));
        assertFalse(WordDiff.sameWords("Your bill is twenty dollars.", "Your bill is twenty dollars!"));
    }

    @Test
    void anEmptySideIsAllAddedOrAllRemoved() {
        assertEquals(List.of(new Part(Op.ADDED, "Hello there.")), WordDiff.diff("", "Hello there."));
        assertEquals(List.of(new Part(Op.REMOVED, "Hello there.")), WordDiff.diff("Hello there.", null));
    }

    @Test
    void percentilesAreNearestRank() {
        List<Double> values = List.of(400.0, 100.0, 300.0, 200.0);
        assertEquals(200.0, ReplayReport.percentile(values, 50));
        assertEquals(400.0, ReplayReport.percentile(values, 95));
        assertEquals(null, ReplayReport.percentile(List.of(), 50));
    }
}
