package app.switchboard.console.detail;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallState;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.history.CallHistory;
import app.switchboard.media.CallAudio;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The selected call and what the supervisor can do with it. Commands go to {@link CallControl}
 * only; what they did comes back as SUPERVISOR_* events and shows in the conversation, so the
 * screen never claims an action the call did not record.
 */
public final class CallDetailViewModel {

    private final CallControl control;
    private final ConversationPaging paging;
    private final ObjectProperty<LiveCall> call = new SimpleObjectProperty<>(this, "call");
    private final ReadOnlyBooleanWrapper holds = new ReadOnlyBooleanWrapper(this, "holds", false);
    private final ReadOnlyBooleanWrapper ended = new ReadOnlyBooleanWrapper(this, "ended", true);
    private final ReadOnlyObjectWrapper<CallState> state = new ReadOnlyObjectWrapper<>(this, "state");
    /** The selected call's barge-in as the supervisor last set it (null: as its TwiML says). */
    private final ReadOnlyObjectWrapper<Boolean> interruptible = new ReadOnlyObjectWrapper<>(this, "interruptible");
    private final StringProperty sayText = new SimpleStringProperty(this, "sayText", "");
    private final StringProperty whisperText = new SimpleStringProperty(this, "whisperText", "");
    private final StringProperty endReason = new SimpleStringProperty(this, "endReason", "");
    private final BooleanProperty handToHuman = new SimpleBooleanProperty(this, "handToHuman", false);
    /** False when the relay has no handoff number: "hand to a human" would only hang up. */
    private final ReadOnlyBooleanWrapper handoffAvailable = new ReadOnlyBooleanWrapper(this, "handoffAvailable", false);
    private final StringProperty language = new SimpleStringProperty(this, "language");
    private final ObservableList<String> languages;
    private final BooleanBinding actionsDisabled;
    /** False while a remote relay is out of reach: commands would be refused, so the buttons are off. */
    private final BooleanProperty connected = new SimpleBooleanProperty(this, "connected", true);
    private final StringProperty boundDraft = new SimpleStringProperty(this, "draft", "");
    /** Who holds the selected call when this supervisor's take-over was refused ("" otherwise). */
    private final ReadOnlyStringWrapper heldByOther = new ReadOnlyStringWrapper(this, "heldByOther", "");
    /** What became of "Ask for it" (asked, or why it could not be asked); "" before asking. */
    private final ReadOnlyStringWrapper askStatus = new ReadOnlyStringWrapper(this, "askStatus", "");

    /** The Listen toggle (docs/live-audio.md). */
    private final ListenViewModel listen;

    public CallDetailViewModel(CallControl control) {
        this(control, null, CallAudio.NONE);
    }

    /**
     * With {@code history} (may be null) the supervisor can read a long call's older part back;
     * {@code audio} is what the Listen toggle plays.
     */
    public CallDetailViewModel(CallControl control, CallHistory history, CallAudio audio) {
        this(control, history, new ListenViewModel(audio));
    }

    CallDetailViewModel(CallControl control, CallHistory history, ListenViewModel listen) {
        this.control = control;
        this.listen = listen;
        this.paging = new ConversationPaging(history, call);
        this.languages = FXCollections.unmodifiableObservableList(FXCollections.observableArrayList(control.languages()));
        call.addListener((obs, old, now) -> follow(old, now));
        actionsDisabled = call.isNull().or(ended).or(connected.not());
        holds.addListener((obs, was, now) -> {
            if (now) {
                clearRefusal(); // the call came to this supervisor: nothing left to ask for
            }
        });
    }

    private void follow(LiveCall old, LiveCall now) {
        listen.follow(now == null ? null : now.callId());
        holds.unbind();
        ended.unbind();
        state.unbind();
        interruptible.unbind();
        if (old != null) {
            boundDraft.unbindBidirectional(old.draftProperty());
        }
        sayText.set("");
        whisperText.set("");
        endReason.set("");
        handToHuman.set(false);
        handoffAvailable.set(control.status().handoffConfigured());
        clearRefusal();
        if (now == null) {
            holds.set(false);
            ended.set(true);
            state.set(null);
            interruptible.set(null);
            boundDraft.set("");
            return;
        }
        interruptible.bind(now.interruptibleProperty());
        holds.bind(now.supervisorHoldsProperty());
        ended.bind(now.endedProperty());
        state.bind(now.stateProperty());
        boundDraft.bindBidirectional(now.draftProperty());
        String current = now.languageProperty().get();
        language.set(languages.contains(current) ? current
                : languages.stream().filter(l -> current != null && !current.isBlank() && l.startsWith(current))
                        .findFirst().orElse(languages.isEmpty() ? null : languages.get(0)));
    }

    // ---- state ----

    /** The selected call's older part, read back from the record on request. */
    public ConversationPaging paging() {
        return paging;
    }

    /** Stops the record's reader thread. */
    public void close() {
        paging.close();
    }

    public ObjectProperty<LiveCall> callProperty() {
        return call;
    }

    public LiveCall call() {
        return call.get();
    }

