package app.switchboard.store;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.history.CallHistory;
import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallPage;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import app.switchboard.history.StoreHealth;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/** {@link CallHistory} over the SQLite {@link EventStore}: a straight pass-through. */
public final class StoreCallHistory implements CallHistory {

    private final EventStore store;

    public StoreCallHistory(EventStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public CallPage page(HistoryQuery query) {
        return store.history(query);
    }

    @Override
    public List<CallEvent> events(String callId) {
        return store.events(callId);
    }

    @Override
    public List<CallEvent> eventsBefore(String callId, long beforeSeq, int limit) {
        return store.eventsBefore(callId, beforeSeq, limit);
    }

    @Override
    public List<CallEvent> eventsOfCallsSince(Instant since, Set<EventKind> kinds) {
        return store.eventsOfCallsSince(since, kinds);
    }

    @Override
    public List<AuditEntry> auditTrail(String callId) {
        return store.auditTrail(callId);
    }

    @Override
    public long export(HistoryQuery query, ExportFormat format, Path target, ExportProgress progress) {
        return store.export(query, format, target, progress);
    }

    @Override
    public long exportCall(String callId, ExportFormat format, Path target, ExportProgress progress) {
        return store.exportCall(callId, format, target, progress);
    }

    @Override
    public StoreHealth health() {
        return store.health();
    }

    @Override
    public AutoCloseable onHealthChange(Consumer<StoreHealth> listener) {
        return store.onHealthChange(listener);
    }
}
