package app.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionRulesSettingsTest {

    @TempDir
    Path config;

    @Test
    void editedRulesLoadBackAsSaved() {
        Settings s = new Settings();
        s.attentionRules = List.of(
                new Settings.AttentionRule("vip", "phrase", "critical", true, null, List.of("cancel my contract", "lawyer")),
                new Settings.AttentionRule("quiet", "silence", "info", false, 45.0, List.of()));
        s.save(config);
        Settings loaded = Settings.load(config);
        assertEquals(s.attentionRules, loaded.attentionRules);
        assertEquals(s.attentionRules, loaded.copy().attentionRules, "the dialog's copy keeps them too");
    }

    @Test
    void aFileWithoutRulesGetsTheDefaultsAndAnEmptyListStaysEmpty() throws Exception {
        Files.writeString(config.resolve(Settings.FILE_NAME), "{\"port\": 9000}", StandardCharsets.UTF_8);
        assertEquals(Settings.defaultAttentionRules(), Settings.load(config).attentionRules);
        Files.writeString(config.resolve(Settings.FILE_NAME), "{\"attentionRules\": []}", StandardCharsets.UTF_8);
        assertTrue(Settings.load(config).attentionRules.isEmpty(), "a supervisor who removed every rule keeps none");
    }

    @Test
    void theDefaultsCoverEveryKindOnce() {
        assertEquals(List.of("phrase", "silence", "barge-ins", "fault", "duration", "sentiment"),
                Settings.defaultAttentionRules().stream().map(Settings.AttentionRule::kind).toList());
    }

    @Test
    void unknownFieldsInARuleAreIgnored() throws Exception {
        Files.writeString(config.resolve(Settings.FILE_NAME), "{\"attentionRules\": [{\"id\":\"x\",\"kind\":\"fault\","
                + "\"severity\":\"critical\",\"enabled\":true,\"parameter\":2,\"colour\":\"red\"}]}", StandardCharsets.UTF_8);
        assertEquals(List.of(new Settings.AttentionRule("x", "fault", "critical", true, 2.0, List.of())),
                Settings.load(config).attentionRules);
    }
}
