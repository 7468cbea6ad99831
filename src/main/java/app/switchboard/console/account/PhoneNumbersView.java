package app.switchboard.console.account;

import app.switchboard.console.shared.WindowLook;
import app.switchboard.account.AccountNumber;
import app.switchboard.console.shared.FxmlView;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.VBox;

/** The settings dialog's phone-number section; every change asks first, showing the current value. */
public final class PhoneNumbersView extends FxmlView<VBox> {

    @FXML private Label numbersLabel;
    @FXML private Label unavailableLabel;
    @FXML private ListView<AccountNumber> numbersList;
    @FXML private Button refreshButton;
    @FXML private Button pointButton;
    @FXML private Button restoreButton;
    @FXML private ProgressIndicator busyIndicator;
    @FXML private Label numbersMessage;

    private final PhoneNumbersViewModel viewModel;
    private Alert confirmation;
    private String selectedSid;

    public PhoneNumbersView(PhoneNumbersViewModel viewModel) {
        this.viewModel = viewModel;
        unavailableLabel.textProperty().bind(viewModel.unavailableProperty());
        unavailableLabel.visibleProperty().bind(viewModel.unavailableProperty().isNotEmpty());
        unavailableLabel.managedProperty().bind(unavailableLabel.visibleProperty());
        // Alt+N reaches the list at the end of the settings' long scrolling body.
        numbersLabel.setLabelFor(numbersList);
        numbersList.setItems(viewModel.numbers());
        numbersList.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(AccountNumber number, boolean empty) {
                super.updateItem(number, empty);
                setText(empty || number == null ? null : number.phoneNumber()
                        + (number.friendlyName().isBlank() || number.friendlyName().equals(number.phoneNumber())
                        ? "" : "  \u2014  " + number.friendlyName())
                        + "\n" + number.voice().describe());
            }
        });
        numbersList.setPlaceholder(new Label(viewModel.available() ? "No numbers loaded" : "Unavailable"));
        var selected = numbersList.getSelectionModel().selectedItemProperty();
        // A number updated by Twilio's answer replaces its row, which drops the selection: keep it on that number.
        viewModel.numbers().addListener((javafx.collections.ListChangeListener<AccountNumber>) change -> {
            String sid = selectedSid;
            if (sid != null && numbersList.getSelectionModel().getSelectedItem() == null) {
                for (int i = 0; i < viewModel.numbers().size(); i++) {
                    if (viewModel.numbers().get(i).sid().equals(sid)) {
                        numbersList.getSelectionModel().select(i);
                        break;
                    }
                }
            }
        });
        selected.addListener((obs, old, now) -> {
            if (now != null) {
                selectedSid = now.sid();
            }
        });
        boolean unavailable = !viewModel.available();
        refreshButton.setDisable(unavailable);
        pointButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> unavailable || selected.get() == null || viewModel.busyProperty().get(),
                selected, viewModel.busyProperty()));
        restoreButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> selected.get() == null || viewModel.busyProperty().get() || !viewModel.canRestore(selected.get()),
                selected, viewModel.busyProperty(), viewModel.numbers()));
        busyIndicator.visibleProperty().bind(viewModel.busyProperty());
        numbersMessage.textProperty().bind(viewModel.messageProperty());
        viewModel.load();
    }

    @FXML
    private void refresh() {
        viewModel.load();
    }

    @FXML
    private void point() {
        AccountNumber number = numbersList.getSelectionModel().getSelectedItem();
        if (number != null) {
            viewModel.preparePoint(number, this::confirm);
        }
    }

    @FXML
    private void restore() {
        AccountNumber number = numbersList.getSelectionModel().getSelectedItem();
        if (number != null) {
            viewModel.prepareRestore(number, this::confirm);
        }
    }

    /** Not showAndWait: the FX thread keeps running, and the answer arrives as an event. */
    private void confirm(PhoneNumbersViewModel.Confirmation what) {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, what.text(), ButtonType.CANCEL, ButtonType.OK);
        alert.setTitle("Switchboard \u2014 phone number");
        alert.setHeaderText(what.title());
        WindowLook.dressLike(root().getScene() == null ? null : root().getScene().getWindow(), alert);
        alert.setOnHidden(e -> {
            confirmation = null;
            if (alert.getResult() == ButtonType.OK) {
                viewModel.apply(what);
            }
        });
        confirmation = alert;
        alert.show();
    }

    /** The confirmation on screen, if any (tests answer it). */
    public Alert confirmation() {
        return confirmation;
    }

    public Button pointButton() {
        return pointButton;
    }

    Button restoreButton() {
        return restoreButton;
    }

    public ListView<AccountNumber> numbersList() {
        return numbersList;
    }
}
