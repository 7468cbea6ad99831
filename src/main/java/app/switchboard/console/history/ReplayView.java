package app.switchboard.console.history;

import app.switchboard.console.shared.FxmlView;
import java.util.List;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * The replay window: the candidate profile editor, the run with progress and cancel, the stored
 * runs, and the opened run side by side (original and candidate answer per caller turn, changed
 * words highlighted, marks, latency and chunks). UI wiring only; state lives in
 * {@link ReplayViewModel}, the rows' content in {@link ReplayComparison}.
 */
public final class ReplayView extends FxmlView<BorderPane> {

    @FXML private Label targetLabel;
    @FXML private Label nameLabel;
    @FXML private Label promptLabel;
    @FXML private Label modelLabel;
    @FXML private Label baseUrlLabel;
    @FXML private ComboBox<String> profileChoice;
    @FXML private Button loadProfileButton;
    @FXML private Button saveProfileButton;
    @FXML private TextField nameField;
    @FXML private TextArea promptArea;
    @FXML private TextField modelField;
    @FXML private TextField baseUrlField;
    @FXML private TextField temperatureField;
    @FXML private CheckBox toolsCheck;
    @FXML private Spinner<Integer> concurrencySpinner;
    @FXML private Button runButton;
    @FXML private Button cancelButton;
    @FXML private ProgressBar runProgress;
    @FXML private ListView<ReplayViewModel.RunEntry> runList;
    @FXML private Button openRunButton;
    @FXML private Label compareLabel;
    @FXML private ComboBox<ReplayViewModel.RunEntry> compareChoice;
    @FXML private Label runTitle;
    @FXML private VBox summaryBox;
    @FXML private TableView<ReplayComparison.MetricRow> versusTable;
    @FXML private TableColumn<ReplayComparison.MetricRow, String> metricColumn;
    @FXML private TableColumn<ReplayComparison.MetricRow, String> thisRunColumn;
    @FXML private TableColumn<ReplayComparison.MetricRow, String> otherRunColumn;
    @FXML private ListView<ReplayComparison.CallRow> callList;
    @FXML private ScrollPane turnsScroll;
    @FXML private VBox turnsBox;
    @FXML private Label statusLabel;

    private final ReplayViewModel viewModel;

    public ReplayView(ReplayViewModel viewModel) {
        this.viewModel = viewModel;

        viewModel.targetProperty().addListener((obs, old, now) -> showTarget(now));
        showTarget(viewModel.targetProperty().get());

        profileChoice.setItems(viewModel.savedProfiles());
        loadProfileButton.disableProperty().bind(profileChoice.valueProperty().isNull());
        nameField.textProperty().bindBidirectional(viewModel.form().nameProperty());
        promptArea.textProperty().bindBidirectional(viewModel.form().systemPromptProperty());
        modelField.textProperty().bindBidirectional(viewModel.form().modelProperty());
        baseUrlField.textProperty().bindBidirectional(viewModel.form().baseUrlProperty());
        temperatureField.textProperty().bindBidirectional(viewModel.form().temperatureProperty());
        toolsCheck.selectedProperty().bindBidirectional(viewModel.form().toolsProperty());
        SpinnerValueFactory.IntegerSpinnerValueFactory calls =
                new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 64, viewModel.form().concurrencyProperty().get());
        concurrencySpinner.setValueFactory(calls);
        calls.valueProperty().addListener((obs, old, now) -> viewModel.form().concurrencyProperty().set(now == null ? 1 : now));
        viewModel.form().concurrencyProperty().addListener((obs, old, now) -> calls.setValue(now.intValue()));

        runButton.disableProperty().bind(viewModel.runningProperty());
        cancelButton.disableProperty().bind(viewModel.runningProperty().not());
        runProgress.progressProperty().bind(viewModel.progressProperty());
        runProgress.visibleProperty().bind(viewModel.runningProperty());
        statusLabel.textProperty().bind(viewModel.statusProperty());

