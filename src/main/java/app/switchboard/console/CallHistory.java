package app.switchboard.console;

import app.switchboard.call.CallEvent;
import app.switchboard.store.AuditEntry;
import app.switchboard.store.CallPage;
import app.switchboard.store.EventStore;
import app.switchboard.store.ExportFormat;
import app.switchboard.store.ExportProgress;
import app.switchboard.store.HistoryQuery;
import app.switchboard.store.StoreHealth;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The past calls, as the console reads them: the one thing the History view and the store
 * warning need from the store. Every method but {@link #onHealthChange} may block on the disk,
 * so the console calls them off the FX thread.
 */
public interface CallHistory {

    /** A page of past calls, newest first, with the total matching. */
    CallPage page(HistoryQuery query);

    /** Every recorded event of one call, in order. */
    List<CallEvent> events(String callId);

    /** The supervisor's actions on one call, in order. */
    List<AuditEntry> auditTrail(String callId);

    /** Writes every call matching {@code query} (paging ignored); interrupting the thread cancels. */
    long export(HistoryQuery query, ExportFormat format, Path target, ExportProgress progress);

    /** Writes one call; interrupting the thread cancels. */
    long exportCall(String callId, ExportFormat format, Path target, ExportProgress progress);

    StoreHealth health();

    /** Reports the current health at once, then each change, on a thread of the store's. */
    AutoCloseable onHealthChange(Consumer<StoreHealth> listener);

    /** The history kept by the app's own event store. */
    static CallHistory of(EventStore store) {
        return new StoreCallHistory(store);
    }
}
