package app.switchboard.console.detail;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.media.AudioFrame;
import app.switchboard.media.CallAudio;
import app.switchboard.media.LiveAudio;
import app.switchboard.media.Mix;
import app.switchboard.media.MuLaw;
import app.switchboard.media.NoAudioDevice;
import app.switchboard.media.PcmSink;
import app.switchboard.media.SoundOutput;
import app.switchboard.media.Track;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Listen toggle's view model, with the relay's {@link LiveAudio} and a sink in memory. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListenViewModelTest {

    private final LiveAudio audio = new LiveAudio();

    private static final class MemorySink implements PcmSink {
        final List<short[]> written = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public void write(short[] samples) {
            written.add(samples.clone());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static AudioFrame frame(String callId, Track track, long ms, int mulaw) {
        byte[] b = new byte[160];
        Arrays.fill(b, (byte) mulaw);
        return new AudioFrame(callId, track, ms, b);
    }

    @Test
    void withoutAnAudioDeviceTheToggleTurnsItselfOffAndSaysWhy() {
        ListenViewModel listen = new ListenViewModel(audio,
                () -> { throw new NoAudioDevice("No audio output device: this machine has no sound mixer.", null); },
                Runnable::run);
        listen.follow("CA1");
        listen.listeningProperty().set(true);
        assertFalse(listen.listeningProperty().get());
        assertEquals("No audio output device: this machine has no sound mixer.", listen.messageProperty().get());
        assertEquals(0, audio.listenedCalls(), "nothing subscribed");
    }

    @Test
    void theRealOutputOnThisMachineEitherPlaysOrSaysThereIsNoDevice() {
        // This machine and CI have no sound device: the first branch is the one that runs here.
        ListenViewModel listen = new ListenViewModel(audio, SoundOutput::open, Runnable::run);
        listen.follow("CA1");
        listen.listeningProperty().set(true);
        String message = listen.messageProperty().get();
        if (listen.listeningProperty().get()) {
            assertTrue(message.startsWith("Listening to"), message);
            listen.close();
        } else {
            assertTrue(message.startsWith("No audio output device"), message);
        }
    }

    @Test
    void listeningPlaysTheSelectedCallOnlyAndStopsWhenAnotherIsSelected() {
        MemorySink sink = new MemorySink();
        ListenViewModel listen = new ListenViewModel(audio, () -> sink, Runnable::run);
        audio.open("CA1", "MZ1");
        audio.open("CA2", "MZ2");
        listen.follow("CA1");
        listen.mixProperty().set(Mix.CALLER);
        listen.volumeProperty().set(1);
        listen.listeningProperty().set(true);
        assertTrue(listen.listeningProperty().get());
        assertEquals("Listening to the caller. Nothing is recorded.", listen.messageProperty().get());

        for (int i = 0; i < 5; i++) {
            audio.frame("MZ1", frame("CA1", Track.INBOUND, i * 20L, 0x30));
            audio.frame("MZ2", frame("CA2", Track.INBOUND, i * 20L, 0x50));
        }
        short caller = MuLaw.decode((byte) 0x30);
        await().atMost(10, TimeUnit.SECONDS).until(() -> sink.written.stream().anyMatch(s -> s[0] == caller));
        assertTrue(sink.written.stream().noneMatch(s -> s[0] == MuLaw.decode((byte) 0x50)), "not the other call");

        listen.follow("CA2");
        assertFalse(listen.listeningProperty().get());
        assertTrue(sink.closed);
        assertEquals(0, audio.listenedCalls());
    }

    @Test
    void aConsoleWithoutLiveAudioCannotListenAndSaysWhy() {
        ListenViewModel listen = new ListenViewModel(CallAudio.NONE, () -> { throw new AssertionError("never opened"); },
                Runnable::run);
        assertFalse(listen.availableProperty().get());
        listen.follow("CA1");
        listen.listeningProperty().set(true);
        assertFalse(listen.listeningProperty().get());
        assertEquals(CallAudio.NONE.why(), listen.messageProperty().get());
    }

    @Test
    void withNoCallSelectedThereIsNothingToListenTo() {
        ListenViewModel listen = new ListenViewModel(audio, MemorySink::new, Runnable::run);
        listen.listeningProperty().set(true);
        assertFalse(listen.listeningProperty().get());
        assertEquals("Select a call to listen to.", listen.messageProperty().get());
    }
}
