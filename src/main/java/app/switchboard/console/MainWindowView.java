package app.switchboard.console;

import app.switchboard.console.shared.WindowLook;
import app.switchboard.console.account.OutboundCallView;
import app.switchboard.console.account.OutboundCallViewModel;
import app.switchboard.console.account.PhoneNumbersView;
import app.switchboard.console.account.PhoneNumbersViewModel;
import app.switchboard.console.calls.CallListView;
import app.switchboard.console.detail.CallDetailView;
import app.switchboard.console.floor.AlertsView;
import app.switchboard.console.floor.FloorView;
import app.switchboard.console.history.HistoryView;
import app.switchboard.console.history.HistoryViewModel;
import app.switchboard.console.settings.SettingsView;
import app.switchboard.console.settings.SettingsViewModel;
import app.switchboard.console.shared.Appearance;
import app.switchboard.console.shared.FxmlView;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.Scene;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The main window: call list beside the selected call, menus, status bar. */
public final class MainWindowView extends FxmlView<BorderPane> {

    private static final PseudoClass WARNING = PseudoClass.getPseudoClass("warning");
    private static final KeyCombination HISTORY_KEY = KeyCombination.keyCombination("Shortcut+H");

    @FXML private SplitPane split;
    @FXML private CheckMenuItem darkThemeItem;
    @FXML private Label relayLabel;
    @FXML private Label tlsLabel;
    @FXML private Label signaturesLabel;
    @FXML private Label modelLabel;
    @FXML private Label liveCallsLabel;
    @FXML private MenuItem historyItem;
    @FXML private Label storeBanner;
    @FXML private Label connectionBanner;
    @FXML private Label noticeBanner;
    @FXML private MenuItem connectItem;
    @FXML private FloorView floorController;

    private final MainWindowViewModel viewModel;
    private final CallListView list;
    private final CallDetailView detail;
    private final AlertsView alerts;
    private Runnable onQuit = () -> { };
    private Stage historyStage;
    private HistoryView history;
    private Stage outboundStage;
    private OutboundCallView outboundCall;
    private PhoneNumbersView phoneNumbers;
    private ConnectDialog connectDialog;
    /** What the settings dialog edits: the launcher's settings, then whatever it last saved. */
    private app.switchboard.config.Settings settings;
    /** Light or dark and the text size, on every window of this console; saved in the settings. */
    private Appearance appearance;
    /** Where the supervisor left the window, its split and columns (ConsoleWindow loads and saves it). */
    private WindowLayout layout = WindowLayout.NONE;
    private javafx.scene.control.Dialog<Void> about;

    public MainWindowView(MainWindowViewModel viewModel) {
        this.viewModel = viewModel;
        this.settings = viewModel.context().settings();
        this.appearance = Appearance.of(settings);
        this.list = new CallListView(viewModel.list());
        this.detail = new CallDetailView(viewModel.detail());
        split.getItems().setAll(list.root(), detail.root());
        SplitPane.setResizableWithParent(list.root(), false);
        floorController.bind(viewModel.floor());

        relayLabel.textProperty().bind(viewModel.relayProperty());
        tlsLabel.textProperty().bind(viewModel.tlsProperty());
        Tooltip tlsTip = new Tooltip();
        tlsTip.textProperty().bind(viewModel.tlsFullProperty());
        tlsLabel.setTooltip(tlsTip);
        signaturesLabel.textProperty().bind(viewModel.signaturesProperty());
        signaturesLabel.pseudoClassStateChanged(WARNING, !viewModel.verifiedProperty().get());
        viewModel.verifiedProperty().addListener((obs, old, now) -> signaturesLabel.pseudoClassStateChanged(WARNING, !now));
        modelLabel.textProperty().bind(viewModel.modelProperty());
        liveCallsLabel.textProperty().bind(viewModel.liveCallsProperty());

        storeBanner.textProperty().bind(viewModel.storeWarningProperty());
        storeBanner.visibleProperty().bind(viewModel.storeDegradedProperty());
        storeBanner.managedProperty().bind(viewModel.storeDegradedProperty());
        if (!viewModel.hasHistory()) {
            historyItem.setText("Past calls… (no history store)");
            historyItem.setDisable(true);
        }
        historyItem.setAccelerator(HISTORY_KEY);

        connectionBanner.textProperty().bind(viewModel.connectionBannerProperty());
        connectionBanner.visibleProperty().bind(viewModel.connectionBannerProperty().isNotEmpty());
        connectionBanner.managedProperty().bind(connectionBanner.visibleProperty());
        noticeBanner.textProperty().bind(viewModel.noticeProperty());
        noticeBanner.visibleProperty().bind(viewModel.noticeShownProperty());
        noticeBanner.managedProperty().bind(viewModel.noticeShownProperty());
        if (viewModel.context().connector() == null) {
            connectItem.setVisible(false);
        }
        javafx.scene.layout.Pane banners = (javafx.scene.layout.Pane) noticeBanner.getParent();
        banners.getChildren().add(banners.getChildren().indexOf(noticeBanner) + 1, HoldRequestBar.of(viewModel));
        darkThemeItem.setSelected(appearance.dark());
        // The alert banner goes under the other banners: they say the console is degraded, it says a call needs someone.
        alerts = new AlertsView(viewModel.alerts());
        banners.getChildren().add(alerts.root());
    }

