package app.switchboard.console.calls;

import app.switchboard.call.CallControl;
import app.switchboard.call.OutboundAttempt;
import app.switchboard.call.SupervisorPresence;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.collections.ObservableList;

/**
 * The list of calls (flagged first) and which one the supervisor selected; below it, the recent
 * outbound calls with Twilio's latest status (ringing, busy, no-answer, …).
 */
public final class CallListViewModel implements AutoCloseable {

    private final CallBoard board;
    private final CallControl calls;
    private final ObjectProperty<LiveCall> selected = new SimpleObjectProperty<>(this, "selected");
    private final StringBinding summary;
    private final ObservableList<OutboundAttempt> outbound = FXCollections.observableArrayList();
    /** Status callbacks are rare, but arrive on Jetty threads: one refresh pending at a time. */
    private final AtomicBoolean outboundRefreshPending = new AtomicBoolean();
    private final AutoCloseable outboundSubscription;
    private final AutoCloseable presenceSubscription;
    /** Presence changes arrive on relay threads: the newest waits here for one FX refresh. */
    private final java.util.concurrent.atomic.AtomicReference<SupervisorPresence> presenceWaiting =
            new java.util.concurrent.atomic.AtomicReference<>();
    private SupervisorPresence presence = SupervisorPresence.NOBODY;
    private final javafx.beans.property.ReadOnlyBooleanWrapper supervisorsShown =
            new javafx.beans.property.ReadOnlyBooleanWrapper(this, "supervisorsShown");

    public CallListViewModel(CallBoard board, CallControl calls) {
        this.board = board;
        this.calls = calls;
        outbound.setAll(calls.outboundAttempts());
        this.outboundSubscription = calls.subscribeOutbound(attempt -> {
            if (outboundRefreshPending.compareAndSet(false, true)) {
                Platform.runLater(this::refreshOutbound);
            }
        });
        this.presence = calls.presence();
        supervisorsShown.set(hasSupervisors(presence));
        board.sortedCalls().forEach(c -> c.presence(presence));
        // A call that appears later is told the presence as it is.
        board.sortedCalls().addListener((javafx.collections.ListChangeListener<LiveCall>) change -> {
            while (change.next()) {
                change.getAddedSubList().forEach(c -> c.presence(presence));
            }
        });
        this.presenceSubscription = calls.subscribePresence(p -> {
            if (presenceWaiting.getAndSet(p) == null) {
                Platform.runLater(this::refreshPresence);
            }
        });
        this.summary = Bindings.createStringBinding(() -> {
            int live = board.liveCountProperty().get();
            int total = board.sortedCalls().size();
            return live + " live" + (total > live ? " \u00b7 " + (total - live) + " ended" : "");
        }, board.liveCountProperty(), board.sortedCalls());
    }

    public ObservableList<LiveCall> calls() {
        return board.sortedCalls();
    }

    public ObjectProperty<LiveCall> selectedProperty() {
        return selected;
    }

    void refreshPresence() {
        SupervisorPresence now = presenceWaiting.getAndSet(null);
        if (now != null) {
            presence = now;
            supervisorsShown.set(hasSupervisors(now));
            board.sortedCalls().forEach(c -> c.presence(now));
        }
    }

    /**
     * True once a supervisor is signed in over the API or holds a call: until then the
     * Supervisors column would be an empty column taking the caller's width.
     */
    public ReadOnlyBooleanProperty supervisorsShownProperty() {
        return supervisorsShown.getReadOnlyProperty();
    }

    static boolean hasSupervisors(SupervisorPresence presence) {
        return !presence.supervisors().isEmpty() || !presence.holders().isEmpty();
    }

    void refreshOutbound() {
        outboundRefreshPending.set(false);
        outbound.setAll(calls.outboundAttempts());
    }

    /** Newest first; empty until the supervisor places a call. */
    public ObservableList<OutboundAttempt> outbound() {
        return outbound;
    }

    @Override
    public void close() {
        try {
            outboundSubscription.close();
            presenceSubscription.close();
        } catch (Exception ignored) {
            // Only a listener removal.
        }
    }

    /** "3 live · 1 ended" */
    public StringBinding summaryProperty() {
        return summary;
    }
}
