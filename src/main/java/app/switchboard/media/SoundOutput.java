package app.switchboard.media;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/** The machine's default audio output, through {@code javax.sound.sampled}. */
public final class SoundOutput implements PcmSink {

    /** What {@link PcmSink} carries: 8 kHz, 16-bit signed little-endian mono. */
    public static final AudioFormat FORMAT = new AudioFormat(8000f, 16, 1, true, false);
    /** The line's own buffer: 200 ms, so a write blocks well before latency builds up. */
    private static final int LINE_BUFFER_BYTES = 8000 * 2 / 5;

    private final SourceDataLine line;
    private byte[] bytes = new byte[0];

    private SoundOutput(SourceDataLine line) {
        this.line = line;
    }

    /**
     * Opens the default output line. Where there is none (no sound card, no mixer, a headless
     * server or CI) it says so instead of failing later.
     */
    public static PcmSink open() throws NoAudioDevice {
        try {
            if (AudioSystem.getMixerInfo().length == 0) {
                throw new NoAudioDevice("No audio output device: this machine has no sound mixer.", null);
            }
            SourceDataLine line = AudioSystem.getSourceDataLine(FORMAT);
            line.open(FORMAT, LINE_BUFFER_BYTES);
            line.start();
            return new SoundOutput(line);
        } catch (LineUnavailableException e) {
            throw new NoAudioDevice("No audio output device: the audio line is unavailable ("
                    + e.getMessage() + ").", e);
        } catch (IllegalArgumentException | SecurityException e) {
            throw new NoAudioDevice("No audio output device: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(short[] samples) {
        if (bytes.length != samples.length * 2) {
            bytes = new byte[samples.length * 2];
        }
        for (int i = 0; i < samples.length; i++) {
            bytes[2 * i] = (byte) samples[i];
            bytes[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        line.write(bytes, 0, bytes.length);
    }

    @Override
    public void close() {
        line.stop();
        line.close();
    }
}
