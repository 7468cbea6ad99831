package app.switchboard.console.account;

import app.switchboard.account.AccountNumber;
import app.switchboard.call.OutboundAttempt;
import app.switchboard.console.shared.FxmlView;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import javafx.util.StringConverter;

/** The "Call a number…" dialog: choose the caller ID, type the number, watch its status. */
public final class OutboundCallView extends FxmlView<VBox> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @FXML private Label unavailableLabel;
    @FXML private Label fromLabel;
    @FXML private Label toLabel;
    @FXML private ChoiceBox<AccountNumber> fromChoice;
    @FXML private TextField toField;
    @FXML private ProgressIndicator busyIndicator;
    @FXML private Button callButton;
    @FXML private Label callMessage;
    @FXML private ListView<OutboundAttempt> attemptsList;

    private final OutboundCallViewModel viewModel;
    private final Timeline refresh;

    public OutboundCallView(OutboundCallViewModel viewModel) {
        this.viewModel = viewModel;
        unavailableLabel.textProperty().bind(viewModel.unavailableProperty());
        unavailableLabel.visibleProperty().bind(viewModel.unavailableProperty().isNotEmpty());
        unavailableLabel.managedProperty().bind(unavailableLabel.visibleProperty());
        // Alt+F / Alt+T reach the fields.
        fromLabel.setLabelFor(fromChoice);
        toLabel.setLabelFor(toField);
        fromChoice.setItems(viewModel.fromNumbers());
        fromChoice.valueProperty().bindBidirectional(viewModel.fromProperty());
        fromChoice.setConverter(new StringConverter<>() {
            @Override
            public String toString(AccountNumber n) {
                return n == null ? "" : n.phoneNumber() + (n.friendlyName().isBlank() ? "" : "  \u2014  " + n.friendlyName());
            }

            @Override
            public AccountNumber fromString(String s) {
                return null;
            }
        });
        toField.textProperty().bindBidirectional(viewModel.toProperty());
        boolean unavailable = !viewModel.available();
        fromChoice.setDisable(unavailable);
        toField.setDisable(unavailable);
        callButton.disableProperty().bind(viewModel.busyProperty().or(
                javafx.beans.binding.Bindings.createBooleanBinding(() -> unavailable)));
        busyIndicator.visibleProperty().bind(viewModel.busyProperty());
        callMessage.textProperty().bind(viewModel.messageProperty());
        attemptsList.setItems(viewModel.attempts());
        attemptsList.setPlaceholder(new Label("No outbound calls yet"));
        attemptsList.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(OutboundAttempt a, boolean empty) {
                super.updateItem(a, empty);
                setText(empty || a == null ? null : TIME.format(a.placedAt()) + "  " + a.to() + "  from " + a.from()
                        + "  \u2014  " + a.status().label()
                        + (a.durationSeconds() >= 0 ? " (" + a.durationSeconds() + " s)" : ""));
            }
        });
        // Esc closes it, as it closes the console's other dialogs.
        root().addEventHandler(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE && root().getScene() != null) {
                root().getScene().getWindow().hide();
                e.consume();
            }
        });
        // The relay's list is in memory: reading it once a second while the dialog is open is cheap.
        refresh = new Timeline(new KeyFrame(Duration.seconds(1), e -> viewModel.refreshAttempts()));
        refresh.setCycleCount(Timeline.INDEFINITE);
        refresh.play();
        viewModel.loadNumbers();
    }

    @FXML
    private void call() {
        viewModel.call();
    }

    /** Stops the refresh; the dialog calls it when hidden. */
    public void stop() {
        refresh.stop();
        viewModel.close();
    }

    TextField toField() {
        return toField;
    }

    Button callButton() {
        return callButton;
    }

    public Label callMessage() {
        return callMessage;
    }
}
