package app.switchboard.media;

/**
 * Where played audio goes: 16-bit signed mono PCM at 8 kHz. {@link SoundOutput} writes to a
 * {@code javax.sound.sampled} line; tests write to memory. {@link #write} may block, as a
 * line does when its buffer is full.
 */
public interface PcmSink extends AutoCloseable {

    void write(short[] samples);

    @Override
    void close();
}
