package app.switchboard.console;

import app.switchboard.console.shared.WindowLook;
import javafx.scene.control.Alert;
import javafx.scene.input.KeyCombination;
import javafx.stage.Window;

/** Help › Keyboard shortcuts (F1): every shortcut of the console, as this platform writes them. */
final class ShortcutHelp {

    private ShortcutHelp() {
    }

    /** The shortcuts as this platform writes them (Ctrl+K here, ⌘K on macOS). */
    static String text() {
        String[][] rows = {
                {"Shortcut+K", "focus Say (Enter speaks it)"},
                {"Shortcut+I", "Interrupt the AI"},
                {"Shortcut+T", "Take over / Release"},
                {"Shortcut+D", "Send the draft"},
                {"Shortcut+G", "focus Whisper (Enter sends it)"},
                {"Shortcut+L", "choose a language"},
                {"Shortcut+Shift+E", "End the call"},
                {"Shortcut+Comma", "Settings"},
                {"Shortcut+H", "Call history (past calls)"},
                {"Shortcut+Shift+N", "Call a number"},
                {"Shortcut+Shift+D", "Dark theme on/off"},
                {"Shortcut+Equals", "Larger text"},
                {"Shortcut+Minus", "Smaller text"},
                {"Shortcut+Digit0", "Actual text size"},
                {"Shortcut+Q", "Quit (asks first while calls are live)"},
                {"F1", "This list"}};
        StringBuilder help = new StringBuilder();
        for (String[] row : rows) {
            help.append(KeyCombination.keyCombination(row[0]).getDisplayText()).append("   ").append(row[1]).append('\n');
        }
        return help.append("Up/Down in the call list: select a call; Tab moves between controls").toString();
    }

    /** Shows the list over {@code owner} (none: free-standing). */
    static void show(Window owner) {
        Alert alert = new Alert(Alert.AlertType.INFORMATION, text());
        alert.setHeaderText("Keyboard shortcuts");
        alert.setTitle("Switchboard");
        WindowLook.dressLike(owner, alert);
        alert.show();
    }
}
