package app.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new installation starts with. */
class SettingsDefaultsTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultGreetingTellsCallersTheyAreTalkingToAnAiAssistant() {
        assertThat(new Settings().twiml.welcomeGreeting).contains("AI assistant");
    }

    @Test
    void anEditedGreetingIsKeptAsWritten() {
        Settings edited = new Settings();
        edited.twiml.welcomeGreeting = "Hi, this is Ada, Example Corp's automated assistant.";
        edited.save(dir);
        assertThat(Settings.load(dir).twiml.welcomeGreeting).isEqualTo("Hi, this is Ada, Example Corp's automated assistant.");
    }

    @Test
    void theConsoleStartsLightAtTheThemesTextSizeAndKeepsAChoice() {
        Settings fresh = Settings.load(dir);
        assertThat(fresh.theme).isEqualTo("light");
        assertThat(fresh.textSizePercent).isEqualTo(100);
        fresh.theme = "dark";
        fresh.textSizePercent = 130;
        fresh.save(dir);
        Settings read = Settings.load(dir);
        assertThat(read.theme).isEqualTo("dark");
        assertThat(read.textSizePercent).isEqualTo(130);
    }
}
