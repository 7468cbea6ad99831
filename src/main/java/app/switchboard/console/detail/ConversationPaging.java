package app.switchboard.console.detail;

import app.switchboard.call.CallEvent;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.console.shared.BackgroundWork;
import app.switchboard.history.CallHistory;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * "Earlier from the record": a live call keeps only its newest events in memory, so when the
 * supervisor scrolls back past them the console reads the page before from the call history (the
 * local store, or the relay's over the supervisor API) off the FX thread and puts it in front of
 * the conversation. FX thread only, except the read itself.
 */
public final class ConversationPaging implements AutoCloseable {

    /** Events per page: a few hundred lines of conversation. */
    static final int PAGE = 500;

    private final CallHistory history;
    private final ObjectProperty<LiveCall> call;
    private final BackgroundWork reads = new BackgroundWork("conversation-page");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading", false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final BooleanBinding available;

    ConversationPaging(CallHistory history, ObjectProperty<LiveCall> call) {
        this.history = history;
        this.call = call;
        this.available = Bindings.createBooleanBinding(() -> {
            LiveCall c = call.get();
            return history != null && c != null && c.earliestSeqProperty().get() > 1 && !loading.get();
        }, call, loading, Bindings.select(call, "earliestSeq"));
        call.addListener((obs, old, now) -> status.set(""));
    }

    /** Whether there is an older part of the selected call to read from the record now. */
    public BooleanBinding availableProperty() {
        return available;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** Why the last page could not be read; "" otherwise. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Reads the page before what the selected call shows; false when there is nothing to read. */
    public boolean loadEarlier() {
        LiveCall c = call.get();
        if (!available.get()) {
            return false;
        }
        long before = c.earliestSeqProperty().get();
        String callId = c.callId();
        loading.set(true);
        status.set("");
        reads.run(() -> history.eventsBefore(callId, before, PAGE), (List<CallEvent> page) -> {
            loading.set(false);
            // The supervisor may have moved on to another call while the page was read.
            if (call.get() == c && c.earliestSeqProperty().get() == before) {
                c.showEarlier(page);
            }
        }, failure -> {
            loading.set(false);
            status.set("Could not read the earlier part of the call: " + failure.getMessage());
        });
        return true;
    }

    @Override
    public void close() {
        reads.close();
    }
}
