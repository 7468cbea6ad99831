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
