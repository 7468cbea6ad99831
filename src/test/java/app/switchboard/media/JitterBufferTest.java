package app.switchboard.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JitterBufferTest {

    /** 20 ms of one constant μ-law value. */
    static AudioFrame frame(Track track, long ms, int mulaw) {
        byte[] b = new byte[160];
        Arrays.fill(b, (byte) mulaw);
        return new AudioFrame("CA1", track, ms, b);
    }

    private static short level(int mulaw) {
        return MuLaw.decode((byte) mulaw);
    }

    private static short[] constant(int n, short value) {
        short[] s = new short[n];
        Arrays.fill(s, value);
        return s;
    }

    @Test
    void playingWaitsUntilTheTargetIsBuffered() {
        JitterBuffer jitter = new JitterBuffer(60, 500);
        jitter.add(frame(Track.INBOUND, 0, 0x10));
        jitter.add(frame(Track.INBOUND, 20, 0x10));
        assertFalse(jitter.ready(), "40 ms of 60");
        jitter.add(frame(Track.INBOUND, 40, 0x10));
        assertTrue(jitter.ready());
    }

    @Test
    void framesArrivingOutOfOrderPlayInTimestampOrder() {
        JitterBuffer jitter = new JitterBuffer(40, 500);
        jitter.add(frame(Track.INBOUND, 20, 0x20));
        jitter.add(frame(Track.INBOUND, 0, 0x10));
        assertTrue(jitter.ready());
        assertArrayEquals(constant(160, level(0x10)), jitter.pull(160)[0]);
        assertArrayEquals(constant(160, level(0x20)), jitter.pull(160)[0]);
    }

    @Test
    void bothTracksAreAlignedByTimestampNotByArrival() {
        JitterBuffer jitter = new JitterBuffer(40, 500);
        jitter.add(frame(Track.INBOUND, 0, 0x10));
        jitter.add(frame(Track.INBOUND, 20, 0x11));
        jitter.add(frame(Track.OUTBOUND, 20, 0x22)); // the agent starts 20 ms later
        assertTrue(jitter.ready());
        short[][] first = jitter.pull(160);
        assertArrayEquals(constant(160, level(0x10)), first[0]);
        assertArrayEquals(new short[160], first[1], "no agent audio yet: silence");
        short[][] second = jitter.pull(160);
        assertArrayEquals(constant(160, level(0x11)), second[0]);
        assertArrayEquals(constant(160, level(0x22)), second[1]);
    }

    @Test
    void aGapPlaysAsSilenceAndALateFrameIsDropped() {
        JitterBuffer jitter = new JitterBuffer(20, 500);
        jitter.add(frame(Track.INBOUND, 0, 0x10));
        jitter.add(frame(Track.INBOUND, 40, 0x30)); // 20..40 is missing
        assertTrue(jitter.ready());
        jitter.pull(160);
        assertArrayEquals(new short[160], jitter.pull(160)[0], "the gap");
        jitter.add(frame(Track.INBOUND, 20, 0x20)); // its time has passed
        assertEquals(1, jitter.late());
        assertArrayEquals(constant(160, level(0x30)), jitter.pull(160)[0]);
    }

    @Test
    void aBacklogBeyondTheMaximumIsSkippedDownToTheTarget() {
        JitterBuffer jitter = new JitterBuffer(40, 100);
        jitter.add(frame(Track.INBOUND, 0, 0x01));
        jitter.add(frame(Track.INBOUND, 20, 0x02));
        assertTrue(jitter.ready());
        for (int i = 2; i < 10; i++) {
            jitter.add(frame(Track.INBOUND, i * 20L, i));
        }
        assertTrue(jitter.bufferedMs() <= 100, "bounded: " + jitter.bufferedMs());
        assertTrue(jitter.skippedSamples() > 0);
        short[] next = jitter.pull(160)[0];
        assertEquals(level(8), next[0], "plays on from 40 ms before the newest audio");
    }

    @Test
    void aBufferThatRunsDryFillsToTheTargetAgainBeforePlaying() {
        JitterBuffer jitter = new JitterBuffer(40, 500);
        jitter.add(frame(Track.INBOUND, 0, 0x10));
        jitter.add(frame(Track.INBOUND, 20, 0x10));
        assertTrue(jitter.ready());
        jitter.pull(160);
        jitter.pull(160);
        assertFalse(jitter.ready(), "dry");
        jitter.add(frame(Track.INBOUND, 100, 0x40));
        assertFalse(jitter.ready(), "20 ms of 40");
        jitter.add(frame(Track.INBOUND, 120, 0x41));
        assertTrue(jitter.ready());
        assertArrayEquals(constant(160, level(0x40)), jitter.pull(160)[0]);
    }
}
