package app.switchboard.console.history;

import app.switchboard.console.shared.WindowLook;
import app.switchboard.console.calls.ConversationEntry;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.console.detail.CallHeaderView;
import app.switchboard.console.detail.ConversationRows;
import app.switchboard.console.shared.FxmlView;
import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.concurrent.Task;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.collections.ListChangeListener;
import javafx.scene.Scene;
import javafx.scene.control.SelectionMode;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import javafx.stage.Window;

/**
 * Past calls: search, a page of results, the opened call's conversation (rendered by the live
 * view's own row renderer from a {@link LiveCall} rebuilt from the stored events) and its
 * supervisor audit trail, and exports. UI wiring only; state lives in {@link HistoryViewModel}.
 */
public final class HistoryView extends FxmlView<BorderPane> {

    @FXML private TextField numberField;
    @FXML private DatePicker fromPicker;
    @FXML private DatePicker untilPicker;
    @FXML private TextField textField;
    @FXML private Button searchButton;
    @FXML private Button clearButton;
    @FXML private TableView<CallRecord> callTable;
    @FXML private TableColumn<CallRecord, String> startedColumn;
    @FXML private TableColumn<CallRecord, String> callerColumn;
    @FXML private TableColumn<CallRecord, String> durationColumn;
    @FXML private TableColumn<CallRecord, String> turnsColumn;
    @FXML private TableColumn<CallRecord, String> endColumn;
    @FXML private TableColumn<CallRecord, String> flagsColumn;
    @FXML private TableColumn<CallRecord, String> recordingColumn;
    @FXML private javafx.scene.layout.HBox recordingBar;
    @FXML private Label recordingLabel;
    @FXML private Button openRecordingButton;
    @FXML private Button previousButton;
    @FXML private Button nextButton;
    @FXML private Label pageLabel;
    @FXML private Button refreshButton;
    @FXML private BorderPane callPane;
    @FXML private Label placeholder;
    @FXML private CallHeaderView headerController;
    @FXML private ScrollPane conversationScroll;
    @FXML private VBox conversation;
    @FXML private TableView<AuditEntry> auditTable;
    @FXML private TableColumn<AuditEntry, String> auditTimeColumn;
    @FXML private TableColumn<AuditEntry, String> auditActionColumn;
    @FXML private TableColumn<AuditEntry, String> auditOperatorColumn;
    @FXML private TableColumn<AuditEntry, String> auditDetailsColumn;
    @FXML private Button exportCallButton;
    @FXML private Button exportResultsButton;
    @FXML private ProgressBar exportProgress;
    @FXML private Button cancelExportButton;
    @FXML private Label statusLabel;
    @FXML private Button replayButton;

    private final HistoryViewModel viewModel;
    private final DateTimeFormatter started;
    private final DateTimeFormatter clock;
    private final ExportTargetChooser exportTargets;
    private Stage replayStage;
    private ReplayView replay;

    public HistoryView(HistoryViewModel viewModel) {
        this.viewModel = viewModel;
        this.started = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(viewModel.zone());
        this.clock = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(viewModel.zone());
        this.exportTargets = new ExportTargetChooser();

        numberField.textProperty().bindBidirectional(viewModel.numberProperty());
        textField.textProperty().bindBidirectional(viewModel.textProperty());
        fromPicker.valueProperty().bindBidirectional(viewModel.fromDateProperty());
        untilPicker.valueProperty().bindBidirectional(viewModel.untilDateProperty());

        callTable.setItems(viewModel.calls());
        column(startedColumn, c -> started.format(c.startedAt()));
        column(callerColumn, c -> c.from() == null || c.from().isBlank() ? "unknown" : c.from());
        column(durationColumn, c -> length(c.startedAt(), c.endedAt() != null ? c.endedAt() : c.lastEventAt()));
        column(turnsColumn, c -> Integer.toString(c.turns()));
        column(endColumn, c -> c.ended() ? (c.endReason() == null ? "ended" : c.endReason()) : "in progress");
        column(flagsColumn, HistoryView::flags);
        column(recordingColumn, CallRecordings::recordingCell);
        // Several calls may be selected for a replay; the one clicked last is the one opened.
        callTable.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        callTable.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> viewModel.open(now));
        callTable.getSelectionModel().getSelectedItems().addListener((ListChangeListener<CallRecord>) change -> {
            if (replay != null) {
                replay.viewModel().setTarget(viewModel.replayTarget(List.copyOf(callTable.getSelectionModel().getSelectedItems())));
            }
        });
        viewModel.totalProperty().addListener((obs, old, now) -> {
            if (replay != null && callTable.getSelectionModel().getSelectedItems().isEmpty()) {
                replay.viewModel().setTarget(viewModel.replayTarget(List.of()));
            }
        });
        replayButton.setVisible(viewModel.canReplay());
        replayButton.setManaged(viewModel.canReplay());
        replayButton.disableProperty().bind(viewModel.totalProperty().isEqualTo(0));
        root().sceneProperty().addListener((obs, old, scene) -> {
            if (scene != null) {
                scene.windowProperty().addListener((o, w0, window) -> {
                    if (window != null) {
                        // The replay window goes with History (a run in flight is cancelled).
                        window.addEventHandler(WindowEvent.WINDOW_HIDDEN, e -> closeReplay());
                    }
                });
            }
        });

