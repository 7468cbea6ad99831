package app.switchboard.console.settings;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings dialog's live-audio check box (docs/live-audio.md). */
class LiveAudioSettingTest {

    @TempDir
    Path root;

    @Test
    void liveAudioIsOffUntilTickedAndThenSaved() {
        AppDirectories dirs = AppDirectories.under(root);
        SettingsViewModel vm = new SettingsViewModel(new Settings(), dirs, Secrets.from(Map.of()));
        assertFalse(vm.listenToCallsProperty().get());

        vm.listenToCallsProperty().set(true);
        assertTrue(vm.save(), vm.messageProperty().get());

        assertTrue(Settings.load(dirs.config()).listenToCalls);
        assertTrue(new SettingsViewModel(Settings.load(dirs.config()), dirs, Secrets.from(Map.of()))
                .listenToCallsProperty().get());
    }
}