    AlertsView alerts() {
        return alerts;
    }

    /** File › Connect to relay…: a console over another relay opens in its own window. */
    @FXML
    void openConnect() {
        RelayConnector connector = viewModel.context().connector();
        if (connector == null) {
            return;
        }
        Window owner = root().getScene() == null ? null : root().getScene().getWindow();
        ConnectDialog dialog = new ConnectDialog(connector, settings, viewModel.context().directories(),
                (remote, relayName) -> {
                    Stage stage = new Stage();
                    ConsoleWindow.show(stage, viewModel.context().overRemote(remote, relayName, settings));
                });
        connectDialog = dialog;
        dialog.show(owner);
    }

    ConnectDialog connectDialog() {
        return connectDialog;
    }

    Label connectionBanner() {
        return connectionBanner;
    }

    Label noticeBanner() {
        return noticeBanner;
    }

    /** Scene-wide shortcuts; call once the root is in its scene. */
    void installShortcuts(Scene scene) {
        detail.installShortcuts(scene);
        scene.getAccelerators().put(HISTORY_KEY, this::openHistory);
    }

    /** Opens the History window, or brings it to the front if it is open. */
    @FXML
    public void openHistory() {
        if (!viewModel.hasHistory()) {
            return;
        }
        if (historyStage != null) {
            historyStage.toFront();
            historyStage.requestFocus();
            return;
        }
        ConsoleContext context = viewModel.context();
        HistoryViewModel model = HistoryViewModel.forConsole(context.history(), context.directories(), context.secrets());
        history = new HistoryView(model);
        Stage stage = new Stage();
        stage.setTitle("Switchboard \u2014 call history");
        Window owner = root().getScene() == null ? null : root().getScene().getWindow();
        if (owner != null) {
            stage.initOwner(owner);
        }
        Scene scene = new Scene(history.root(), 1240, 780);
        dress(stage, scene);
        stage.setScene(scene);
        WindowLayout.applyColumns(history.callTable(), layout.historyColumns());
        HistoryView shown = history;
        stage.setOnHidden(e -> {
            layout = layout.withHistoryColumns(shown.callTable());
            model.close();
            historyStage = null;
            history = null;
        });
        historyStage = stage;
        stage.show();
    }

    /** Closes the History window if open (its reads and export stop). */
    void closeHistory() {
        if (historyStage != null) {
            historyStage.close();
        }
    }

    public HistoryView history() {
        return history;
    }

    Stage historyStage() {
        return historyStage;
    }

    Label storeBanner() {
        return storeBanner;
    }

    void onQuit(Runnable action) {
        this.onQuit = action;
    }

    @FXML
    public void openSettings() {
        SettingsViewModel editor = new SettingsViewModel(settings,
                viewModel.context().directories(), viewModel.context().secrets());
        SettingsView view = new SettingsView(editor);
        PhoneNumbersViewModel numbers = new PhoneNumbersViewModel(viewModel.context().account());
        phoneNumbers = new PhoneNumbersView(numbers);
        view.showAccount(phoneNumbers.root());
        Stage dialog = new Stage();
        dialog.setTitle("Switchboard settings");
        Window owner = root().getScene() == null ? null : root().getScene().getWindow();
        if (owner != null) {
            dialog.initOwner(owner);
            dialog.initModality(Modality.WINDOW_MODAL);
        }
        Scene scene = new Scene(view.root(), 720, 760);
        dress(dialog, scene);
        dialog.setScene(scene);
        view.onDone(() -> {
            if (editor.saved() != null) {
                settings = editor.saved();
                viewModel.settingsSaved(settings);
                viewModel.context().settingsSaved().accept(settings.copy());
                // Theme and text size as chosen in the dialog, on every window at once (saved already).
                applyAppearance(Appearance.of(settings));
            }
            dialog.close();
        });
        dialog.setOnHidden(e -> {
            numbers.close();
            phoneNumbers = null;
        });
        dialog.show();
    }