        previousButton.disableProperty().bind(viewModel.hasPreviousProperty().not().or(viewModel.loadingProperty()));
        nextButton.disableProperty().bind(viewModel.hasNextProperty().not().or(viewModel.loadingProperty()));
        pageLabel.textProperty().bind(viewModel.pageTextProperty());

        callPane.visibleProperty().bind(viewModel.openedProperty().isNotNull());
        placeholder.visibleProperty().bind(viewModel.openedProperty().isNull());
        viewModel.openedProperty().addListener((obs, old, now) -> show(now, viewModel.openedRecordProperty().get()));
        recordingBar.visibleProperty().bind(viewModel.recordingProperty().isNotNull());
        recordingBar.managedProperty().bind(recordingBar.visibleProperty());
        viewModel.recordingProperty().addListener((obs, old, now) -> {
            recordingLabel.setText(CallRecordings.recordingText(now));
            openRecordingButton.setDisable(!viewModel.canOpenRecording());
        });

        auditTable.setItems(viewModel.auditTrail());
        auditColumn(auditTimeColumn, a -> clock.format(a.time()));
        auditColumn(auditActionColumn, AuditEntry::action);
        auditColumn(auditOperatorColumn, a -> a.operator() == null ? "unknown" : a.operator());
        auditColumn(auditDetailsColumn, HistoryView::details);

