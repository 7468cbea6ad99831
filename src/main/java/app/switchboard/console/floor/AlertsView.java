package app.switchboard.console.floor;

import app.switchboard.console.shared.FxmlView;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The alert banner at the top of the main window: non-modal, one row per unacknowledged alert
 * (severity as a symbol and a word, the call and the reason, Acknowledge, Open call), the newest
 * {@value #ROWS_SHOWN} shown and a count of the rest. UI wiring only; see {@link AlertsViewModel}.
 */
public final class AlertsView extends FxmlView<VBox> {

    static final int ROWS_SHOWN = 5;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @FXML private Label summaryLabel;
    @FXML private Label messageLabel;
    @FXML private VBox rows;
    @FXML private Label moreLabel;

    private final AlertsViewModel viewModel;

    public AlertsView(AlertsViewModel viewModel) {
        this.viewModel = viewModel;
        summaryLabel.textProperty().bind(viewModel.summaryProperty());
        messageLabel.textProperty().bind(viewModel.messageProperty());
        root().visibleProperty().bind(Bindings.isNotEmpty(viewModel.open()));
        root().managedProperty().bind(root().visibleProperty());
        viewModel.open().addListener((ListChangeListener<AlertsViewModel.OpenAlert>) change -> rebuild());
        rebuild();
    }

    /** Alerts come and go a few times a minute at most: rebuilding the few rows is cheaper than diffing. */
    private void rebuild() {
        rows.getChildren().clear();
        int n = viewModel.open().size();
        for (int i = 0; i < Math.min(ROWS_SHOWN, n); i++) {
            rows.getChildren().add(row(viewModel.open().get(i)));
        }
        moreLabel.setText(n > ROWS_SHOWN ? "\u2026 and " + (n - ROWS_SHOWN) + " older alerts" : "");
        moreLabel.setVisible(n > ROWS_SHOWN);
        moreLabel.setManaged(n > ROWS_SHOWN);
    }

    private HBox row(AlertsViewModel.OpenAlert alert) {
        Label severity = new Label(alert.severityText());
        severity.getStyleClass().addAll("alert-severity", "alert-" + alert.severity().key());
        severity.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        Label time = new Label(TIME.format(alert.time().atZone(ZoneId.systemDefault())));
        time.getStyleClass().add("alert-time");
        Label text = new Label(alert.text());
        text.getStyleClass().add("alert-text");
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        Button acknowledge = new Button("Acknowledge");
        acknowledge.getStyleClass().add("alert-acknowledge");
        acknowledge.setAccessibleText("Acknowledge " + alert.severity().key() + " alert: " + alert.text());
        acknowledge.setOnAction(e -> viewModel.acknowledge(alert));
        Button open = new Button("Open call");
        open.getStyleClass().add("alert-open");
        open.setAccessibleText("Open the call of this alert: " + alert.text());
        open.setOnAction(e -> viewModel.openCall(alert));
        HBox row = new HBox(8, severity, time, text, acknowledge, open);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().addAll("alert-row", "alert-row-" + alert.severity().key());
        row.setAccessibleText(alert.severity().key() + " alert: " + alert.text());
        return row;
    }

    public VBox rows() {
        return rows;
    }
}
