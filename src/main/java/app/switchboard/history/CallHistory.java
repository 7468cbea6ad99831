package app.switchboard.history;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The past calls, as the console reads them: the one thing the History view and the store
 * warning need from the store. The app's own store implements it ({@code store.StoreCallHistory});
 * a remote console's would read it over the supervisor API. Every method but {@link #onHealthChange} may block on the disk,
 * so the console calls them off the FX thread.
 */
public interface CallHistory {

    /** A page of past calls, newest first, with the total matching. */
    CallPage page(HistoryQuery query);

    /** Every recorded event of one call, in order. */
    List<CallEvent> events(String callId);

    /**
     * Up to {@code limit} of the call's events before {@code beforeSeq}, oldest first: the page a
     * console loads when the supervisor scrolls back past what a live call keeps in memory. A
     * history that cannot page reads the whole call and keeps the page.
     */
    default List<CallEvent> eventsBefore(String callId, long beforeSeq, int limit) {
        List<CallEvent> older = events(callId).stream().filter(e -> e.seq() < beforeSeq).toList();
        return older.subList(Math.max(0, older.size() - limit), older.size());
    }

    /**
     * The events of {@code kinds} of every call that started or ended at or after {@code since}
     * (each call's in seq order): what the floor needs to survive a restart. A history that
     * cannot answer it returns none, and the floor starts from the live calls.
     */
    default List<CallEvent> eventsOfCallsSince(Instant since, Set<EventKind> kinds) {
        return List.of();
    }

    /** The supervisor's actions on one call, in order. */
    List<AuditEntry> auditTrail(String callId);

    /** Writes every call matching {@code query} (paging ignored); interrupting the thread cancels. */
    long export(HistoryQuery query, ExportFormat format, Path target, ExportProgress progress);

    /** Writes one call; interrupting the thread cancels. */
    long exportCall(String callId, ExportFormat format, Path target, ExportProgress progress);

    StoreHealth health();

    /** Reports the current health at once, then each change, on a thread of the store's. */
    AutoCloseable onHealthChange(Consumer<StoreHealth> listener);
}
