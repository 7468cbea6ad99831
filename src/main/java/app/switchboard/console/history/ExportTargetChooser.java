package app.switchboard.console.history;

import app.switchboard.history.ExportFormat;
import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * History's save dialog for exports: the file's type chooses the format (the filter picked, or
 * the name's extension), and the next export starts in the folder the last one went to.
 */
final class ExportTargetChooser {

    /** Where to write and in which format. */
    record Target(ExportFormat format, Path path) {
    }

    private File lastFolder;

    /** Asks the supervisor; null when the dialog was cancelled. */
    Target choose(Window owner, String title, String baseName) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        FileChooser.ExtensionFilter json = new FileChooser.ExtensionFilter("JSON (every event, all fields)", "*.json");
        FileChooser.ExtensionFilter csv = new FileChooser.ExtensionFilter("CSV (one line per event)", "*.csv");
        chooser.getExtensionFilters().setAll(json, csv);
        chooser.setSelectedExtensionFilter(json);
        chooser.setInitialFileName(baseName + ".json");
        // The last folder exported to, else the home folder (never the app's working directory).
        File folder = lastFolder != null ? lastFolder : new File(System.getProperty("user.home"));
        if (folder.isDirectory()) {
            chooser.setInitialDirectory(folder);
        }
        File file = chooser.showSaveDialog(owner);
        if (file == null) {
            return null;
        }
        String name = file.getName().toLowerCase(Locale.ROOT);
        ExportFormat format = name.endsWith(".csv") ? ExportFormat.CSV
                : name.endsWith(".json") ? ExportFormat.JSON
                : chooser.getSelectedExtensionFilter() == csv ? ExportFormat.CSV : ExportFormat.JSON;
        lastFolder = file.getParentFile();
        Path target = file.toPath();
        if (!name.endsWith(".csv") && !name.endsWith(".json")) {
            target = target.resolveSibling(file.getName() + (format == ExportFormat.CSV ? ".csv" : ".json"));
        }
        return new Target(format, target);
    }
}
