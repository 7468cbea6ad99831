package app.switchboard.console;

import app.switchboard.history.CallHistory;
import app.switchboard.account.AccountAccess;
import app.switchboard.call.CallControl;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.media.CallAudio;
import java.util.Objects;
import java.util.function.Consumer;

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
 * @param history     past calls for the History view and the store-health warning; null when
 *                    the console runs without a store (History is then unavailable)
 * @param account     the Twilio account (numbers, outbound calls), or why it is unavailable
 * @param connector   how File › Connect to relay… reaches a remote relay; null hides the menu item
 * @param audio       live calls' audio for the Listen toggle (docs/live-audio.md); null: none here
 * @param settingsSaved told on the FX thread each time the settings dialog saved, with what it
 *                    saved: the app applies what it can without a restart
 */
public record ConsoleContext(CallControl calls, Settings settings, AppDirectories directories, Secrets secrets,
                             String titleSuffix, Runnable onClose, CallHistory history, AccountAccess account,
                             RelayConnector connector, CallAudio audio,
                             Consumer<Settings> settingsSaved) {

    public ConsoleContext(CallControl calls, Settings settings, AppDirectories directories, Secrets secrets,
                          String titleSuffix, Runnable onClose, CallHistory history, AccountAccess account,
                          RelayConnector connector) {
        this(calls, settings, directories, secrets, titleSuffix, onClose, history, account, connector, CallAudio.NONE, null);
    }

    public ConsoleContext(CallControl calls, Settings settings, AppDirectories directories, Secrets secrets,
                          String titleSuffix, Runnable onClose, CallHistory history, AccountAccess account) {
        this(calls, settings, directories, secrets, titleSuffix, onClose, history, account, null);
    }

    /** A console without call history. */
    public ConsoleContext(CallControl calls, Settings settings, AppDirectories directories, Secrets secrets,
                          String titleSuffix, Runnable onClose) {
        this(calls, settings, directories, secrets, titleSuffix, onClose, null, null);
    }

    /** The same console reading past calls from {@code source}. */
    public ConsoleContext withHistory(CallHistory source) {
        return new ConsoleContext(calls, settings, directories, secrets, titleSuffix, onClose, source, account, connector, audio,
                settingsSaved);
    }

    /** The same console with the Twilio account side. */
    public ConsoleContext withAccount(AccountAccess access) {
        return new ConsoleContext(calls, settings, directories, secrets, titleSuffix, onClose, history, access, connector, audio,
                settingsSaved);
    }

    /** The same console able to connect to remote relays through {@code relays}. */
    public ConsoleContext withConnector(RelayConnector relays) {
        return new ConsoleContext(calls, settings, directories, secrets, titleSuffix, onClose, history, account, relays, audio,
                settingsSaved);
    }

    /** The same console able to listen to live calls through {@code calls}' audio. */
    public ConsoleContext withAudio(CallAudio callAudio) {
        return new ConsoleContext(calls, settings, directories, secrets, titleSuffix, onClose, history, account, connector,
                callAudio, settingsSaved);
    }

    /** The same console telling {@code listener} about each save of the settings dialog. */
    public ConsoleContext withSettingsListener(Consumer<Settings> listener) {
        return new ConsoleContext(calls, settings, directories, secrets, titleSuffix, onClose, history, account, connector,
                audio, listener);
    }

    /**
     * A console over a remote relay's calls and history (the relay's, read over the same
     * connection), without the Twilio account (the relay's too); {@code settings} are this
     * desk's (theme, remembered relays).
     */
    public ConsoleContext overRemote(RelayConnector.Remote remote, String relayName, Settings current) {
        return new ConsoleContext(remote.calls(), current, directories, secrets, "relay " + relayName, remote.close(),
                remote.history(), new AccountAccess.Unavailable("the Twilio account is the relay's, not this console's"), connector,
                remote.audio(), null);
    }

    public ConsoleContext {
        Objects.requireNonNull(calls, "calls");
        settings = settings == null ? new Settings() : settings;
        secrets = secrets == null ? Secrets.from(java.util.Map.of()) : secrets;
        onClose = onClose == null ? () -> { } : onClose;
        account = account == null ? new AccountAccess.Unavailable("not configured in this console") : account;
        audio = audio == null ? CallAudio.NONE : audio;
        settingsSaved = settingsSaved == null ? saved -> { } : settingsSaved;
    }
}
