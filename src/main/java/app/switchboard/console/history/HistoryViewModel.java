package app.switchboard.console.history;

import app.switchboard.concurrent.Threads;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.console.shared.Browser;
import app.switchboard.history.CallHistory;
import app.switchboard.call.EventPayload;
import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallPage;
import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.HistoryQuery;
import app.switchboard.replay.ReplayService;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The History window's state: the search (number, date range, words said), one page of past
 * calls, the opened call rebuilt as a {@link LiveCall} from its stored events (so it renders
 * exactly as the live view did), its audit trail, and exports.
 *
 * <p>Every store call runs as a {@link Task} on executors this view model owns (one for reads,
 * one for exports in {@link HistoryExports}, so a long export never holds up browsing); results
 * land on the FX thread. The opened call is an {@link OpenedPastCall}. Used from the FX thread;
 * {@link #close()} stops its threads.
 */
public final class HistoryViewModel implements AutoCloseable {

    public static final int PAGE_SIZE = 50;

    private final CallHistory history;
    /** Null when this console cannot replay (no data or config directory to keep profiles and runs in). */
    private final ReplayService replays;
    private final ZoneId zone;
    private final int pageSize;
    private final ExecutorService reads = Executors.newSingleThreadExecutor(Threads.numbered("history-reader-"));

    private final StringProperty number = new SimpleStringProperty(this, "number", "");
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final ObjectProperty<LocalDate> fromDate = new SimpleObjectProperty<>(this, "fromDate");
    private final ObjectProperty<LocalDate> untilDate = new SimpleObjectProperty<>(this, "untilDate");

    private final ObservableList<CallRecord> calls = FXCollections.observableArrayList();
    private final ObservableList<CallRecord> callsView = FXCollections.unmodifiableObservableList(calls);
    private final ReadOnlyLongWrapper total = new ReadOnlyLongWrapper(this, "total", 0);
    private final ReadOnlyStringWrapper pageText = new ReadOnlyStringWrapper(this, "pageText", "");
    private final ReadOnlyBooleanWrapper hasNext = new ReadOnlyBooleanWrapper(this, "hasNext", false);
    private final ReadOnlyBooleanWrapper hasPrevious = new ReadOnlyBooleanWrapper(this, "hasPrevious", false);
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading", false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");

    private final OpenedPastCall openedCall;

    private final HistoryExports exports;

    /** The search the shown page belongs to (paging keeps it, even if the fields were edited since). */
    private HistoryQuery query;
    /** Bumped per page or open request: an older answer arriving late is dropped. */
    private int pageRequest;

    public HistoryViewModel(CallHistory history) {
        this(history, null, ZoneId.systemDefault(), PAGE_SIZE);
    }

    /**
     * The console's History: past calls from its store, replays with the console's model key,
     * profiles saved in its config directory and runs stored in its data directory.
     */
    public static HistoryViewModel forConsole(CallHistory history, AppDirectories directories, Secrets secrets) {
        ReplayService replays = directories == null ? null : new ReplayService(history, directories.config(),
                directories.data(), secrets.openAiApiKey());
        HistoryViewModel model = new HistoryViewModel(history, replays, ZoneId.systemDefault(), PAGE_SIZE);
        model.browser(Browser::open);
        return model;
    }

    /** Where {@link #openRecording()} sends the recording's link (the console: the desktop's browser). */
    public void browser(Consumer<String> opener) {
        openedCall.browser(opener);
    }

    HistoryViewModel(CallHistory history, ZoneId zone, int pageSize) {
        this(history, null, zone, pageSize);
    }

    HistoryViewModel(CallHistory history, ReplayService replays, ZoneId zone, int pageSize) {
        this.history = Objects.requireNonNull(history, "history");
        this.replays = replays;
        this.zone = zone;
        this.pageSize = pageSize;
        this.query = HistoryQuery.all(pageSize);
        this.exports = new HistoryExports(history, status::set);
        this.openedCall = new OpenedPastCall(history, reads, status::set);
    }

    // ---- search and paging ----

    /** Runs the search in the fields from the first page. */
    public Task<CallPage> search() {
        query = buildQuery();
        return load(query);
    }

    /** Clears the fields and shows every call. */
    public Task<CallPage> clearSearch() {
        number.set("");
        text.set("");
        fromDate.set(null);
        untilDate.set(null);
        return search();
    }

    public Task<CallPage> nextPage() {
        return load(query.page(query.offset() + pageSize));
    }

    public Task<CallPage> previousPage() {
        return load(query.page(Math.max(0, query.offset() - pageSize)));
    }

    /** Reloads the page shown (new calls may have ended since). */
    public Task<CallPage> refresh() {
        return load(query);
    }

    /** The fields as a store query: dates are whole days in this console's time zone, both ends included. */
    HistoryQuery buildQuery() {
        Instant from = fromDate.get() == null ? null : fromDate.get().atStartOfDay(zone).toInstant();
        Instant until = untilDate.get() == null ? null : untilDate.get().plusDays(1).atStartOfDay(zone).toInstant();
        return new HistoryQuery(blankToNull(number.get()), from, until, blankToNull(text.get()), 0, pageSize);
    }

    private Task<CallPage> load(HistoryQuery request) {
        int id = ++pageRequest;
        Task<CallPage> task = new Task<>() {
            @Override
            protected CallPage call() {
                return history.page(request);
            }
        };
        loading.set(true);
        task.setOnSucceeded(e -> {
            if (id != pageRequest) {
                return;
            }
            loading.set(false);
            query = request;
            show(task.getValue());
        });
        task.setOnFailed(e -> {
            if (id != pageRequest) {
                return;
            }
            loading.set(false);
            status.set("Could not read the call history: " + message(task.getException()));
        });
        reads.execute(task);
        return task;
    }

    private void show(CallPage page) {
        calls.setAll(page.calls());
        total.set(page.total());
        hasPrevious.set(page.offset() > 0);
        hasNext.set(page.hasMore());
        if (page.total() == 0) {
            pageText.set("No calls");
        } else if (page.calls().isEmpty()) {
            pageText.set("No calls on this page of " + page.total());
        } else {
            pageText.set(String.format(Locale.ROOT, "%,d\u2013%,d of %,d", page.offset() + 1,
                    page.offset() + page.calls().size(), page.total()));
        }
        status.set(page.total() == 1 ? "1 call" : String.format(Locale.ROOT, "%,d calls", page.total()));
    }

    // ---- one past call ----

    /**
     * Loads a call's events and audit trail off the FX thread and rebuilds its conversation with
     * the live model, so it reads exactly as it did while live.
     */
    public Task<LiveCall> open(CallRecord record) {
        return openedCall.open(record);
    }

    /** Whether the opened call has a recording whose link can be opened. */
    public boolean canOpenRecording() {
        return openedCall.canOpenRecording();
    }

    /** Opens the opened call's recording at Twilio in the browser. */
    public boolean openRecording() {
        return openedCall.openRecording();
    }

    // ---- replay ----

    /** Whether this History can replay calls against a candidate profile. */
    public boolean canReplay() {
        return replays != null;
    }

    /**
     * What a replay started now would take: the selected calls, or with none selected every call
     * of the search shown (all pages; the fields' edits since are not applied until searched).
     */
    public ReplayViewModel.Target replayTarget(List<CallRecord> selected) {
        if (selected != null && !selected.isEmpty()) {
            List<String> ids = selected.stream().filter(Objects::nonNull).map(CallRecord::callId).distinct().toList();
            return new ReplayViewModel.Target(ids, null, ids.size() == 1 ? "1 selected call (" + ids.get(0) + ")"
                    : ids.size() + " selected calls");
        }
        long matching = total.get();
        String limit = matching > ReplayService.MAX_CALLS ? " (the newest " + ReplayService.MAX_CALLS + ")" : "";
        boolean everything = query.number() == null && query.text() == null && query.from() == null && query.until() == null;
        return new ReplayViewModel.Target(List.of(), query,
                (everything ? "every call" : "the search result") + String.format(Locale.ROOT, ": %,d calls", matching) + limit);
    }

    /** A replay window's state for this History; null when it cannot replay. The caller closes it. */
    public ReplayViewModel newReplay() {
        return replays == null ? null : new ReplayViewModel(replays, zone);
    }

    // ---- export ----

    /** Exports the opened call; null when none is open. */
    public Task<Long> exportOpened(ExportFormat format, Path target) {
        CallRecord record = openedCall.recordProperty().get();
        return record == null ? null : exports.exportCall(record.callId(), format, target);
    }

    /** Exports every call matching the search shown (all pages). */
    public Task<Long> exportResults(ExportFormat format, Path target) {
        return exports.exportSearch(query, total.get(), format, target);
    }

    /** Cancels the running export; its file is not written. */
    public void cancelExport() {
        exports.cancel();
    }

    // ---- properties ----

    public StringProperty numberProperty() {
        return number;
    }

    public StringProperty textProperty() {
        return text;
    }

    public ObjectProperty<LocalDate> fromDateProperty() {
        return fromDate;
    }

    public ObjectProperty<LocalDate> untilDateProperty() {
        return untilDate;
    }

    public ObservableList<CallRecord> calls() {
        return callsView;
    }

    public ReadOnlyLongProperty totalProperty() {
        return total.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty pageTextProperty() {
        return pageText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty hasNextProperty() {
        return hasNext.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty hasPreviousProperty() {
        return hasPrevious.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<CallRecord> openedRecordProperty() {
        return openedCall.recordProperty();
    }

    public ReadOnlyObjectProperty<LiveCall> openedProperty() {
        return openedCall.callProperty();
    }

    /** The opened call's recording (latest status); null when it was not recorded or none is open. */
    public ReadOnlyObjectProperty<EventPayload.Recording> recordingProperty() {
        return openedCall.recordingProperty();
    }

    public ObservableList<AuditEntry> auditTrail() {
        return openedCall.auditTrail();
    }

    public ReadOnlyObjectProperty<Task<Long>> exportProperty() {
        return exports.exportProperty();
    }

    public ReadOnlyBooleanProperty exportingProperty() {
        return exports.exportingProperty();
    }

    ZoneId zone() {
        return zone;
    }

    /** Stops reading and cancels a running export. */
    @Override
    public void close() {
        exports.close();
        reads.shutdownNow();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String message(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
