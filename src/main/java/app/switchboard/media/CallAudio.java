package app.switchboard.media;

import java.util.function.Consumer;

/**
 * What a console may do with live calls' audio: listen to one call. Embedded, the relay's
 * {@link LiveAudio}; a console without it (a remote one, for now) has {@link #NONE}.
 */
public interface CallAudio {

    /**
     * Hands each frame of {@code callId}'s audio to {@code listener}, on the thread that received
     * it (never the FX thread: the listener must only queue it), until the returned handle is closed.
     */
    AutoCloseable listen(String callId, Consumer<AudioFrame> listener);

    /**
     * The same, and {@code stopped} is told why when the audio stops without the handle being
     * closed (a remote relay refused, or the call ended); embedded, the audio just stops coming.
     */
    default AutoCloseable listen(String callId, Consumer<AudioFrame> listener, Consumer<String> stopped) {
        return listen(callId, listener);
    }

    /**
     * Tells {@code changed} (on any thread) each time {@link #available()} may have changed (a
     * remote console connected or lost its relay), until the handle is closed.
     */
    default AutoCloseable subscribeAvailability(Runnable changed) {
        return () -> { };
    }

    /** False when this console cannot hear calls at all; {@link #why()} says why. */
    default boolean available() {
        return true;
    }

    default String why() {
        return "";
    }

    /** No live audio here. */
    CallAudio NONE = new CallAudio() {
        @Override
        public AutoCloseable listen(String callId, Consumer<AudioFrame> listener) {
            return () -> { };
        }

        @Override
        public boolean available() {
            return false;
        }

        @Override
        public String why() {
            return "Live audio reaches only the console embedded in the relay.";
        }
    };
}
