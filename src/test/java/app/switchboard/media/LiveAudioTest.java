package app.switchboard.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveAudioTest {

    private static byte[] bytes(int n, int from) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void theRingKeepsTheNewestBytesInOrder() {
        LiveAudio audio = new LiveAudio(10);
        assertTrue(audio.open("CA1", "MZ1"));
        audio.frame("MZ1", new AudioFrame("CA1", Track.INBOUND, 0, bytes(6, 0)));
        audio.frame("MZ1", new AudioFrame("CA1", Track.INBOUND, 1, bytes(6, 6)));
        assertArrayEquals(bytes(10, 2), audio.recent("CA1", Track.INBOUND));
        audio.frame("MZ1", new AudioFrame("CA1", Track.INBOUND, 2, bytes(25, 100)));
        assertArrayEquals(bytes(10, 115), audio.recent("CA1", Track.INBOUND));
        assertEquals(37, audio.received("CA1", Track.INBOUND));
    }

    @Test
    void aSecondStreamForTheSameCallIsRefusedAndItsFramesIgnored() {
        LiveAudio audio = new LiveAudio();
        List<AudioFrame> heard = new ArrayList<>();
        audio.listen("CA1", heard::add);
        assertTrue(audio.open("CA1", "MZ1"));
        assertFalse(audio.open("CA1", "MZ2"));
        audio.frame("MZ2", new AudioFrame("CA1", Track.INBOUND, 0, bytes(4, 0)));
        assertTrue(heard.isEmpty());
        audio.close("CA1", "MZ2");
        assertTrue(audio.streaming("CA1"), "another stream's close leaves the call's own");
        audio.close("CA1", "MZ1");
        assertFalse(audio.streaming("CA1"));
    }

    @Test
    void aClosedListenerHearsNothingMore() throws Exception {
        LiveAudio audio = new LiveAudio();
        List<AudioFrame> heard = new ArrayList<>();
        AutoCloseable handle = audio.listen("CA1", heard::add);
        audio.open("CA1", "MZ1");
        audio.frame("MZ1", new AudioFrame("CA1", Track.OUTBOUND, 0, bytes(4, 0)));
        handle.close();
        audio.frame("MZ1", new AudioFrame("CA1", Track.OUTBOUND, 20, bytes(4, 0)));
        assertEquals(1, heard.size());
        assertEquals(0, audio.listenedCalls());
    }
}
