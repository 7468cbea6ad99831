package app.switchboard.media;

/** This machine has no audio output to play to (no mixer, or the line is unavailable). */
public final class NoAudioDevice extends Exception {

    public NoAudioDevice(String message, Throwable cause) {
        super(message, cause);
    }
}