        runList.setItems(viewModel.runs());
        compareChoice.setItems(viewModel.runs());
        openRunButton.disableProperty().bind(runList.getSelectionModel().selectedItemProperty().isNull());
        runList.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                openRun();
            }
        });
        // What a double click does, from the keyboard.
        runList.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER) {
                openRun();
                e.consume();
            }
        });
        // Alt+the underlined letter reaches each field (Tab cannot leave the prompt: it types a tab there).
        nameLabel.setLabelFor(nameField);
        promptLabel.setLabelFor(promptArea);
        modelLabel.setLabelFor(modelField);
        baseUrlLabel.setLabelFor(baseUrlField);
        compareLabel.setLabelFor(compareChoice);
        compareChoice.disableProperty().bind(viewModel.reportProperty().isNull());
        compareChoice.valueProperty().addListener((obs, old, now) -> viewModel.compareWith(now == null ? null : now.runId()));

        metricColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().metric()).getReadOnlyProperty());
        thisRunColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().thisRun()).getReadOnlyProperty());
        otherRunColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().otherRun()).getReadOnlyProperty());
        versusTable.setItems(viewModel.versus());
        versusTable.visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(viewModel.versus()));
        versusTable.managedProperty().bind(versusTable.visibleProperty());

        callList.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(ReplayComparison.CallRow row, boolean empty) {
                super.updateItem(row, empty);
                getStyleClass().remove("replay-call-flagged");
                setText(empty || row == null ? null : row.label());
                if (!empty && row != null && row.flagged()) {
                    getStyleClass().add("replay-call-flagged");
                }
            }
        });
        callList.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> showCall(now));
        viewModel.comparisonProperty().addListener((obs, old, now) -> showRun(now));
        viewModel.refresh();
    }

    // ---- actions (from FXML) ----

    @FXML
    private void loadProfile() {
        viewModel.loadProfile(profileChoice.getValue());
    }

    @FXML
    private void saveProfile() {
        viewModel.saveProfile();
    }

    @FXML
    private void run() {
        viewModel.run();
    }

    @FXML
    private void cancel() {
        viewModel.cancel();
    }

    @FXML
    private void openRun() {
        ReplayViewModel.RunEntry entry = runList.getSelectionModel().getSelectedItem();
        if (entry != null) {
            viewModel.openRun(entry.runId());
        }
    }

    // ---- rendering ----

    private void showTarget(ReplayViewModel.Target target) {
        targetLabel.setText(target == null ? "" : "Calls: " + target.description()
                + " \u00b7 caller turns replayed in order through the agent; tools run as dry runs, nothing reaches a call");
    }

    private void showRun(ReplayComparison run) {
        summaryBox.getChildren().clear();
        compareChoice.setValue(null);
        if (run == null) {
            callList.getItems().clear();
            turnsBox.getChildren().clear();
            return;
        }
        runTitle.setText("Run " + run.runId() + " \u00b7 " + run.title());
        for (String line : run.summary()) {
            Label l = new Label(line);
            l.getStyleClass().add("replay-summary-line");
            summaryBox.getChildren().add(l);
        }
        callList.getItems().setAll(run.calls());
        if (!run.calls().isEmpty()) {
            // The first call with something to read, else the first.
            ReplayComparison.CallRow first = run.calls().stream().filter(c -> c.changedTurns() > 0 || c.flagged())
                    .findFirst().orElse(run.calls().get(0));
            callList.getSelectionModel().select(first);
        }
    }

    private void showCall(ReplayComparison.CallRow call) {
        turnsBox.getChildren().clear();
        if (call == null) {
            return;
        }
        if (call.error() != null) {
            Label error = new Label("Not replayed: " + call.error());
            error.getStyleClass().add("replay-error");
            error.setWrapText(true);
            turnsBox.getChildren().add(error);
        }
        for (ReplayComparison.TurnRow turn : call.turns()) {
            turnsBox.getChildren().add(turnRow(turn));
        }
        turnsScroll.setVvalue(0);
    }

    static VBox turnRow(ReplayComparison.TurnRow turn) {
        HBox header = new HBox(6);
        header.setAlignment(Pos.CENTER_LEFT);
        Label index = new Label("Turn " + turn.index());
        index.getStyleClass().add("replay-turn-index");
        Label caller = new Label("Caller: " + turn.caller());
        caller.getStyleClass().add("replay-caller");
        caller.setWrapText(true);
        caller.setMinWidth(0);
        HBox.setHgrow(caller, Priority.ALWAYS);
        header.getChildren().addAll(index, caller);
        for (String mark : turn.marks()) {
            Label m = new Label(mark);
            m.getStyleClass().addAll("replay-mark", "replay-mark-" + mark.replaceAll("[^a-z]+", "-"));
            m.setMinWidth(Region.USE_PREF_SIZE);
            header.getChildren().add(m);
        }

        GridPane sides = new GridPane();
        sides.setHgap(10);
        ColumnConstraints half = new ColumnConstraints();
        half.setPercentWidth(50);
        sides.getColumnConstraints().addAll(half, half);
        sides.add(side("Original", turn.original(), "diff-removed"), 0, 0);
        sides.add(side("Candidate", turn.candidate(), "diff-added"), 1, 0);

        HBox meta = new HBox(14, new Label(turn.latency()), new Label(turn.chunks()));
        meta.getStyleClass().add("replay-meta");

        VBox row = new VBox(4, header, sides, meta);
        row.getStyleClass().add("replay-turn");
        if (turn.changed()) {
            row.getStyleClass().add("replay-turn-changed");
        }
        return row;
    }

    private static VBox side(String title, ReplayComparison.Side side, String changedClass) {
        Label heading = new Label(title + (side.outcome() == null || "completed".equals(side.outcome()) ? "" : " \u00b7 " + side.outcome()));
        heading.getStyleClass().add("replay-side-title");
        TextFlow words = new TextFlow();
        words.getStyleClass().add("replay-answer");
        for (ReplayComparison.Segment segment : side.segments()) {
            if (!words.getChildren().isEmpty()) {
                words.getChildren().add(new Text(" "));
            }
            if (segment.changed()) {
                // One label per word, so a long change still wraps inside the column.
                String[] parts = segment.text().split(" ");
                for (int i = 0; i < parts.length; i++) {
                    Label word = new Label(parts[i]);
                    word.getStyleClass().add(changedClass);
                    words.getChildren().add(word);
                    if (i < parts.length - 1) {
                        words.getChildren().add(new Text(" "));
                    }
                }
            } else {
                Text text = new Text(segment.text());
                text.getStyleClass().add("replay-word");
                words.getChildren().add(text);
            }
        }
        if (side.segments().isEmpty()) {
            Text none = new Text("not reached".equals(side.outcome()) ? "(not reached: the candidate had ended the call)"
                    : side.details().isEmpty() ? "(no answer)" : "(no words, only what is listed below)");
            none.getStyleClass().add("replay-none");
            words.getChildren().add(none);
        }
        VBox box = new VBox(3, heading, words);
        box.getStyleClass().add("replay-side");
        if (side.guardTripped()) {
            box.getStyleClass().add("replay-side-guard");
        }
        if (side.fault()) {
            box.getStyleClass().add("replay-side-fault");
        }
        if (!side.details().isEmpty()) {
            Label details = new Label(side.details());
            details.getStyleClass().add("replay-details");
            details.setWrapText(true);
            box.getChildren().add(details);
        }
        return box;
    }

    // ---- for tests ----

    VBox turnsBox() {
        return turnsBox;
    }

    ListView<ReplayComparison.CallRow> callList() {
        return callList;
    }

    public ListView<ReplayViewModel.RunEntry> runList() {
        return runList;
    }

    public Button runButton() {
        return runButton;
    }

    Button cancelButton() {
        return cancelButton;
    }

    public ReplayViewModel viewModel() {
        return viewModel;
    }

    List<Node> summaryLines() {
        return summaryBox.getChildren();
    }
}
