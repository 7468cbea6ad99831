package app.switchboard.console.detail;

import app.switchboard.media.AudioPlayback;
import app.switchboard.media.CallAudio;
import app.switchboard.media.JitterBuffer;
import app.switchboard.media.Mix;
import app.switchboard.media.NoAudioDevice;
import app.switchboard.media.PcmSink;
import app.switchboard.media.SoundOutput;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call detail's Listen toggle (docs/live-audio.md): plays the selected call's audio (the
 * caller, the agent, or both) on a playback thread of its own. Where there is no audio device,
 * or this console gets no audio, the toggle turns itself off and {@link #messageProperty()}
 * says why. A different call selected stops listening. Embedded, the audio is the relay's; in a
 * remote console it comes over the supervisor API: the toggle is unavailable while disconnected
 * or when the relay serves no audio; listening that was on stays on through a drop (the relay is
 * asked again after the reconnect), and a refusal or the call's end turns it off with the reason.
 * Lives on the FX thread.
 */
public final class ListenViewModel {

    private static final Logger LOG = LoggerFactory.getLogger(ListenViewModel.class);
    /** 60 ms before playing (three Twilio frames), at most 400 ms behind. */
    static final int JITTER_TARGET_MS = 60;
    static final int JITTER_MAX_MS = 400;

    /** Opens the audio output; {@link SoundOutput#open()} in the product. */
    @FunctionalInterface
    public interface Outputs {
        PcmSink open() throws NoAudioDevice;
    }

    private final CallAudio audio;
    private final Outputs outputs;
    private final Executor fx;
    private final BooleanProperty listening = new SimpleBooleanProperty(this, "listening", false);
    private final ObjectProperty<Mix> mix = new SimpleObjectProperty<>(this, "mix", Mix.BOTH);
    private final DoubleProperty volume = new SimpleDoubleProperty(this, "volume", 0.8);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyBooleanWrapper available = new ReadOnlyBooleanWrapper(this, "available");
    private String callId;
    private AudioPlayback playback;
    private AutoCloseable subscription;
    private final AutoCloseable availability;

    public ListenViewModel(CallAudio audio) {
        this(audio, SoundOutput::open, Platform::runLater);
    }

    /** @param fx where the playback thread's news is handed to (the FX thread in the product) */
    public ListenViewModel(CallAudio audio, Outputs outputs, Executor fx) {
        this.audio = audio;
        this.outputs = outputs;
        this.fx = fx;
        available.set(audio.available());
        // A remote console's audio comes and goes with its connection.
        availability = audio.subscribeAvailability(() -> fx.execute(this::availabilityChanged));
        listening.addListener((obs, was, now) -> {
            if (now) {
                start();
            } else {
                stop();
            }
        });
        mix.addListener((obs, old, now) -> {
            if (playback != null && now != null) {
                playback.mix(now);
            }
        });
        volume.addListener((obs, old, now) -> {
            if (playback != null) {
                playback.volume(now.doubleValue());
            }
        });
    }

    /** The selected call changed (null: none); listening stops, to be started again for this one. */
    public void follow(String newCallId) {
        if (newCallId != null && newCallId.equals(callId)) {
            return;
        }
        listening.set(false);
        callId = newCallId;
    }

    private void start() {
        if (!audio.available()) {
            refuse(audio.why());
            return;
        }
        if (callId == null) {
            refuse("Select a call to listen to.");
            return;
        }
        PcmSink sink;
        try {
            sink = outputs.open();
        } catch (NoAudioDevice e) {
            refuse(e.getMessage());
            return;
        }
        String listened = callId;
        playback = new AudioPlayback(listened, sink, new JitterBuffer(JITTER_TARGET_MS, JITTER_MAX_MS), mix.get(),
                volume.get(), why -> fx.execute(() -> {
                    if (listened.equals(callId) && listening.get()) {
                        listening.set(false);
                        message.set(why);
                    }
                }));
        subscription = audio.listen(listened, playback::offer, why -> fx.execute(() -> {
            if (listened.equals(callId) && listening.get()) {
                refuse(why);
            }
        }));
        message.set("Listening to " + describe(mix.get()) + ". Nothing is recorded.");
    }

    private static String describe(Mix m) {
        return switch (m) {
            case CALLER -> "the caller";
            case AGENT -> "the agent";
            case BOTH -> "the caller and the agent";
        };
    }

    private void availabilityChanged() {
        boolean now = audio.available();
        available.set(now);
        if (listening.get()) {
            // Kept on: the audio source asks for the call again once it is back.
            message.set(now ? "Listening to " + describe(mix.get()) + ". Nothing is recorded."
                    : audio.why() + " Listening resumes after the reconnect.");
        }
    }

    /** Turns the toggle back off and says why; the off-listener then has nothing to stop. */
    private void refuse(String why) {
        listening.set(false);
        message.set(why);
    }

    private void stop() {
        AutoCloseable s = subscription;
        subscription = null;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("Closing an audio subscription failed", e);
            }
        }
        AudioPlayback p = playback;
        playback = null;
        if (p != null) {
            p.close();
            message.set("");
        }
    }

    /** Stops listening for good (the window closes). */
    public void close() {
        listening.set(false);
        stop();
        try {
            availability.close();
        } catch (Exception e) {
            LOG.debug("Closing the audio availability subscription failed", e);
        }
    }

    public BooleanProperty listeningProperty() {
        return listening;
    }

    public ObjectProperty<Mix> mixProperty() {
        return mix;
    }

    public DoubleProperty volumeProperty() {
        return volume;
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** Why this console cannot hear calls; "" when it can. */
    public String whyUnavailable() {
        return audio.available() ? "" : audio.why();
    }

    /** False when this console cannot hear calls at all (the toggle is then off for good). */
    public ReadOnlyBooleanProperty availableProperty() {
        return available.getReadOnlyProperty();
    }
}
