package app.switchboard.console.floor;

import java.util.Arrays;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.beans.value.ObservableStringValue;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * The floor band ({@code fxml/Floor.fxml}, included by the main window above the call list):
 * binds the labels to a {@link FloorViewModel} and draws the last hour. Created by the FXML loader
 * for the {@code fx:include}; public for that reason.
 */
public final class FloorView {

    private static final PseudoClass ALERT = PseudoClass.getPseudoClass("alert");

    @FXML private Label liveValue;
    @FXML private Label waitingValue;
    @FXML private Label flaggedValue;
    @FXML private Label containmentValue;
    @FXML private Label containmentDetail;
    @FXML private Label handoffsValue;
    @FXML private Label handleValue;
    @FXML private Label latencyValue;
    @FXML private Label latencyDetail;
    @FXML private Label faultsValue;
    @FXML private VBox waitingTile;
    @FXML private VBox flaggedTile;
    @FXML private Label openAlertsDetail;
    @FXML private VBox faultsTile;
    @FXML private VBox callsChartBox;
    @FXML private VBox latencyChartBox;
    @FXML private Label hourSummary;
    @FXML private Label latencyScale;

    private final Sparkline callsChart = new Sparkline(true);
    private final Sparkline latencyChart = new Sparkline(false);

    /** Wires the band to {@code model}; once, on the FX thread. */
    public void bind(FloorViewModel model) {
        value(liveValue, "Live calls", model.liveProperty());
        value(waitingValue, "Calls waiting for a human", model.waitingProperty());
        value(flaggedValue, "Flagged live calls", model.flaggedProperty());
        openAlertsDetail.textProperty().bind(model.openAlertsProperty());
        openAlertsDetail.accessibleTextProperty().bind(javafx.beans.binding.Bindings.concat("Unacknowledged alerts: ",
                model.openAlertsProperty()));
        value(containmentValue, "AI containment today", model.containmentProperty());
        containmentDetail.textProperty().bind(model.containmentDetailProperty());
        value(handoffsValue, "Handoffs today", model.handoffsProperty());
        value(handleValue, "Average handle time today", model.handleTimeProperty());
        value(latencyValue, "First-token latency p50 and p95 today", model.latencyProperty());
        latencyDetail.textProperty().bind(model.latencyDetailProperty());
        value(faultsValue, "Faults today", model.faultsProperty());
        // Not by colour alone: the tile also shows its number, and an alerting tile gets a border.
        alert(waitingTile, model.someoneWaitingProperty());
        alert(flaggedTile, model.anyFlaggedProperty());
        alert(faultsTile, model.anyFaultProperty());
        hourSummary.textProperty().bind(model.hourSummaryProperty());
        // The figures' tiles keep their width; the two charts give way when the window is narrow.
        for (javafx.scene.Node tile : waitingTile.getParent().getChildrenUnmodifiable()) {
            if (tile != callsChartBox && tile != latencyChartBox && tile instanceof VBox box) {
                box.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            }
        }
        callsChart.setColor(Color.web("#5b8def"));
        latencyChart.setColor(Color.web("#f0a43a"));
        callsChart.setAccessibleText("Calls started per 5 minutes over the last hour");
        latencyChart.setAccessibleText("First-token latency p95 per 5 minutes over the last hour");
        callsChartBox.getChildren().add(1, callsChart);
        latencyChartBox.getChildren().add(1, latencyChart);
        model.callsPerSliceProperty().addListener((obs, old, now) -> callsChart.setValues(now));
        model.latencyPerSliceProperty().addListener((obs, old, now) -> {
            latencyChart.setValues(now);
            double max = Arrays.stream(now).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
            latencyScale.setText(Double.isNaN(max) ? "no answered turn" : "peak " + FloorViewModel.ms(max));
        });
        latencyScale.setText("no answered turn");
    }

    private static void value(Label label, String name, ObservableStringValue text) {
        label.textProperty().bind(text);
        label.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // a figure is never cut to "…"
        label.accessibleTextProperty().bind(Bindings.concat(name, ": ", text));
    }

    private static void alert(VBox tile, ObservableBooleanValue on) {
        tile.pseudoClassStateChanged(ALERT, on.get());
        on.addListener((obs, old, now) -> tile.pseudoClassStateChanged(ALERT, now));
    }

    Label liveValue() {
        return liveValue;
    }

    Label containmentValue() {
        return containmentValue;
    }
}
