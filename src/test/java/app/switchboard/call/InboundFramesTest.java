package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Unknown frames are recorded by their start: short, and never half a character. */
class InboundFramesTest {

    @Test
    void aLongFrameIsRecordedByItsStart() {
        String raw = "x".repeat(InboundFrames.MAX_RECORDED_FRAME_CHARS + 100);

        assertEquals(InboundFrames.MAX_RECORDED_FRAME_CHARS, InboundFrames.prefix(raw).length());
    }

    @Test
    void theStartNeverEndsOnHalfASurrogatePair() {
        String raw = "x".repeat(9) + "\uD83D\uDE00" + "tail"; // the emoji spans chars 9 and 10

        assertEquals("x".repeat(9), InboundFrames.prefix(raw, 10));
    }

    @Test
    void shortAndMissingTextIsKeptAsItIs() {
        assertEquals("short", InboundFrames.prefix("short"));
        assertNull(InboundFrames.prefix(null));
    }
}
