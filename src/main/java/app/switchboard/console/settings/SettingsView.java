package app.switchboard.console.settings;

import app.switchboard.console.shared.FxmlView;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.Node;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;

/** The settings dialog: fields bound to {@link SettingsViewModel}; Save checks and writes. */
public final class SettingsView extends FxmlView<BorderPane> {

    @FXML private TextField portField;
    @FXML private TextField publicUrlField;
    @FXML private ChoiceBox<SettingsViewModel.TlsSource> tlsChoice;
    @FXML private TextField keystoreField;
    @FXML private TextField certificateField;
    @FXML private TextField privateKeyField;
    @FXML private TextField modelField;
    @FXML private TextField baseUrlField;
    @FXML private TextArea systemPromptArea;
    @FXML private TextField fallbackField;
    @FXML private TextField handoffField;
    @FXML private TextField supervisorNameField;
    @FXML private TextField holdGraceField;
    @FXML private TextField retentionField;
    @FXML private TextField greetingField;
    @FXML private TextField languageField;
    @FXML private TextField languagesField;
    @FXML private TextField ttsProviderField;
    @FXML private TextField voiceField;
    @FXML private TextField transcriptionProviderField;
    @FXML private TextField speechModelField;
    @FXML private TextField interruptibleField;
    @FXML private CheckBox dtmfCheck;
    @FXML private CheckBox partialPromptsCheck;
    @FXML private CheckBox applicationReconnectCheck;
    @FXML private CheckBox recordCallsCheck;
    @FXML private CheckBox listenToCallsCheck;
    @FXML private CheckBox darkThemeCheck;
    @FXML private ChoiceBox<Integer> textSizeChoice;
    @FXML private Label openAiKeyLabel;
    @FXML private Label twilioTokenLabel;
    @FXML private Label keystorePasswordLabel;
    @FXML private Label messageLabel;
    @FXML private Label fileLabel;
    @FXML private Button saveButton;
    @FXML private Button cancelButton;
    @FXML private VBox accountSection;
    @FXML private javafx.scene.control.TableView<AttentionRuleRow> rulesTable;
    @FXML private javafx.scene.control.TableColumn<AttentionRuleRow, Boolean> ruleEnabledColumn;
    @FXML private javafx.scene.control.TableColumn<AttentionRuleRow, app.switchboard.call.AlertRule.Kind> ruleKindColumn;
    @FXML private javafx.scene.control.TableColumn<AttentionRuleRow, String> ruleParameterColumn;
    @FXML private javafx.scene.control.TableColumn<AttentionRuleRow, app.switchboard.call.AlertRule.Severity> ruleSeverityColumn;
    @FXML private ChoiceBox<app.switchboard.call.AlertRule.Kind> newRuleKindChoice;
    @FXML private Button removeRuleButton;

    private final SettingsViewModel viewModel;
    private Runnable onDone = () -> { };

    public SettingsView(SettingsViewModel viewModel) {
        this.viewModel = viewModel;
        portField.textProperty().bindBidirectional(viewModel.portProperty());
        publicUrlField.textProperty().bindBidirectional(viewModel.publicUrlProperty());
        tlsChoice.getItems().setAll(SettingsViewModel.TlsSource.values());
        tlsChoice.valueProperty().bindBidirectional(viewModel.tlsSourceProperty());
        keystoreField.textProperty().bindBidirectional(viewModel.keystoreProperty());
        certificateField.textProperty().bindBidirectional(viewModel.certificateProperty());
        privateKeyField.textProperty().bindBidirectional(viewModel.privateKeyProperty());
        keystoreField.disableProperty().bind(viewModel.tlsSourceProperty().isNotEqualTo(SettingsViewModel.TlsSource.KEYSTORE));
        certificateField.disableProperty().bind(viewModel.tlsSourceProperty().isNotEqualTo(SettingsViewModel.TlsSource.PEM));
        privateKeyField.disableProperty().bind(viewModel.tlsSourceProperty().isNotEqualTo(SettingsViewModel.TlsSource.PEM));
        modelField.textProperty().bindBidirectional(viewModel.modelProperty());
        baseUrlField.textProperty().bindBidirectional(viewModel.baseUrlProperty());
        systemPromptArea.textProperty().bindBidirectional(viewModel.systemPromptProperty());
        fallbackField.textProperty().bindBidirectional(viewModel.fallbackSentenceProperty());
        handoffField.textProperty().bindBidirectional(viewModel.handoffNumberProperty());
        supervisorNameField.textProperty().bindBidirectional(viewModel.supervisorNameProperty());
        holdGraceField.textProperty().bindBidirectional(viewModel.holdGraceSecondsProperty());
        retentionField.textProperty().bindBidirectional(viewModel.retentionDaysProperty());
        greetingField.textProperty().bindBidirectional(viewModel.welcomeGreetingProperty());
        languageField.textProperty().bindBidirectional(viewModel.languageProperty());
        languagesField.textProperty().bindBidirectional(viewModel.languagesProperty());
        ttsProviderField.textProperty().bindBidirectional(viewModel.ttsProviderProperty());
        voiceField.textProperty().bindBidirectional(viewModel.voiceProperty());
        transcriptionProviderField.textProperty().bindBidirectional(viewModel.transcriptionProviderProperty());
        speechModelField.textProperty().bindBidirectional(viewModel.speechModelProperty());
        interruptibleField.textProperty().bindBidirectional(viewModel.interruptibleProperty());
        dtmfCheck.selectedProperty().bindBidirectional(viewModel.dtmfDetectionProperty());
        partialPromptsCheck.selectedProperty().bindBidirectional(viewModel.partialPromptsProperty());
        applicationReconnectCheck.selectedProperty().bindBidirectional(viewModel.applicationReconnectProperty());
        recordCallsCheck.selectedProperty().bindBidirectional(viewModel.recordCallsProperty());
        listenToCallsCheck.selectedProperty().bindBidirectional(viewModel.listenToCallsProperty());
        darkThemeCheck.selectedProperty().bindBidirectional(viewModel.darkThemeProperty());
        textSizeChoice.getItems().setAll(SettingsViewModel.textSizes());
        textSizeChoice.valueProperty().bindBidirectional(viewModel.textSizePercentProperty());
        openAiKeyLabel.setText(viewModel.openAiKeyPresence());
        twilioTokenLabel.setText(viewModel.twilioTokenPresence());
        keystorePasswordLabel.setText(viewModel.keystorePasswordPresence());
        messageLabel.textProperty().bind(viewModel.messageProperty());
        fileLabel.setText(viewModel.configFile());
        bindAttentionRules();
    }

