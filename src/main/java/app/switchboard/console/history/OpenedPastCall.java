package app.switchboard.console.history;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallHistory;
import app.switchboard.history.CallRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The one past call History has open: its record, its conversation rebuilt as a {@link LiveCall}
 * from the stored events, its audit trail and its recording. Loads on History's read thread; a
 * later open wins over an earlier one still loading. Used from the FX thread.
 */
final class OpenedPastCall {

    private final CallHistory history;
    private final Executor reads;
    private final Consumer<String> status;
    private final ReadOnlyObjectWrapper<CallRecord> openedRecord = new ReadOnlyObjectWrapper<>(this, "openedRecord");
    private final ReadOnlyObjectWrapper<LiveCall> opened = new ReadOnlyObjectWrapper<>(this, "opened");
    private final ReadOnlyObjectWrapper<EventPayload.Recording> recording = new ReadOnlyObjectWrapper<>(this, "recording");
    private final ObservableList<AuditEntry> audit = FXCollections.observableArrayList();
    private final ObservableList<AuditEntry> auditView = FXCollections.unmodifiableObservableList(audit);
    /** Opens a web page in the desktop's browser ({@code Browser} in the console). */
    private Consumer<String> browser = url -> { };
    /** Bumped per open request: an older answer arriving late is dropped. */
    private int openRequest;

    OpenedPastCall(CallHistory history, Executor reads, Consumer<String> status) {
        this.history = history;
        this.reads = reads;
        this.status = status;
    }

    void browser(Consumer<String> opener) {
        this.browser = Objects.requireNonNull(opener, "opener");
    }

    /**
     * Loads a call's events and audit trail off the FX thread and rebuilds its conversation with
     * the live model, so it reads exactly as it did while live.
     */
    Task<LiveCall> open(CallRecord record) {
        int id = ++openRequest;
        if (record == null) {
            openedRecord.set(null);
            opened.set(null);
            recording.set(null);
            audit.clear();
            return null;
        }
        List<AuditEntry> trail = new ArrayList<>();
        EventPayload.Recording[] recorded = new EventPayload.Recording[1];
        Task<LiveCall> task = new Task<>() {
            @Override
            protected LiveCall call() {
                List<CallEvent> events = history.events(record.callId());
                trail.addAll(history.auditTrail(record.callId()));
                recorded[0] = CallRecordings.recording(events);
                // Not yet shown anywhere, so it can be built off the FX thread.
                return rebuild(record, events);
            }
        };
        task.setOnSucceeded(e -> {
            if (id != openRequest) {
                return;
            }
            openedRecord.set(record);
            audit.setAll(trail);
            recording.set(recorded[0]);
            opened.set(task.getValue());
        });
        task.setOnFailed(e -> {
            if (id == openRequest) {
                status.accept("Could not open call " + record.callId() + ": " + message(task.getException()));
            }
        });
        reads.execute(task);
        return task;
    }

    /**
     * The stored events through the live model. If the call id restarted its sequence (Twilio
     * reconnected through the action URL), the later session's events are numbered on, since the
     * live model skips numbers it has already seen.
     */
    static LiveCall rebuild(CallRecord record, List<CallEvent> events) {
        LiveCall call = new LiveCall(record.callId());
        List<CallEvent> ordered = new ArrayList<>(events.size());
        long last = 0;
        for (CallEvent event : events) {
            long seq = event.seq() > last ? event.seq() : last + 1;
            last = seq;
            ordered.add(seq == event.seq() ? event
                    : new CallEvent(event.callId(), seq, event.time(), event.payload()));
        }
        call.applyAll(ordered);
        Instant end = record.endedAt() != null ? record.endedAt() : record.lastEventAt();
        if (end != null) {
            call.tick(end);
        }
        return call;
    }

    /** Whether the opened call has a recording whose link can be opened. */
    boolean canOpenRecording() {
        EventPayload.Recording r = recording.get();
        return r != null && CallRecordings.browsable(r.url());
    }

    /**
     * Opens the opened call's recording at Twilio in the browser. The link carries no
     * credentials: where the account protects its media with HTTP authentication, Twilio asks for them.
     */
    boolean openRecording() {
        EventPayload.Recording r = recording.get();
        if (r == null || !CallRecordings.browsable(r.url())) {
            status.accept(r == null ? "This call was not recorded." : "Twilio has not sent a link for recording " + r.recordingSid() + " yet.");
            return false;
        }
        browser.accept(r.url());
        status.accept("Opened recording " + r.recordingSid() + " at Twilio (it asks for the account's credentials if media is protected).");
        return true;
    }

    ReadOnlyObjectProperty<CallRecord> recordProperty() {
        return openedRecord.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<LiveCall> callProperty() {
        return opened.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<EventPayload.Recording> recordingProperty() {
        return recording.getReadOnlyProperty();
    }

    ObservableList<AuditEntry> auditTrail() {
        return auditView;
    }

    private static String message(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
