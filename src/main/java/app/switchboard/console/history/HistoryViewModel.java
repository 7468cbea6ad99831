package app.switchboard.console.history;

import app.switchboard.concurrent.Threads;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.console.shared.Browser;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.CallHistory;
import app.switchboard.call.CallEvent;
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
import java.util.ArrayList;
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
import javafx.beans.property.ReadOnlyObjectWrapper;
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
 * one for exports, so a long export never holds up browsing); results land on the FX thread.
 * Used from the FX thread; {@link #close()} stops its threads.
 */
public final class HistoryViewModel implements AutoCloseable {

    public static final int PAGE_SIZE = 50;

    private final CallHistory history;
    /** Null when this console cannot replay (no data or config directory to keep profiles and runs in). */
    private final ReplayService replays;
    private final ZoneId zone;
    private final int pageSize;
    private final ExecutorService reads = Executors.newSingleThreadExecutor(Threads.numbered("history-reader-"));
    private final ExecutorService exports = Executors.newSingleThreadExecutor(Threads.numbered("history-export-"));

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

    private final ReadOnlyObjectWrapper<CallRecord> openedRecord = new ReadOnlyObjectWrapper<>(this, "openedRecord");
    private final ReadOnlyObjectWrapper<LiveCall> opened = new ReadOnlyObjectWrapper<>(this, "opened");
    private final ReadOnlyObjectWrapper<EventPayload.Recording> recording = new ReadOnlyObjectWrapper<>(this, "recording");
    /** Opens a web page in the desktop's browser ({@link Browser} in the console). */
    private Consumer<String> browser = url -> { };
    private final ObservableList<AuditEntry> audit = FXCollections.observableArrayList();
    private final ObservableList<AuditEntry> auditView = FXCollections.unmodifiableObservableList(audit);

    private final ReadOnlyObjectWrapper<Task<Long>> export = new ReadOnlyObjectWrapper<>(this, "export");
    private final ReadOnlyBooleanWrapper exporting = new ReadOnlyBooleanWrapper(this, "exporting", false);

    /** The search the shown page belongs to (paging keeps it, even if the fields were edited since). */
    private HistoryQuery query;
    /** Bumped per page or open request: an older answer arriving late is dropped. */
    private int pageRequest;
    private int openRequest;

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
        this.browser = Objects.requireNonNull(opener, "opener");
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
                recorded[0] = recording(events);
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
                status.set("Could not open call " + record.callId() + ": " + message(task.getException()));
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

    // ---- the opened call's recording ----

    /**
     * What the call's recording status callbacks came to: the latest one, except that a
     * completed recording is kept over a later-arriving earlier status (callbacks may cross).
     * Null when the call was not recorded.
     */
    static EventPayload.Recording recording(List<CallEvent> events) {
        EventPayload.Recording latest = null;
        for (CallEvent e : events) {
            if (e.payload() instanceof EventPayload.Recording r
                    && (latest == null || !EventPayload.Recording.COMPLETED.equals(latest.status())
                    || !Objects.equals(latest.recordingSid(), r.recordingSid()))) {
                latest = r;
            }
        }
        return latest;
    }

    /** The recording line of the opened call: SID, status, length and Twilio's error code. */
    static String recordingText(EventPayload.Recording r) {
        if (r == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        parts.add("Recording " + r.recordingSid());
        parts.add(r.status());
        if (r.durationSeconds() != null) {
            parts.add(String.format(Locale.ROOT, "%d:%02d", r.durationSeconds() / 60, r.durationSeconds() % 60));
        }
        if (r.errorCode() != null) {
            parts.add("Twilio error " + r.errorCode());
        }
        return String.join(" \u00b7 ", parts);
    }

    /** The History list's recording cell: empty for a call that was not recorded. */
    static String recordingCell(CallRecord c) {
        if (c.recording() == null) {
            return "";
        }
        return switch (c.recording()) {
            case EventPayload.Recording.COMPLETED -> "recorded";
            case "in-progress" -> "recording";
            default -> c.recording();
        };
    }

    /**
     * Whether a recording's link may be handed to the browser: Twilio's own https URL, never one
     * with credentials in it. The relay checks the same before recording it; this guards against
     * an older or foreign record.
     */
    static boolean browsable(String url) {
        if (url == null || url.isBlank()) {
            return false;
        }
        try {
            java.net.URI uri = new java.net.URI(url);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getRawUserInfo() == null
                    && (host.equals("twilio.com") || host.endsWith(".twilio.com"));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** Whether the opened call has a recording whose link can be opened. */
    public boolean canOpenRecording() {
        EventPayload.Recording r = recording.get();
        return r != null && browsable(r.url());
    }

    /**
     * Opens the opened call's recording at Twilio in the browser. The link carries no
     * credentials: where the account protects its media with HTTP authentication, Twilio asks for them.
     */
    public boolean openRecording() {
        EventPayload.Recording r = recording.get();
        if (r == null || !browsable(r.url())) {
            status.set(r == null ? "This call was not recorded." : "Twilio has not sent a link for recording " + r.recordingSid() + " yet.");
            return false;
        }
        browser.accept(r.url());
        status.set("Opened recording " + r.recordingSid() + " at Twilio (it asks for the account's credentials if media is protected).");
        return true;
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
        CallRecord record = openedRecord.get();
        if (record == null) {
            return null;
        }
        return startExport("call " + record.callId(), target,
                progress -> history.exportCall(record.callId(), format, target, progress));
    }

    /** Exports every call matching the search shown (all pages). */
    public Task<Long> exportResults(ExportFormat format, Path target) {
        HistoryQuery all = query;
        return startExport(total.get() == 1 ? "1 call" : String.format(Locale.ROOT, "%,d calls", total.get()), target,
                progress -> history.export(all, format, target, progress));
    }

    /** Cancels the running export; its file is not written. */
    public void cancelExport() {
        Task<Long> task = export.get();
        if (task != null && !task.isDone()) {
            task.cancel(true);
        }
    }

    private interface ExportWork {
        long run(app.switchboard.history.ExportProgress progress);
    }

    private Task<Long> startExport(String what, Path target, ExportWork work) {
        cancelExport();
        Task<Long> task = new Task<>() {
            @Override
            protected Long call() {
                updateProgress(0, 1);
                long written = work.run((done, all) -> updateProgress(done, Math.max(all, 1)));
                updateProgress(1, 1);
                return written;
            }
        };
        exporting.set(true);
        status.set("Exporting " + what + " to " + target.getFileName() + "\u2026");
        task.setOnSucceeded(e -> finishExport(task, String.format(Locale.ROOT, "Exported %s (%,d events) to %s",
                what, task.getValue(), target)));
        task.setOnCancelled(e -> finishExport(task, "Export cancelled"));
        task.setOnFailed(e -> finishExport(task, "Export failed: " + message(task.getException())));
        export.set(task);
        exports.execute(task);
        return task;
    }

    private void finishExport(Task<Long> task, String message) {
        if (export.get() == task) {
            exporting.set(false);
        }
        status.set(message);
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
        return openedRecord.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<LiveCall> openedProperty() {
        return opened.getReadOnlyProperty();
    }

    /** The opened call's recording (latest status); null when it was not recorded or none is open. */
    public ReadOnlyObjectProperty<EventPayload.Recording> recordingProperty() {
        return recording.getReadOnlyProperty();
    }

    public ObservableList<AuditEntry> auditTrail() {
        return auditView;
    }

    public ReadOnlyObjectProperty<Task<Long>> exportProperty() {
        return export.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty exportingProperty() {
        return exporting.getReadOnlyProperty();
    }

    ZoneId zone() {
        return zone;
    }

    /** Stops reading and cancels a running export. */
    @Override
    public void close() {
        cancelExport();
        reads.shutdownNow();
        exports.shutdownNow();
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
