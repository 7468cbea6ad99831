package app.switchboard.console.calls;

import app.switchboard.call.OutboundAttempt;
import app.switchboard.console.shared.FxmlView;
import app.switchboard.console.shared.StyleClasses;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ChangeListener;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/** The call list: one row per call, flagged calls first, selection drives the detail. */
public final class CallListView extends FxmlView<VBox> {

    private static final PseudoClass ATTENTION = PseudoClass.getPseudoClass("attention");
    private static final PseudoClass ENDED = PseudoClass.getPseudoClass("ended");

    @FXML private Label summaryLabel;
    @FXML private TableView<LiveCall> table;
    @FXML private TableColumn<LiveCall, LiveCall> attentionColumn;
    @FXML private TableColumn<LiveCall, String> callerColumn;
    @FXML private TableColumn<LiveCall, String> durationColumn;
    @FXML private TableColumn<LiveCall, String> stateColumn;
    @FXML private TableColumn<LiveCall, String> languageColumn;
    @FXML private TableColumn<LiveCall, String> latencyColumn;
    @FXML private TableColumn<LiveCall, String> supervisorsColumn;
    @FXML private TableColumn<LiveCall, String> outcomeColumn;
    @FXML private VBox outboundBox;
    @FXML private ListView<OutboundAttempt> outboundList;

    private final CallListViewModel viewModel;

