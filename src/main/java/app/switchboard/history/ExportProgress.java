package app.switchboard.history;

/**
 * Told how far an export is, in events: often enough for a progress bar, never once per event.
 * Called on the exporting thread; a UI hands it on (a JavaFX Task's updateProgress does).
 */
@FunctionalInterface
public interface ExportProgress {

    void progress(long done, long total);

    ExportProgress NONE = (done, total) -> { };
}