    private void bindAttentionRules() {
        rulesTable.setItems(viewModel.attentionRules());
        ruleEnabledColumn.setCellValueFactory(c -> c.getValue().enabledProperty());
        var checkBoxes = javafx.scene.control.cell.CheckBoxTableCell.forTableColumn(ruleEnabledColumn);
        ruleEnabledColumn.setCellFactory(column -> {
            javafx.scene.control.TableCell<AttentionRuleRow, Boolean> cell = checkBoxes.call(column);
            // The cell's check box is a control of its own: a screen reader needs its name too.
            cell.graphicProperty().addListener((obs, old, box) -> {
                if (box != null) {
                    box.setAccessibleText("Rule enabled");
                }
            });
            return cell;
        });
        ruleKindColumn.setCellValueFactory(c -> c.getValue().kindProperty());
        ruleKindColumn.setCellFactory(javafx.scene.control.cell.ChoiceBoxTableCell.forTableColumn(
                app.switchboard.call.AlertRule.Kind.values()));
        ruleParameterColumn.setCellValueFactory(c -> c.getValue().parameterProperty());
        ruleParameterColumn.setCellFactory(javafx.scene.control.cell.TextFieldTableCell.forTableColumn());
        ruleSeverityColumn.setCellValueFactory(c -> c.getValue().severityProperty());
        // The symbol beside the word, as in the alert banner.
        ruleSeverityColumn.setCellFactory(javafx.scene.control.cell.ChoiceBoxTableCell.forTableColumn(
                new javafx.util.StringConverter<>() {
                    @Override
                    public String toString(app.switchboard.call.AlertRule.Severity s) {
                        return s == null ? "" : s.icon() + " " + s.key();
                    }

                    @Override
                    public app.switchboard.call.AlertRule.Severity fromString(String text) {
                        return app.switchboard.call.AlertRule.Severity.of(text.replaceAll("^\\P{L}+", ""));
                    }
                }, app.switchboard.call.AlertRule.Severity.values()));
        newRuleKindChoice.getItems().setAll(app.switchboard.call.AlertRule.Kind.values());
        newRuleKindChoice.setValue(app.switchboard.call.AlertRule.Kind.PHRASE);
        removeRuleButton.disableProperty().bind(rulesTable.getSelectionModel().selectedItemProperty().isNull());
    }

    @FXML
    private void addRule() {
        AttentionRuleRow row = viewModel.addAttentionRule(newRuleKindChoice.getValue() == null
                ? app.switchboard.call.AlertRule.Kind.PHRASE : newRuleKindChoice.getValue());
        rulesTable.getSelectionModel().select(row);
        rulesTable.scrollTo(row);
    }

    @FXML
    private void removeRule() {
        AttentionRuleRow row = rulesTable.getSelectionModel().getSelectedItem();
        if (row != null) {
            viewModel.removeAttentionRule(row);
        }
    }

    javafx.scene.control.TableView<AttentionRuleRow> rulesTable() {
        return rulesTable;
    }

    /** Shows the Twilio phone-number section (it acts at once; Save and Cancel do not affect it). */
    public void showAccount(Node section) {
        accountSection.getChildren().setAll(section);
    }

    public void onDone(Runnable action) {
        this.onDone = action;
    }

    @FXML
    private void save() {
        if (viewModel.save()) {
            onDone.run();
        }
    }

    @FXML
    private void cancel() {
        onDone.run();
    }
}
