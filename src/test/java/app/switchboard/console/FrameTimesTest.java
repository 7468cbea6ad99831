package app.switchboard.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameTimesTest {

    @Test
    void percentilesAreOverPulseToPulseIntervals() {
        FrameTimes frames = new FrameTimes();
        long now = 0;
        frames.record(now, 0);
        for (int i = 1; i <= 100; i++) {
            now += i * 1_000_000L; // intervals 1..100 ms
            frames.record(now, 500_000L);
        }

        assertEquals(100, frames.frames());
        assertEquals(50.0, frames.intervalMs(50));
        assertEquals(99.0, frames.intervalMs(99));
        assertEquals(0.5, frames.workMs(99));
    }
}
