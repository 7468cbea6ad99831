package app.switchboard.media;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The playback thread writing to a sink in memory, as it would to a sound line. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AudioPlaybackTest {

    /** Records what was written and on which thread. */
    static final class MemorySink implements PcmSink {
        final List<short[]> written = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile RuntimeException failWith;

        @Override
        public void write(short[] samples) {
            if (failWith != null) {
                throw failWith;
            }
            written.add(samples.clone());
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void close() {
            closed = true;
        }

        boolean heard(short value) {
            return written.stream().anyMatch(s -> s.length > 0 && s[0] == value);
        }
    }

    @Test
    void framesArePlayedMixedInTwentyMillisecondPiecesOnThePlaybackThread() {
        MemorySink sink = new MemorySink();
        try (AudioPlayback playback = new AudioPlayback("CA1", sink, new JitterBuffer(40, 500), Mix.BOTH, 1, m -> { })) {
            playback.offer(JitterBufferTest.frame(Track.INBOUND, 0, 0x70));
            playback.offer(JitterBufferTest.frame(Track.OUTBOUND, 0, 0x70));
            playback.offer(JitterBufferTest.frame(Track.INBOUND, 20, 0x70));
            short both = (short) (2 * MuLaw.decode((byte) 0x70));
            await().atMost(10, TimeUnit.SECONDS).until(() -> sink.heard(both));
            assertTrue(sink.written.stream().allMatch(s -> s.length == 160));
            assertTrue(sink.threads.stream().allMatch(t -> t.equals("audio-playback-CA1")));
        }
        assertTrue(sink.closed);
    }

    @Test
    void theMixAndVolumeChosenWhilePlayingApplyToWhatFollows() {
        MemorySink sink = new MemorySink();
        try (AudioPlayback playback = new AudioPlayback("CA2", sink, new JitterBuffer(20, 500), Mix.BOTH, 1, m -> { })) {
            playback.mix(Mix.AGENT);
            playback.volume(0.5);
            playback.offer(JitterBufferTest.frame(Track.INBOUND, 0, 0x70));
            playback.offer(JitterBufferTest.frame(Track.OUTBOUND, 0, 0x10));
            short agentHalf = (short) Math.round(MuLaw.decode((byte) 0x10) * 0.5);
            await().atMost(10, TimeUnit.SECONDS).until(() -> sink.heard(agentHalf));
            assertFalse(sink.heard(MuLaw.decode((byte) 0x70)));
        }
    }

    @Test
    void aFailingSinkStopsPlaybackAndSaysWhy() {
        MemorySink sink = new MemorySink();
        sink.failWith = new IllegalStateException("line closed");
        AtomicReference<String> why = new AtomicReference<>();
        try (AudioPlayback playback = new AudioPlayback("CA3", sink, new JitterBuffer(20, 500), Mix.BOTH, 1, why::set)) {
            playback.offer(JitterBufferTest.frame(Track.INBOUND, 0, 0x70));
            await().atMost(10, TimeUnit.SECONDS).until(() -> why.get() != null);
            assertEquals("Playback stopped: line closed", why.get());
        }
    }

    @Test
    void withoutAnAudioDeviceOpeningSaysSoClearly() {
        try {
            PcmSink sink = SoundOutput.open();
            sink.close(); // a machine with sound: nothing to say
        } catch (NoAudioDevice e) {
            assertTrue(e.getMessage().startsWith("No audio output device"), e.getMessage());
        }
    }
}