    /** The "Call a number…" dialog; one at a time. */
    @FXML
    public void openOutboundCall() {
        if (outboundStage != null) {
            outboundStage.toFront();
            return;
        }
        OutboundCallView view = new OutboundCallView(
                new OutboundCallViewModel(viewModel.context().account(), viewModel.context().calls()));
        Stage stage = new Stage();
        stage.setTitle("Switchboard — call a number");
        Window owner = root().getScene() == null ? null : root().getScene().getWindow();
        if (owner != null) {
            stage.initOwner(owner);
        }
        Scene scene = new Scene(view.root(), 560, 460);
        dress(stage, scene);
        stage.setScene(scene);
        stage.setOnHidden(e -> {
            view.stop();
            outboundStage = null;
            outboundCall = null;
        });
        outboundStage = stage;
        outboundCall = view;
        stage.show();
    }

    public OutboundCallView outboundCall() {
        return outboundCall;
    }

    public PhoneNumbersView phoneNumbers() {
        return phoneNumbers;
    }

    void useDarkTheme() {
        darkThemeItem.setSelected(true);
        toggleDarkTheme();
    }

    @FXML
    private void toggleDarkTheme() {
        setAppearance(appearance.withDark(darkThemeItem.isSelected()));
    }

    @FXML
    void largerText() {
        setAppearance(appearance.larger());
    }

    @FXML
    void smallerText() {
        setAppearance(appearance.smaller());
    }

    @FXML
    void actualTextSize() {
        setAppearance(appearance.actualSize());
    }

    Appearance appearance() {
        return appearance;
    }

    /** Applies the look to this console's windows at once and saves it with the settings. */
    void setAppearance(Appearance next) {
        applyAppearance(next);
        settings = next.into(settings);
        app.switchboard.config.AppDirectories dirs = viewModel.context().directories();
        if (dirs != null) {
            try {
                settings.save(dirs.config());
            } catch (app.switchboard.config.Settings.SettingsException e) {
                org.slf4j.LoggerFactory.getLogger(MainWindowView.class).warn("The theme and text size were not saved: {}",
                        e.getMessage());
            }
        }
    }

    private void applyAppearance(Appearance next) {
        appearance = next;
        darkThemeItem.setSelected(next.dark());
        Window main = root().getScene() == null ? null : root().getScene().getWindow();
        if (main != null) {
            WindowLook.applyToAll(main, next);
        }
        if (root().getScene() != null && main == null) {
            next.applyTo(root().getScene());
        }
    }

    /** A window of this console: its icon, the chosen look. */
    void dress(Stage stage, Scene scene) {
        WindowLook.dress(stage, scene, appearance);
    }

    void useLayout(WindowLayout saved) {
        layout = saved;
        // After the first layout pass: before it the split has no width and its minimum sizes move the divider.
        javafx.application.Platform.runLater(() -> saved.applyDividers(split));
        // Inside the centre's scroll pane the split is laid out at more than one width while the
        // window settles, and the call list keeps its width through each, which moves the divider:
        // the saved position is put back at each width until the supervisor first touches the split.
        javafx.beans.value.ChangeListener<Number> settle = (o, was, now) -> saved.applyDividers(split);
        split.widthProperty().addListener(settle);
        split.addEventFilter(javafx.scene.input.MouseEvent.MOUSE_PRESSED,
                e -> split.widthProperty().removeListener(settle));
        WindowLayout.applyColumns(list.table(), saved.callColumns());
    }

    /** The layout as it is now, to save when the console closes. */
    WindowLayout currentLayout(Stage stage) {
        WindowLayout now = layout.withMainWindow(stage, split, list.table());
        return history == null ? now : now.withHistoryColumns(history.callTable());
    }

    SplitPane split() {
        return split;
    }

    /** Help › About (see {@link AboutDialog}); one at a time. */
    @FXML
    void showAbout() {
        if (about != null && about.isShowing()) {
            return;
        }
        about = AboutDialog.show(root().getScene() == null ? null : root().getScene().getWindow(), this::dress);
    }

    javafx.scene.control.Dialog<Void> about() {
        return about;
    }

    @FXML
    private void quit() {
        onQuit.run();
    }

    @FXML
    void showShortcuts() {
        ShortcutHelp.show(root().getScene() == null ? null : root().getScene().getWindow());
    }

    CallListView list() {
        return list;
    }

    CallDetailView detail() {
        return detail;
    }
}
