package app.switchboard.console.detail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.media.AudioFrame;
import app.switchboard.media.CallAudio;
import app.switchboard.media.PcmSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Listen toggle over audio that comes and goes, as a remote console's does (the real one,
 * {@code supervisor.RemoteAudio}, is tested against a relay in {@code RemoteListenTest}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListenAvailabilityTest {

    /** Audio whose availability the test switches, and which can stop a listening with a reason. */
    private static final class SwitchableAudio implements CallAudio {
        final List<Runnable> watchers = new CopyOnWriteArrayList<>();
        final List<String> listened = new CopyOnWriteArrayList<>();
        volatile boolean up;
        volatile Consumer<String> stopper;
        volatile int open;

        @Override
        public AutoCloseable listen(String callId, Consumer<AudioFrame> listener) {
            return listen(callId, listener, why -> { });
        }

        @Override
        public AutoCloseable listen(String callId, Consumer<AudioFrame> listener, Consumer<String> stopped) {
            listened.add(callId);
            stopper = stopped;
            open++;
            return () -> open--;
        }

        @Override
        public boolean available() {
            return up;
        }

        @Override
        public String why() {
            return up ? "" : "Not connected to relay r:1: no live audio.";
        }

        @Override
        public AutoCloseable subscribeAvailability(Runnable changed) {
            watchers.add(changed);
            return () -> watchers.remove(changed);
        }

        void set(boolean now) {
            up = now;
            watchers.forEach(Runnable::run);
        }
    }

    private static PcmSink sink() {
        return new PcmSink() {
            @Override
            public void write(short[] samples) {
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void theToggleBecomesAvailableWithTheConnectionAndKeepsListeningThroughADrop() {
        SwitchableAudio audio = new SwitchableAudio();
        ListenViewModel listen = new ListenViewModel(audio, ListenAvailabilityTest::sink, Runnable::run);
        assertFalse(listen.availableProperty().get());

        audio.set(true);
        assertTrue(listen.availableProperty().get());
        listen.follow("CA1");
        listen.listeningProperty().set(true);
        assertEquals(List.of("CA1"), audio.listened);

        audio.set(false);
        assertFalse(listen.availableProperty().get());
        assertTrue(listen.listeningProperty().get(), "kept on: the source asks again after the reconnect");
        assertEquals("Not connected to relay r:1: no live audio. Listening resumes after the reconnect.",
                listen.messageProperty().get());
        audio.set(true);
        assertTrue(listen.messageProperty().get().startsWith("Listening to"));
        assertEquals(1, audio.open);

        listen.close();
        assertEquals(0, audio.open);
        assertTrue(audio.watchers.isEmpty(), "closing the view model lets go of the availability");
    }

    @Test
    void aRefusalOrTheCallsEndTurnsTheToggleOffWithTheReason() {
        SwitchableAudio audio = new SwitchableAudio();
        audio.set(true);
        ListenViewModel listen = new ListenViewModel(audio, ListenAvailabilityTest::sink, Runnable::run);
        listen.follow("CA1");
        listen.listeningProperty().set(true);

        audio.stopper.accept("Not listening: the call ended.");

        assertFalse(listen.listeningProperty().get());
        assertEquals("Not listening: the call ended.", listen.messageProperty().get());
        assertEquals(0, audio.open);
        listen.close();
    }
}
