package app.switchboard.console.detail;

import app.switchboard.call.CallState;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.console.shared.StyleClasses;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Label;

/**
 * The header of one call (who, state, language, duration, attention, a line of details):
 * {@code fxml/CallHeader.fxml}, included by the live call detail and by History. It follows the
 * call's properties, so a live call's header changes as the call does and a past call's stays.
 * Created by the FXML loader for each {@code fx:include}; public for that reason.
 */
public final class CallHeaderView {

    @FXML private Label callerLabel;
    @FXML private Label stateLabel;
    @FXML private Label languageLabel;
    @FXML private Label durationLabel;
    @FXML private Label attentionLabel;
    @FXML private Label infoLabel;

    private LiveCall shown;
    private final ChangeListener<CallState> onState = (obs, old, now) -> StyleClasses.state(stateLabel, now);

    /** Shows {@code call} (null: nothing) with {@code info} on the details line. */
    public void show(LiveCall call, String info) {
        if (shown != null) {
            shown.stateProperty().removeListener(onState);
        }
        callerLabel.textProperty().unbind();
        stateLabel.textProperty().unbind();
        languageLabel.textProperty().unbind();
        languageLabel.visibleProperty().unbind();
        durationLabel.textProperty().unbind();
        attentionLabel.textProperty().unbind();
        attentionLabel.visibleProperty().unbind();
        shown = call;
        if (call == null) {
            infoLabel.setText("");
            return;
        }
        callerLabel.textProperty().bind(Bindings.createStringBinding(
                () -> call.callerProperty().get().isBlank() ? "Unknown caller" : call.callerProperty().get(),
                call.callerProperty()));
        stateLabel.textProperty().bind(call.stateLabelProperty());
        languageLabel.textProperty().bind(call.languageProperty());
        languageLabel.visibleProperty().bind(call.languageProperty().isNotEmpty());
        durationLabel.textProperty().bind(call.durationTextProperty());
        attentionLabel.textProperty().bind(Bindings.concat("\u26a0 ", call.attentionTextProperty()));
        attentionLabel.visibleProperty().bind(call.attentionTextProperty().isNotEmpty());
        infoLabel.setText(info);
        StyleClasses.state(stateLabel, call.state());
        call.stateProperty().addListener(onState);
    }

    String callerText() {
        return callerLabel.getText();
    }

    String infoText() {
        return infoLabel.getText();
    }
}
