package app.switchboard.console;

import app.switchboard.call.CallControl;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import java.util.Objects;

/**
 * Everything the console needs from the launcher.
 *
 * @param calls       the calls to show and command; the console uses nothing else of the relay
 * @param settings    current settings (the settings dialog edits a copy and saves it to
 *                    {@code directories.config()})
 * @param directories where settings are saved
 * @param secrets     shown as presence only, never in full
 * @param titleSuffix appended to the window title, e.g. "demo"; null or blank for none
 * @param onClose     runs once on the FX thread when the console closes (stop the relay, etc.)
 */
public record ConsoleContext(CallControl calls, Settings settings, AppDirectories directories, Secrets secrets,
                             String titleSuffix, Runnable onClose) {

    public ConsoleContext {
        Objects.requireNonNull(calls, "calls");
        settings = settings == null ? new Settings() : settings;
        secrets = secrets == null ? Secrets.from(java.util.Map.of()) : secrets;
        onClose = onClose == null ? () -> { } : onClose;
    }
}
