package app.switchboard.console;

import java.util.List;
import java.util.function.BiConsumer;
import javafx.scene.Scene;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/** Help › About: the version and the bundled software with its licences, in a scrollable list. */
final class AboutDialog {

    private AboutDialog() {
    }

    /**
     * Builds and shows the dialog over {@code owner} (none: free-standing); {@code dress} gives
     * its window the console's icon and look.
     */
    static Dialog<Void> show(Window owner, BiConsumer<Stage, Scene> dress) {
        Dialog<Void> dialog = new Dialog<>();
        dialog.setTitle("About Switchboard");
        dialog.setHeaderText("Switchboard " + AboutInfo.version());
        List<AboutInfo.Component> components = AboutInfo.components();
        Label intro = new Label("Operator console for AI voice agents on Twilio ConversationRelay.\n"
                + "It bundles the following software (" + components.size() + " libraries), each under its own licence:");
        intro.setWrapText(true);
        TextArea licences = new TextArea(AboutInfo.licenceText(components));
        licences.setId("aboutLicences");
        licences.setEditable(false);
        licences.setWrapText(false);
        licences.setPrefRowCount(16);
        licences.setPrefColumnCount(70);
        licences.setAccessibleText("Bundled software and licences");
        VBox content = new VBox(8, intro, licences);
        VBox.setVgrow(licences, Priority.ALWAYS);
        dialog.getDialogPane().setContent(content);
        dialog.getDialogPane().getButtonTypes().setAll(ButtonType.CLOSE);
        dialog.getDialogPane().setId("aboutPane");
        dialog.setResizable(true);
        if (owner != null) {
            dialog.initOwner(owner);
        }
        if (dialog.getDialogPane().getScene().getWindow() instanceof Stage stage) {
            dress.accept(stage, dialog.getDialogPane().getScene());
        }
        dialog.show();
        return dialog;
    }
}