        exportCallButton.disableProperty().bind(viewModel.openedRecordProperty().isNull().or(viewModel.exportingProperty()));
        exportResultsButton.disableProperty().bind(viewModel.totalProperty().isEqualTo(0).or(viewModel.exportingProperty()));
        cancelExportButton.disableProperty().bind(viewModel.exportingProperty().not());
        exportProgress.visibleProperty().bind(viewModel.exportProperty().isNotNull());
        exportProgress.managedProperty().bind(exportProgress.visibleProperty());
        viewModel.exportProperty().addListener((obs, old, task) -> {
            exportProgress.progressProperty().unbind();
            if (task != null) {
                exportProgress.progressProperty().bind(task.progressProperty());
            }
        });
        statusLabel.textProperty().bind(viewModel.statusProperty());
        viewModel.search();
    }

    // ---- actions (from FXML) ----

    @FXML
    private void search() {
        viewModel.search();
    }

    @FXML
    private void clearSearch() {
        viewModel.clearSearch();
    }

    @FXML
    private void previousPage() {
        viewModel.previousPage();
    }

    @FXML
    private void nextPage() {
        viewModel.nextPage();
    }

    @FXML
    private void refresh() {
        viewModel.refresh();
    }

    @FXML
    private void exportCall() {
        CallRecord record = viewModel.openedRecordProperty().get();
        if (record != null) {
            chooseTarget("Export call", "call-" + record.callId(),
                    (format, path) -> viewModel.exportOpened(format, path));
        }
    }

    @FXML
    private void exportResults() {
        chooseTarget("Export search result", "switchboard-history", viewModel::exportResults);
    }

    @FXML
    private void openRecording() {
        viewModel.openRecording();
    }

    @FXML
    private void cancelExport() {
        viewModel.cancelExport();
    }

    /** Opens the replay window for the selected calls (or the search shown), or brings it to the front. */
    @FXML
    public void openReplay() {
        List<CallRecord> selected = List.copyOf(callTable.getSelectionModel().getSelectedItems());
        if (replayStage != null) {
            replay.viewModel().setTarget(viewModel.replayTarget(selected));
            replayStage.toFront();
            replayStage.requestFocus();
            return;
        }
        ReplayViewModel model = viewModel.newReplay();
        if (model == null) {
            return;
        }
        model.setTarget(viewModel.replayTarget(selected));
        replay = new ReplayView(model);
        Stage stage = new Stage();
        stage.setTitle("Switchboard \u2014 replay calls against a candidate profile");
        Window owner = root().getScene() == null ? null : root().getScene().getWindow();
        stage.setScene(new Scene(replay.root(), 1320, 820));
        WindowLook.dressLike(owner, stage);
        stage.setOnHidden(e -> {
            model.close();
            replayStage = null;
            replay = null;
        });
        replayStage = stage;
        stage.show();
    }

    void closeReplay() {
        if (replayStage != null) {
            replayStage.close();
        }
    }

    private interface Exporter {
        Task<Long> start(ExportFormat format, Path target);
    }

    /** Asks where to write (see {@link ExportTargetChooser}) and starts the export there. */
    private void chooseTarget(String title, String baseName, Exporter exporter) {
        Window owner = root().getScene() == null ? null : root().getScene().getWindow();
        ExportTargetChooser.Target target = exportTargets.choose(owner, title, baseName);
        if (target != null) {
            exporter.start(target.format(), target.path());
        }
    }

    // ---- the opened call ----

    private void show(LiveCall call, CallRecord record) {
        conversation.getChildren().clear();
        if (call == null) {
            headerController.show(null, "");
            return;
        }
        List<String> info = new ArrayList<>();
        info.add(call.callId());
        if (record != null) {
            if (record.to() != null && !record.to().isBlank()) {
                info.add("to " + record.to());
            }
            info.add(started.format(record.startedAt()));
            info.add(record.ended() ? "ended: " + (record.endReason() == null ? "" : record.endReason()) : "in progress");
            info.add(record.eventCount() + " events");
        }
        headerController.show(call, String.join(" \u00b7 ", info));
        for (ConversationEntry entry : call.entries()) {
            conversation.getChildren().add(ConversationRows.row(entry));
        }
        conversationScroll.setVvalue(0);
    }

    // ---- cells ----

    private static void column(TableColumn<CallRecord, String> column, Function<CallRecord, String> value) {
        column.setCellValueFactory(cell -> constant(value.apply(cell.getValue())));
    }

    private static void auditColumn(TableColumn<AuditEntry, String> column, Function<AuditEntry, String> value) {
        column.setCellValueFactory(cell -> constant(value.apply(cell.getValue())));
    }

    private static ObservableValue<String> constant(String value) {
        return new ReadOnlyStringWrapper(value).getReadOnlyProperty();
    }

    static String length(Instant from, Instant to) {
        if (from == null || to == null) {
            return "";
        }
        long seconds = Math.max(0, Duration.between(from, to).getSeconds());
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    private static String flags(CallRecord c) {
        List<String> flags = new ArrayList<>();
        for (String reason : c.attention()) {
            flags.add(reason.toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        if (c.interruptions() > 0) {
            flags.add(c.interruptions() == 1 ? "1 cut" : c.interruptions() + " cuts");
        }
        return String.join(", ", flags);
    }

    /** The action's words or choices, without the operator (it has its own column). */
    static String details(AuditEntry entry) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Object> e : entry.details().entrySet()) {
            if ("operator".equals(e.getKey()) || e.getValue() == null) {
                continue;
            }
            String value = String.valueOf(e.getValue());
            if ("handToHuman".equals(e.getKey())) {
                if (Boolean.parseBoolean(value)) {
                    parts.add("handed to a human");
                }
            } else if ("text".equals(e.getKey())) {
                parts.add("\u201c" + value + "\u201d");
            } else if ("reason".equals(e.getKey())) {
                parts.add(value);
            } else if ("ttsLanguage".equals(e.getKey())) {
                parts.add("speech " + value);
            } else if ("transcriptionLanguage".equals(e.getKey())) {
                parts.add("transcription " + value);
            } else {
                parts.add(e.getKey() + ": " + value);
            }
        }
        return String.join(", ", parts);
    }

    // ---- for tests ----

    public TableView<CallRecord> callTable() {
        return callTable;
    }

    VBox conversationBox() {
        return conversation;
    }

    Button openRecordingButton() {
        return openRecordingButton;
    }

    Label recordingLabel() {
        return recordingLabel;
    }

    TableView<AuditEntry> auditTable() {
        return auditTable;
    }

    HistoryViewModel viewModel() {
        return viewModel;
    }

    public ReplayView replay() {
        return replay;
    }

    public Stage replayStage() {
        return replayStage;
    }
}
