package app.switchboard.console.history;

import app.switchboard.concurrent.Threads;
import app.switchboard.history.CallHistory;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;

/**
 * History's exports: one at a time, as a cancellable {@link Task} with progress on a thread of
 * its own, so a long export never holds up browsing. Starting one cancels the one running.
 * Used from the FX thread; what happened goes to the History's status line.
 */
final class HistoryExports implements AutoCloseable {

    private final CallHistory history;
    private final Consumer<String> status;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Threads.numbered("history-export-"));
    private final ReadOnlyObjectWrapper<Task<Long>> export = new ReadOnlyObjectWrapper<>(this, "export");
    private final ReadOnlyBooleanWrapper exporting = new ReadOnlyBooleanWrapper(this, "exporting", false);

    HistoryExports(CallHistory history, Consumer<String> status) {
        this.history = history;
        this.status = status;
    }

    Task<Long> exportCall(String callId, ExportFormat format, Path target) {
        return start("call " + callId, target, progress -> history.exportCall(callId, format, target, progress));
    }

    /** Every call matching {@code search} (all pages); {@code total} only words the status line. */
    Task<Long> exportSearch(HistoryQuery search, long total, ExportFormat format, Path target) {
        return start(total == 1 ? "1 call" : String.format(Locale.ROOT, "%,d calls", total), target,
                progress -> history.export(search, format, target, progress));
    }

    /** Cancels the running export; its file is not written. */
    void cancel() {
        Task<Long> task = export.get();
        if (task != null && !task.isDone()) {
            task.cancel(true);
        }
    }

    private interface ExportWork {
        long run(ExportProgress progress);
    }

    private Task<Long> start(String what, Path target, ExportWork work) {
        cancel();
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
        status.accept("Exporting " + what + " to " + target.getFileName() + "\u2026");
        task.setOnSucceeded(e -> finish(task, String.format(Locale.ROOT, "Exported %s (%,d events) to %s",
                what, task.getValue(), target)));
        task.setOnCancelled(e -> finish(task, "Export cancelled"));
        task.setOnFailed(e -> finish(task, "Export failed: " + message(task.getException())));
        export.set(task);
        thread.execute(task);
        return task;
    }

    private void finish(Task<Long> task, String message) {
        if (export.get() == task) {
            exporting.set(false);
        }
        status.accept(message);
    }

    ReadOnlyObjectProperty<Task<Long>> exportProperty() {
        return export.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty exportingProperty() {
        return exporting.getReadOnlyProperty();
    }

    /** Cancels a running export and stops the thread. */
    @Override
    public void close() {
        cancel();
        thread.shutdownNow();
    }

    private static String message(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
