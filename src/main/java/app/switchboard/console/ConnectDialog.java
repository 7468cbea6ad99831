package app.switchboard.console;

import app.switchboard.console.shared.WindowLook;
import app.switchboard.concurrent.Threads;
import app.switchboard.call.ConnectionState;
import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextArea;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File › Connect to relay…: the relay's address (remembered ones offered), the supervisor's
 * token (typed or pasted, never stored), then the certificate. A relay seen for the first time
 * shows its SHA-256 fingerprint and is trusted only when the supervisor says so; the pin is kept
 * in settings. A relay whose certificate no longer matches its pin is refused with an error that
 * says so, and no window opens. Network work runs off the FX thread.
 */
final class ConnectDialog {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectDialog.class);
    static final ButtonType TRUST = new ButtonType("_Trust and connect", ButtonBar.ButtonData.OK_DONE);

    private final RelayConnector connector;
    private final Settings settings;
    private final AppDirectories directories;
    private final BiConsumer<RelayConnector.Remote, String> onConnected;
    private final ComboBox<String> url = new ComboBox<>();
    private final PasswordField token = new PasswordField();
    private final Label status = new Label();
    private final Button connect = new Button("Connect");
    private final Stage stage = new Stage();
    private Alert trustPrompt;

    ConnectDialog(RelayConnector connector, Settings settings, AppDirectories directories,
                  BiConsumer<RelayConnector.Remote, String> onConnected) {
        this.connector = connector;
        this.settings = settings;
        this.directories = directories;
        this.onConnected = onConnected;
    }

    void show(Window owner) {
        url.setEditable(true);
        url.setId("relayUrlField");
        url.setPromptText("https://relay.example.com:8443");
        url.setMaxWidth(Double.MAX_VALUE);
        if (settings.remoteRelays != null) {
            settings.remoteRelays.forEach(r -> url.getItems().add(r.url()));
        }
        if (!url.getItems().isEmpty()) {
            url.setValue(url.getItems().get(0));
        }
        url.setAccessibleText("Relay address");
        token.setId("relayTokenField");
        token.setAccessibleText("Supervisor token");
        token.setPromptText("the token `switchboard users add NAME` printed");
        status.setId("connectStatus");
        status.setWrapText(true);
        status.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        connect.setId("connectButton");
        connect.setDefaultButton(true);
        connect.setOnAction(e -> start());
        Button cancel = new Button("Cancel");
        cancel.setId("connectCancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> stage.close());

        GridPane form = new GridPane();
        form.setHgap(10);
        form.setVgap(10);
        form.addRow(0, mnemonicLabel("_Relay", url), url);
        form.addRow(1, mnemonicLabel("T_oken", token), token);
        GridPane.setHgrow(url, javafx.scene.layout.Priority.ALWAYS);
        HBox buttons = new HBox(10, cancel, connect);
        buttons.setAlignment(javafx.geometry.Pos.CENTER_RIGHT);
        VBox root = new VBox(14, form, status, buttons);
        root.setPadding(new Insets(18));
        stage.setTitle("Connect to relay");
        if (owner != null) {
            stage.initModality(Modality.WINDOW_MODAL);
        }
        // As wide as the text size asks, as high as what it shows (an error grows it: see fail).
        root.setPrefWidth(560 * WindowLook.of(owner).textPercent() / 100.0);
        stage.setScene(new Scene(root));
        WindowLook.dressLike(owner, stage);
        stage.show();
    }

    /** A field's label: names it for a screen reader, and Alt+its letter moves focus there. */
    private static Label mnemonicLabel(String text, javafx.scene.Node field) {
        Label label = new Label(text);
        label.setMnemonicParsing(true);
        label.setLabelFor(field);
        return label;
    }

    private void fail(String message) {
        // The symbol says "error" without the colour.
        status.setText("\u26a0 " + message);
        status.getStyleClass().setAll("label", "connect-error");
        connect.setDisable(false);
        stage.sizeToScene();
    }

    private void progress(String message) {
        status.setText(message);
        status.getStyleClass().setAll("label");
    }

    private void start() {
        String typed = url.getEditor().getText() == null ? "" : url.getEditor().getText().strip();
        // Remembered as https://host:port, as --connect remembers it, so both find the same pin.
        String address = typed.replaceAll("/+$", "");
        String secret = token.getText() == null ? "" : token.getText().strip();
        URI relay;
        try {
            relay = URI.create(address);
            if (!"https".equalsIgnoreCase(relay.getScheme()) || relay.getHost() == null) {
                fail("Enter the relay's address as https://host:port");
                return;
            }
        } catch (IllegalArgumentException e) {
            fail("Not an address: " + address);
            return;
        }
        if (secret.isEmpty()) {
            fail("Enter your supervisor token.");
            return;
        }
        connect.setDisable(true);
        String pinned = settings.pinnedFingerprint(address);
        if (pinned != null) {
            open(relay, address, pinned, secret);
            return;
        }
        progress("Reading the relay's certificate\u2026");
        background(() -> {
            try {
                String presented = connector.fingerprint(relay);
                Platform.runLater(() -> askToTrust(relay, address, presented, secret));
            } catch (Exception e) {
                Platform.runLater(() -> fail("Cannot reach " + address + ": " + e.getMessage()));
            }
        });
    }

    /** A certificate seen for the first time: shown by fingerprint, trusted only when the supervisor says so. */
    private void askToTrust(URI relay, String address, String fingerprint, String secret) {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
        alert.setTitle("Trust this relay?");
        alert.setHeaderText("First connection to " + address);
        TextArea shown = new TextArea(fingerprint);
        shown.setId("presentedFingerprint");
        shown.setEditable(false);
        shown.setWrapText(true);
        shown.setPrefRowCount(3);
        shown.setAccessibleText("The relay's certificate SHA-256 fingerprint");
        VBox content = new VBox(8, new Label("The relay presents a certificate with this SHA-256 fingerprint. Compare it "
                + "with the one the relay printed at start-up (\"TLS certificate SHA-256 \u2026\"). Trust it only if they match: "
                + "it is pinned, and a relay presenting another certificate later is refused."), shown);
        ((Label) content.getChildren().get(0)).setWrapText(true);
        alert.getDialogPane().setContent(content);
        // A fixed size, laid out once so the buttons do not move after the dialog is shown; in
        // proportion to the text size, or the explanation and the fingerprint are cut short.
        double scale = WindowLook.of(stage).textPercent() / 100.0;
        alert.getDialogPane().setPrefSize(560 * scale, 330 * scale);
        alert.getDialogPane().setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        alert.getButtonTypes().setAll(TRUST, ButtonType.CANCEL);
        alert.getDialogPane().lookupButton(TRUST).setId("trustCertificate");
        alert.getDialogPane().lookupButton(ButtonType.CANCEL).setId("distrustCertificate");
        // Trusting must be deliberate (Alt+T, or Tab to it and Space): Enter, like Esc, declines.
        ((Button) alert.getDialogPane().lookupButton(TRUST)).setDefaultButton(false);
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        WindowLook.dressLike(stage, alert);
        trustPrompt = alert;
        alert.setOnHidden(e -> {
            trustPrompt = null;
            if (alert.getResult() == TRUST) {
                open(relay, address, fingerprint, secret);
            } else {
                fail("Not connected: the certificate was not trusted.");
            }
        });
        alert.show();
    }

    private void open(URI relay, String address, String fingerprint, String secret) {
        progress("Connecting to " + address + "\u2026");
        background(() -> {
            RelayConnector.Remote remote;
            try {
                remote = connector.connect(relay, fingerprint, secret);
            } catch (RuntimeException e) {
                Platform.runLater(() -> fail("Cannot connect: " + e.getMessage()));
                return;
            }
            AtomicBoolean decided = new AtomicBoolean();
            remote.calls().subscribeConnection(state -> {
                if (state.phase() == Phase.CONNECTING || !decided.compareAndSet(false, true)) {
                    return;
                }
                Platform.runLater(() -> decided(remote, address, fingerprint, state));
            });
        });
    }

    private void decided(RelayConnector.Remote remote, String address, String fingerprint, ConnectionState state) {
        if (state.phase() == Phase.CONNECTED) {
            settings.rememberRelay(address, fingerprint);
            try {
                settings.save(directories.config());
            } catch (RuntimeException e) {
                LOG.warn("Could not save the relay's pin: {}", e.getMessage());
            }
            stage.close();
            onConnected.accept(remote, state.relay());
            return;
        }
        remote.close().run();
        fail("Not connected to " + address + ": " + state.problem());
        if (state.phase() == Phase.REFUSED && state.problem() != null && state.problem().contains("certificate")) {
            Alert alert = new Alert(Alert.AlertType.ERROR, state.problem());
            WindowLook.dressLike(stage, alert);
            alert.setTitle("Certificate changed");
            alert.setHeaderText("The relay at " + address + " presents another certificate than the one you trusted.");
            alert.show();
        }
    }

    private static void background(Runnable work) {
        Threads.start("connect-relay", work);
    }

    Stage stage() {
        return stage;
    }

    Alert trustPrompt() {
        return trustPrompt;
    }
}
