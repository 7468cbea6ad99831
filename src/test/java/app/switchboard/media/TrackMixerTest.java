package app.switchboard.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TrackMixerTest {

    private static final short[] CALLER = {1000, -2000, 30000, 0};
    private static final short[] AGENT = {500, 500, 10000, -7};

    @Test
    void oneSideIsHeardAlone() {
        assertArrayEquals(CALLER, TrackMixer.mix(CALLER, AGENT, Mix.CALLER, 1));
        assertArrayEquals(AGENT, TrackMixer.mix(CALLER, AGENT, Mix.AGENT, 1));
    }

    @Test
    void bothAreSummedAndClippedToSixteenBits() {
        assertArrayEquals(new short[] {1500, -1500, Short.MAX_VALUE, -7}, TrackMixer.mix(CALLER, AGENT, Mix.BOTH, 1));
    }

    @Test
    void volumeScalesAndIsClampedToZeroToOne() {
        // -3.5 rounds half up, to -3
        assertArrayEquals(new short[] {750, -750, 20000, -3}, TrackMixer.mix(CALLER, AGENT, Mix.BOTH, 0.5));
        assertArrayEquals(new short[4], TrackMixer.mix(CALLER, AGENT, Mix.BOTH, -1));
        assertArrayEquals(TrackMixer.mix(CALLER, AGENT, Mix.BOTH, 1), TrackMixer.mix(CALLER, AGENT, Mix.BOTH, 3));
    }
}
