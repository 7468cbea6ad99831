package app.switchboard.console.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsViewModelTest {

    private static final String KEY = "sk-test-0123456789abcdefWXYZ";
    private static final String TOKEN = "c0e4d9d4fff66d194f3101ccd7c3a38c";

    @TempDir
    Path root;

    private final Secrets secrets = Secrets.from(Map.of("OPENAI_API_KEY", KEY, "TWILIO_AUTH_TOKEN", TOKEN));

    @Test
    void savedSettingsLoadBackWithTheEditedValues() {
        AppDirectories dirs = AppDirectories.under(root);
        SettingsViewModel vm = new SettingsViewModel(new Settings(), dirs, secrets);
        vm.portProperty().set("9443");
        vm.publicUrlProperty().set("https://relay.example.com/switchboard");
        vm.welcomeGreetingProperty().set("Hi, this is Acme.");
        vm.languagesProperty().set("en-US, es-ES, fr-FR");
        vm.handoffNumberProperty().set("+15551234567");
        vm.supervisorNameProperty().set("Dana (floor lead)");
        vm.holdGraceSecondsProperty().set("45");
        vm.retentionDaysProperty().set("30");
        vm.tlsSourceProperty().set(SettingsViewModel.TlsSource.PEM);
        vm.certificateProperty().set("/etc/relay/fullchain.pem");
        vm.privateKeyProperty().set("/etc/relay/privkey.pem");
        vm.applicationReconnectProperty().set(true);
        vm.recordCallsProperty().set(true);

        assertTrue(vm.save(), vm.messageProperty().get());

        Settings loaded = Settings.load(dirs.config());
        assertEquals(9443, loaded.port);
        assertEquals("https://relay.example.com/switchboard", loaded.publicUrl);
        assertEquals("Hi, this is Acme.", loaded.twiml.welcomeGreeting);
        assertEquals(List.of("en-US", "es-ES", "fr-FR"), loaded.languageCodes());
        assertEquals("+15551234567", loaded.handoffNumber);
        assertEquals(30, loaded.retentionDays);
        assertEquals("Dana (floor lead)", loaded.supervisorName);
        assertEquals("Dana (floor lead)", loaded.supervisorDisplayName());
        assertEquals(45, loaded.holdGraceSeconds);
        assertEquals("/etc/relay/fullchain.pem", loaded.certificate);
        assertTrue(loaded.applicationReconnect);
        assertTrue(loaded.recordCalls);
    }

    @Test
    void invalidInputIsRefusedWithReasonsAndNothingIsWritten() {
        AppDirectories dirs = AppDirectories.under(root);
        SettingsViewModel vm = new SettingsViewModel(new Settings(), dirs, secrets);
        vm.portProperty().set("70000");
        vm.publicUrlProperty().set("ftp://relay");
        vm.handoffNumberProperty().set("555-1234");
        vm.retentionDaysProperty().set("-3");

        assertFalse(vm.save());

        String message = vm.messageProperty().get();
        assertTrue(message.contains("Port"), message);
        assertTrue(message.contains("Public URL"), message);
        assertTrue(message.contains("E.164"), message);
        assertTrue(message.contains("Keep call history"), message);
        assertFalse(Files.exists(dirs.config().resolve(Settings.FILE_NAME)));
    }

    @Test
    void secretsAreShownMaskedAndNeverWritten() throws Exception {
        AppDirectories dirs = AppDirectories.under(root);
        SettingsViewModel vm = new SettingsViewModel(new Settings(), dirs, secrets);

        assertTrue(vm.save(), vm.messageProperty().get());

        String file = Files.readString(dirs.config().resolve(Settings.FILE_NAME));
        assertFalse(file.contains(KEY) || file.contains(TOKEN));
        assertFalse(vm.openAiKeyPresence().contains(KEY.substring(0, 10)));
        assertTrue(vm.openAiKeyPresence().endsWith("WXYZ"));
    }

    @Test
    void keptLanguagesKeepTheirProviderChoices() {
        Settings settings = new Settings();
        settings.twiml.languages = List.of(new Settings.LanguageOption("es-ES", "Google", "es-ES-Neural2-A", null, null));
        AppDirectories dirs = AppDirectories.under(root);
        SettingsViewModel vm = new SettingsViewModel(settings, dirs, secrets);
        vm.languagesProperty().set("es-ES en-US");

        assertTrue(vm.save(), vm.messageProperty().get());

        Settings loaded = Settings.load(dirs.config());
        assertEquals("es-ES-Neural2-A", loaded.twiml.languages.get(0).voice());
        assertEquals("en-US", loaded.twiml.languages.get(1).code());
    }
}