    public ReadOnlyBooleanProperty holdsProperty() {
        return holds.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty endedProperty() {
        return ended.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<CallState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /**
     * Whether the caller may interrupt the AI on the selected call, as the call recorded the
     * supervisor's last choice; null before any (the TwiML's setting applies, shown as neither).
     */
    public ReadOnlyObjectProperty<Boolean> interruptibleProperty() {
        return interruptible.getReadOnlyProperty();
    }

    /** Whether commands can reach the relay now (always in process); the main window keeps it current. */
    public BooleanProperty connectedProperty() {
        return connected;
    }

    /** No call selected, the call is over, or the relay is out of reach: every action is off. */
    public BooleanBinding actionsDisabledProperty() {
        return actionsDisabled;
    }

    public StringProperty sayTextProperty() {
        return sayText;
    }

    public StringProperty whisperTextProperty() {
        return whisperText;
    }

    public StringProperty endReasonProperty() {
        return endReason;
    }

    public ReadOnlyBooleanProperty handoffAvailableProperty() {
        return handoffAvailable.getReadOnlyProperty();
    }

    public BooleanProperty handToHumanProperty() {
        return handToHuman;
    }

    public StringProperty languageProperty() {
        return language;
    }

    public ObservableList<String> languages() {
        return languages;
    }

    /** The AI's draft reply, editable, while the supervisor holds the selected call. */
    public StringProperty draftProperty() {
        return boundDraft;
    }

    // ---- commands ----

    /** Speaks the typed sentence in the AI's voice now. */
    public boolean say() {
        String text = sayText.get();
        LiveCall c = live();
        if (c == null || text == null || text.isBlank()) {
            return false;
        }
        control.say(c.callId(), text.strip());
        sayText.set("");
        return true;
    }

    public boolean interrupt() {
        LiveCall c = live();
        if (c == null) {
            return false;
        }
        control.interrupt(c.callId());
        return true;
    }

    /**
     * Takes the call over, or hands it back when the supervisor holds it; false when another
     * supervisor holds it (the call list names them), which changes nothing.
     */
    public boolean toggleTakeOver() {
        LiveCall c = live();
        if (c == null) {
            return false;
        }
        String otherHolder = c.supervisorHolds() ? control.releaseIfHolder(c.callId())
                : control.takeOverUnlessHeld(c.callId());
        if (otherHolder != null) {
            takeOverRefused(c.callId(), otherHolder);
        }
        return otherHolder == null;
    }

    /**
     * The relay refused this supervisor's take-over of {@code callId}: another supervisor holds
     * it. Shown (with "Ask for it") while that call is selected.
     */
    public void takeOverRefused(String callId, String holder) {
        LiveCall c = call.get();
        if (c != null && c.callId().equals(callId) && holder != null && !holder.isBlank()) {
            heldByOther.set(holder);
            askStatus.set("");
        }
    }

    /** Asks the supervisor holding the selected call for it; false when there is nobody to ask. */
    public boolean askForIt() {
        LiveCall c = live();
        String holder = heldByOther.get();
        if (c == null || holder.isEmpty()) {
            return false;
        }
        String why = control.requestHold(c.callId());
        askStatus.set(why == null ? "Asked " + holder + " for the call; take over once they release it." : why);
        return why == null;
    }

    private void clearRefusal() {
        heldByOther.set("");
        askStatus.set("");
    }

    public ReadOnlyStringProperty heldByOtherProperty() {
        return heldByOther.getReadOnlyProperty();
    }

    /** Asking the holder needs the relay's supervisor API: only a remote console can. */
    public boolean canAsk() {
        return control.connection().isRemote();
    }

    public ReadOnlyStringProperty askStatusProperty() {
        return askStatus.getReadOnlyProperty();
    }

    /** Speaks the (possibly edited) draft. */
    public boolean sendDraft() {
        LiveCall c = live();
        String text = boundDraft.get();
        if (c == null || text == null || text.isBlank()) {
            return false;
        }
        control.say(c.callId(), text.strip());
        c.clearDraft();
        return true;
    }

    public boolean whisper() {
        LiveCall c = live();
        String text = whisperText.get();
        if (c == null || text == null || text.isBlank()) {
            return false;
        }
        control.whisper(c.callId(), text.strip());
        whisperText.set("");
        return true;
    }

    /** Switches both speech and transcription to the chosen language. */
    public boolean switchLanguage() {
        LiveCall c = live();
        String code = language.get();
        if (c == null || code == null || code.isBlank()) {
            return false;
        }
        control.switchLanguage(c.callId(), code, code);
        return true;
    }

    /**
     * Barge-in on or off for the rest of the call. {@link #interruptibleProperty()} follows once
     * the call has recorded it, so the menu never shows a choice the call did not take.
     */
    public boolean setInterruptible(boolean on) {
        LiveCall c = live();
        if (c == null) {
            return false;
        }
        control.setInterruptible(c.callId(), on);
        return true;
    }

    /**
     * Why the voice item is off: Twilio names a mid-call {@code config} message that can change a
     * language's voice, but its fields could not be read, and the relay sends nothing guessed.
     */
    public static final String VOICE_UNAVAILABLE =
            "Change voice: not available (Twilio's config message fields are not documented; see docs/live-settings.md)";

    public boolean end() {
        LiveCall c = live();
        if (c == null) {
            return false;
        }
        String reason = endReason.get() == null || endReason.get().isBlank() ? null : endReason.get().strip();
        control.end(c.callId(), reason, handToHuman.get() && handoffAvailable.get());
        return true;
    }

    private LiveCall live() {
        LiveCall c = call.get();
        return c == null || c.isEnded() ? null : c;
    }

    public ListenViewModel listen() {
        return listen;
    }
}
