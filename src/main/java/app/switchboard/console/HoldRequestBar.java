package app.switchboard.console;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/** The banner shown while another supervisor asks for a call this one holds: release it, or keep it. */
final class HoldRequestBar {

    private HoldRequestBar() {
    }

    static HBox of(MainWindowViewModel viewModel) {
        Label text = new Label();
        text.setId("holdRequestText");
        text.setWrapText(true);
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        text.textProperty().bind(viewModel.holdRequestProperty());
        Button release = new Button("Release");
        release.setId("releaseRequestedButton");
        release.setOnAction(e -> viewModel.releaseRequested());
        Button dismiss = new Button("Keep it");
        dismiss.setOnAction(e -> viewModel.dismissHoldRequest());
        HBox bar = new HBox(8, text, release, dismiss);
        bar.setId("holdRequestBar");
        bar.getStyleClass().add("notice-banner");
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.visibleProperty().bind(viewModel.holdRequestProperty().isNotEmpty());
        bar.managedProperty().bind(bar.visibleProperty());
        return bar;
    }
}
