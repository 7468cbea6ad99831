package app.switchboard.console.floor;

import app.switchboard.call.AlertRule;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.console.calls.CallBoard;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.console.calls.TranscriptReducer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The unacknowledged alerts of every call the console knows, newest first, for the alert banner.
 * Fed on the FX thread with each pulse's batch of events ({@link CallBoard#onBatch}), so a burst
 * of alerts costs one update per frame. An alert leaves the list when its
 * {@code ALERT_ACKNOWLEDGED} arrives (from this console or another), or at once when this
 * supervisor acknowledges it. New alerts (not the old ones a console finds when it opens) are
 * handed to the {@link #announcer} (sound, desktop notification), which does its work off the FX thread.
 */
public final class AlertsViewModel {

    /** How many open alerts are kept; older ones leave the banner (they stay in each call's events). */
    static final int MAX_OPEN = 100;
    /** Alerts older than this when they reach the console (a console that just opened) are listed but not announced. */
    static final Duration ANNOUNCE_WITHIN = Duration.ofMinutes(1);

    /** One alert waiting for a supervisor. */
    public record OpenAlert(String callId, long seq, Instant time, String ruleId, String ruleKind,
                            AlertRule.Severity severity, String reason, String caller) {

        /** "⚠ warning" — the symbol and the word, so severity never rests on colour. */
        public String severityText() {
            return severity.icon() + " " + severity.key();
        }

        /** "+15550100001: caller said “manager”". */
        public String text() {
            return (caller == null || caller.isBlank() ? "call " + callId : caller) + ": " + reason;
        }

        boolean is(String otherCallId, long otherSeq) {
            return callId.equals(otherCallId) && seq == otherSeq;
        }
    }

    private final CallControl control;
    private final CallBoard board;
    private final Supplier<Instant> clock;
    private final ObservableList<OpenAlert> open = FXCollections.observableArrayList();
    private final ObservableList<OpenAlert> openView = FXCollections.unmodifiableObservableList(open);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    /** Acknowledged here or seen acknowledged: an alert replayed by history must not come back. */
    private final Set<String> acknowledged = new HashSet<>();
    private final StringBinding summary;
    private Consumer<List<OpenAlert>> announcer = alerts -> { };
    private Consumer<LiveCall> opener = call -> { };

    public AlertsViewModel(CallControl control, CallBoard board) {
        this(control, board, Instant::now);
    }

    AlertsViewModel(CallControl control, CallBoard board, Supplier<Instant> clock) {
        this.control = control;
        this.board = board;
        this.clock = clock;
        this.summary = Bindings.createStringBinding(() -> open.isEmpty() ? ""
                : open.size() == 1 ? "1 open alert" : open.size() + " open alerts", open);
    }

    /** Who is told about new alerts (sound, desktop); called on the FX thread, must return at once. */
    public void announcer(Consumer<List<OpenAlert>> announcer) {
        this.announcer = announcer == null ? alerts -> { } : announcer;
    }

    /** What "Open call" does with the call (selects it in the list). */
    public void opener(Consumer<LiveCall> opener) {
        this.opener = opener == null ? call -> { } : opener;
    }

    /** One pulse's events (FX thread). */
    public void apply(List<CallEvent> batch) {
        List<OpenAlert> fresh = new ArrayList<>();
        Instant announceAfter = clock.get().minus(ANNOUNCE_WITHIN);
        for (CallEvent event : batch) {
            if (event.payload() instanceof EventPayload.Alert a) {
                if (acknowledged.contains(key(event.callId(), event.seq()))
                        || open.stream().anyMatch(o -> o.is(event.callId(), event.seq()))) {
                    continue;
                }
                OpenAlert alert = new OpenAlert(event.callId(), event.seq(), event.time(), a.ruleId(), a.ruleKind(),
                        TranscriptReducer.alertSeverity(a.severity()), a.reason() == null ? "" : a.reason(), caller(event.callId()));
                open.add(0, alert);
                if (!event.time().isBefore(announceAfter)) {
                    fresh.add(alert);
                }
            } else if (event.payload() instanceof EventPayload.AlertAcknowledged ack) {
                acknowledged.add(key(event.callId(), ack.alertSeq()));
                open.removeIf(o -> o.is(event.callId(), ack.alertSeq()));
                fresh.removeIf(o -> o.is(event.callId(), ack.alertSeq()));
            }
        }
        if (open.size() > MAX_OPEN) {
            open.remove(MAX_OPEN, open.size());
        }
        if (!fresh.isEmpty()) {
            announcer.accept(List.copyOf(fresh));
        }
    }

    /** Records the acknowledgement with the call (and so in the audit trail) and takes the alert off the banner. */
    public void acknowledge(OpenAlert alert) {
        boolean sent = control.acknowledgeAlert(alert.callId(), alert.seq());
        acknowledged.add(key(alert.callId(), alert.seq()));
        open.remove(alert);
        message.set(sent ? "" : "The acknowledgement of the alert on call " + alert.callId() + " could not be recorded"
                + " (the call is no longer held here, or this connection cannot record it): it was only dismissed here.");
    }

    /** Shows the alert's call in the main window. */
    public void openCall(OpenAlert alert) {
        LiveCall call = board.find(alert.callId());
        if (call == null) {
            message.set("Call " + alert.callId() + " is no longer in the list.");
            return;
        }
        opener.accept(call);
    }

    public ObservableList<OpenAlert> open() {
        return openView;
    }

    /** "2 open alerts", or empty. */
    public StringBinding summaryProperty() {
        return summary;
    }

    /** What went wrong with the last action, or empty. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    private String caller(String callId) {
        LiveCall call = board.find(callId);
        return call == null ? null : call.callerProperty().get();
    }

    private static String key(String callId, long seq) {
        return callId + "#" + seq;
    }
}
