package app.switchboard.supervisor;

import app.switchboard.media.CallAudio;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Where the supervisor API's live audio comes from: the relay's {@link CallAudio} (its
 * {@code LiveAudio}), whether it is on now (the {@code listenToCalls} setting, read at each
 * {@code listen}), which calls this node owns (a call's stream reaches only the node Twilio
 * connected it to), and how many frames may wait per console.
 */
public record RelayAudio(CallAudio source, BooleanSupplier enabled, Predicate<String> ownedHere, int queueFrames) {

    /** One second of both tracks (Twilio sends a 20 ms frame per track): past it, the oldest go. */
    public static final int DEFAULT_QUEUE_FRAMES = 100;

    /** No live audio: every {@code listen} is refused. */
    public static final RelayAudio NONE = new RelayAudio(CallAudio.NONE, () -> false, id -> false, DEFAULT_QUEUE_FRAMES);

    public RelayAudio {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(enabled, "enabled");
        Objects.requireNonNull(ownedHere, "ownedHere");
        if (queueFrames < 1) {
            throw new IllegalArgumentException("queueFrames >= 1");
        }
    }

    public static RelayAudio of(CallAudio source, BooleanSupplier enabled, Predicate<String> ownedHere) {
        return new RelayAudio(source, enabled, ownedHere, DEFAULT_QUEUE_FRAMES);
    }

    public RelayAudio withQueueFrames(int frames) {
        return new RelayAudio(source, enabled, ownedHere, frames);
    }

    boolean on() {
        return source.available() && enabled.getAsBoolean();
    }
}
