package app.switchboard.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

class MuLawTest {

    @Test
    void decodingAgreesWithTheJdksOwnUlawConversionForEveryByte() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        AudioFormat ulaw = new AudioFormat(AudioFormat.Encoding.ULAW, 8000, 8, 1, 1, 8000, false);
        AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, 8000, 16, 1, 2, 8000, false);
        AudioInputStream converted = AudioSystem.getAudioInputStream(pcm,
                new AudioInputStream(new ByteArrayInputStream(all), ulaw, all.length));
        byte[] out = converted.readAllBytes();
        assertEquals(512, out.length);
        for (int i = 0; i < 256; i++) {
            short jdk = (short) ((out[2 * i] & 0xFF) | (out[2 * i + 1] << 8));
            assertEquals(jdk, MuLaw.decode((byte) i), "byte " + i);
        }
    }

    @Test
    void silenceAndTheExtremesDecodeAsG711Says() {
        assertEquals(0, MuLaw.decode((byte) 0xFF));
        assertEquals(-32124, MuLaw.decode((byte) 0x00));
        assertEquals(32124, MuLaw.decode((byte) 0x80));
    }

    @Test
    void encodingThenDecodingStaysWithinTheQuantisationStep() {
        for (int s = -32768; s <= 32767; s += 7) {
            short back = MuLaw.decode(MuLaw.encode((short) s));
            int clipped = Math.max(-32635, Math.min(32635, s));
            // μ-law's step grows with the magnitude: at most 1/16 of it plus the smallest step.
            int tolerance = Math.abs(clipped) / 16 + 8;
            assertTrue(Math.abs(back - clipped) <= tolerance, s + " came back as " + back);
        }
        assertEquals((byte) 0xFF, MuLaw.encode((short) 0));
    }
}