    public CallListView(CallListViewModel viewModel) {
        this.viewModel = viewModel;
        summaryLabel.textProperty().bind(viewModel.summaryProperty());
        table.setItems(viewModel.calls());
        supervisorsColumn.visibleProperty().bind(viewModel.supervisorsShownProperty());
        callerColumn.setCellValueFactory(c -> c.getValue().callerProperty());
        durationColumn.setCellValueFactory(c -> c.getValue().durationTextProperty());
        stateColumn.setCellValueFactory(c -> c.getValue().stateLabelProperty());
        languageColumn.setCellValueFactory(c -> c.getValue().languageProperty());
        latencyColumn.setCellValueFactory(c -> c.getValue().latencyTextProperty());
        supervisorsColumn.setCellValueFactory(c -> c.getValue().presenceTextProperty());
        outcomeColumn.setCellValueFactory(c -> c.getValue().dispositionProperty());
        outcomeColumn.setCellFactory(column -> new OutcomeCell());
        attentionColumn.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue()));
        attentionColumn.setCellFactory(column -> new AttentionCell());
        stateColumn.setCellFactory(column -> new StateCell());
        callerColumn.setCellFactory(column -> new CallerCell());
        table.setRowFactory(t -> new CallRow());
        outboundList.setItems(viewModel.outbound());
        outboundList.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(OutboundAttempt a, boolean empty) {
                super.updateItem(a, empty);
                setText(empty || a == null ? null : a.to() + "  \u2014  " + a.status().label());
            }
        });
        outboundBox.visibleProperty().bind(Bindings.isNotEmpty(viewModel.outbound()));
        outboundBox.managedProperty().bind(outboundBox.visibleProperty());

        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            // Re-sorting briefly clears the table's selection; keep the supervisor's call.
            if (now != null) {
                viewModel.selectedProperty().set(now);
            }
        });
        // A call chosen elsewhere (an alert's "Open call") is shown selected, in view.
        viewModel.selectedProperty().addListener((obs, old, now) -> {
            if (now != null && table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
                table.scrollTo(now);
            }
        });
        viewModel.calls().addListener((javafx.collections.ListChangeListener<LiveCall>) change -> {
            LiveCall selected = viewModel.selectedProperty().get();
            if (selected != null && table.getSelectionModel().getSelectedItem() != selected) {
                table.getSelectionModel().select(selected);
            } else if (selected == null && !viewModel.calls().isEmpty()) {
                table.getSelectionModel().select(0);
            }
        });
        if (!viewModel.calls().isEmpty()) {
            table.getSelectionModel().select(0);
        }
    }

    public TableView<LiveCall> table() {
        return table;
    }

    /** Row styling follows the call's attention and ended flags. */
    private static final class CallRow extends TableRow<LiveCall> {
        private final ChangeListener<Boolean> restyle = (obs, old, now) -> restyle();
        private LiveCall shown;

        @Override
        protected void updateItem(LiveCall call, boolean empty) {
            super.updateItem(call, empty);
            if (shown != null) {
                shown.attentionProperty().removeListener(restyle);
                shown.endedProperty().removeListener(restyle);
            }
            shown = empty ? null : call;
            if (shown != null) {
                shown.attentionProperty().addListener(restyle);
                shown.endedProperty().addListener(restyle);
            }
            restyle();
        }

        private void restyle() {
            pseudoClassStateChanged(ATTENTION, shown != null && shown.needsAttention());
            pseudoClassStateChanged(ENDED, shown != null && shown.isEnded());
        }
    }

    /**
     * The flags column: "!" while the call model's attention flags are raised, and the alert
     * marker ("⚠ 2": the most urgent open alert's symbol and how many wait) until they are
     * acknowledged; each with its reasons in a tooltip. Symbols and text, never colour alone.
     */
    private static final class AttentionCell extends TableCell<LiveCall, LiveCall> {
        private final Label badge = new Label("!");
        private final Label alertBadge = new Label();
        private final javafx.scene.layout.HBox box = new javafx.scene.layout.HBox(3);
        private final Tooltip tip = new Tooltip();
        private final Tooltip alertTip = new Tooltip();
        private final ChangeListener<Object> refresh = (obs, old, now) -> show();
        private LiveCall shown;

        AttentionCell() {
            badge.getStyleClass().add("attention-badge");
            badge.setTooltip(tip);
            alertBadge.getStyleClass().add("alert-badge");
            alertBadge.setTooltip(alertTip);
            // Reasons can be added while the flag stays on: read them when the tip shows.
            tip.setOnShowing(e -> tip.setText(shown == null ? "" : String.join("\n", shown.attentionReasons())));
            alertTip.setOnShowing(e -> alertTip.setText(shown == null ? "" : String.join("\n", shown.openAlerts())));
        }

        @Override
        protected void updateItem(LiveCall call, boolean empty) {
            super.updateItem(call, empty);
            if (shown != null) {
                shown.attentionProperty().removeListener(refresh);
                shown.alertMarkerProperty().removeListener(refresh);
            }
            shown = empty ? null : call;
            if (shown != null) {
                shown.attentionProperty().addListener(refresh);
                shown.alertMarkerProperty().addListener(refresh);
            }
            show();
        }

        private void show() {
            if (shown == null) {
                setGraphic(null);
                return;
            }
            box.getChildren().clear();
            if (shown.needsAttention()) {
                tip.setText(String.join("\n", shown.attentionReasons()));
                // The row's colour is not the only sign: the badge is text, and says why to a screen reader.
                badge.setAccessibleText("Needs attention: " + String.join(", ", shown.attentionReasons()));
                box.getChildren().add(badge);
            }
            String marker = shown.alertMarkerProperty().get();
            if (!marker.isEmpty()) {
                alertBadge.setText(marker);
                alertBadge.setAccessibleText(shown.openAlerts().size() + " open alerts: " + String.join("; ", shown.openAlerts()));
                alertTip.setText(String.join("\n", shown.openAlerts()));
                box.getChildren().add(alertBadge);
            }
            setGraphic(box.getChildren().isEmpty() ? null : box);
        }
    }

    private static final class CallerCell extends TableCell<LiveCall, String> {
        @Override
        protected void updateItem(String caller, boolean empty) {
            super.updateItem(caller, empty);
            setText(empty ? null : (caller == null || caller.isBlank() ? "unknown" : caller));
        }
    }

    /** The state as a coloured chip: one style class per state. */
    private static final class StateCell extends TableCell<LiveCall, String> {
        private final Label chip = new Label();

        StateCell() {
            chip.getStyleClass().add("state-chip");
        }

        @Override
        protected void updateItem(String label, boolean empty) {
            super.updateItem(label, empty);
            LiveCall call = getTableRow() == null ? null : getTableRow().getItem();
            if (empty || label == null || call == null) {
                setGraphic(null);
                return;
            }
            chip.setText(label);
            StyleClasses.state(chip, call.state());
            setGraphic(chip);
        }
    }

    /** The post-call disposition; the summary itself in the tooltip. */
    private static final class OutcomeCell extends TableCell<LiveCall, String> {
        private final Tooltip tip = new Tooltip();

        OutcomeCell() {
            tip.setWrapText(true);
            tip.setMaxWidth(420);
        }

        @Override
        protected void updateItem(String disposition, boolean empty) {
            super.updateItem(disposition, empty);
            LiveCall call = getTableRow() == null ? null : getTableRow().getItem();
            if (empty || call == null || disposition == null || disposition.isEmpty()) {
                setText(null);
                setTooltip(null);
                return;
            }
            app.switchboard.call.Disposition known = app.switchboard.call.Disposition.ofLabel(disposition);
            setText(known == null ? disposition : known.shortLabel());
            tip.setText(disposition + ": " + call.summaryProperty().get());
            setTooltip(tip);
        }
    }
}
