package app.switchboard.console;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the supervisor left the console: the main window's place and size, its split, and the
 * widths of the call list's and History's columns; {@code layout.json} in the config folder,
 * written atomically when the console closes. A missing or damaged file means the defaults (a
 * damaged one is logged, never fatal); a window that would open off every screen opens where
 * the platform puts it.
 *
 * @param x, y, width, height the main window's bounds (null: never saved)
 * @param maximized           the main window was maximized
 * @param dividers            the main split's divider positions
 * @param callColumns         call list column widths by column id
 * @param historyColumns      History's call table column widths by column id
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WindowLayout(Double x, Double y, Double width, Double height, boolean maximized, List<Double> dividers,
                           Map<String, Double> callColumns, Map<String, Double> historyColumns) {

    public static final String FILE_NAME = "layout.json";
    public static final WindowLayout NONE = new WindowLayout(null, null, null, null, false, List.of(), Map.of(), Map.of());
    private static final Logger LOG = LoggerFactory.getLogger(WindowLayout.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public WindowLayout {
        dividers = dividers == null ? List.of() : List.copyOf(dividers);
        callColumns = callColumns == null ? Map.of() : Map.copyOf(callColumns);
        historyColumns = historyColumns == null ? Map.of() : Map.copyOf(historyColumns);
    }

    /** The saved layout, or {@link #NONE} when there is none or it cannot be read (logged). */
    public static WindowLayout load(Path configDir) {
        if (configDir == null) {
            return NONE;
        }
        Path file = configDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return NONE;
        }
        try {
            WindowLayout layout = JSON.readValue(file.toFile(), WindowLayout.class);
            return layout == null ? NONE : layout;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring the saved window layout {}: it cannot be read ({}); the default layout is used", file,
                    e.getMessage());
            return NONE;
        }
    }

    /** Writes a temporary file and moves it into place, so a crash never leaves half a file. */
    public void save(Path configDir) {
        if (configDir == null) {
            return;
        }
        Path tmp = null;
        try {
            Files.createDirectories(configDir);
            tmp = Files.createTempFile(configDir, FILE_NAME, ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            try {
                Files.move(tmp, configDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, configDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("The window layout could not be saved to {}: {}", configDir, e.getMessage());
            try {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException ignored) {
                // The warning above already says the save failed.
            }
        }
    }

    /** This layout with the main window's state as it is now. */
    WindowLayout withMainWindow(Stage stage, SplitPane split, TableView<?> calls) {
        boolean max = stage.isMaximized();
        // A maximized window's bounds are the screen's; keep the ones it will be restored to.
        return new WindowLayout(max && x != null ? x : stage.getX(), max && y != null ? y : stage.getY(),
                max && width != null ? width : stage.getWidth(), max && height != null ? height : stage.getHeight(), max,
                java.util.Arrays.stream(split.getDividerPositions()).boxed().toList(), widths(calls), historyColumns);
    }

    WindowLayout withHistoryColumns(TableView<?> table) {
        return new WindowLayout(x, y, width, height, maximized, dividers, callColumns, widths(table));
    }

    /** Puts the window where it was, when that is still on a screen. Before the stage is shown. */
    void placeMainWindow(Stage stage) {
        if (width != null && height != null && width > 100 && height > 100) {
            stage.setWidth(width);
            stage.setHeight(height);
        }
        if (x != null && y != null && width != null && height != null
                && !Screen.getScreensForRectangle(x, y, Math.max(1, width), Math.max(1, height)).isEmpty()) {
            stage.setX(x);
            stage.setY(y);
        }
        stage.setMaximized(maximized);
    }

    void applyDividers(SplitPane split) {
        if (!dividers.isEmpty() && dividers.size() == split.getDividers().size()
                && dividers.stream().allMatch(d -> d != null && d > 0.02 && d < 0.98)) {
            split.setDividerPositions(dividers.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    static void applyColumns(TableView<?> table, Map<String, Double> widths) {
        for (TableColumn<?, ?> column : table.getColumns()) {
            Double w = widths.get(key(column));
            if (w != null && w >= column.getMinWidth() && w <= column.getMaxWidth() && w > 0) {
                column.setPrefWidth(w);
            }
        }
    }

    private static Map<String, Double> widths(TableView<?> table) {
        Map<String, Double> widths = new LinkedHashMap<>();
        for (TableColumn<?, ?> column : table.getColumns()) {
            widths.put(key(column), column.getWidth());
        }
        return widths;
    }

    private static String key(TableColumn<?, ?> column) {
        return column.getId() != null ? column.getId() : column.getText();
    }
}
