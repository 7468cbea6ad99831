package app.switchboard.console.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.AlertRule;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings dialog's "Attention rules" table: edited, checked, saved, read back, and turned into the call model's rules. */
class AttentionRulesSettingsViewModelTest {

    @TempDir
    Path root;

    private SettingsViewModel editor(Settings settings) {
        return new SettingsViewModel(settings, AppDirectories.under(root), Secrets.from(Map.of()));
    }

    private AttentionRuleRow row(SettingsViewModel vm, String id) {
        return vm.attentionRules().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void theTableStartsWithTheDefaultsAndItsEditsAreSavedAndReadBack() {
        SettingsViewModel vm = editor(new Settings());
        assertEquals(6, vm.attentionRules().size());
        row(vm, "silence").parameterProperty().set("45");
        row(vm, "silence").enabledProperty().set(false);
        vm.removeAttentionRule(row(vm, "barge-ins"));
        AttentionRuleRow vip = vm.addAttentionRule(AlertRule.Kind.PHRASE);
        vip.parameterProperty().set("cancel my contract,  lawyer ,");
        vip.severityProperty().set(AlertRule.Severity.CRITICAL);

        assertTrue(vm.save(), vm.messageProperty().get());

        List<Settings.AttentionRule> saved = Settings.load(AppDirectories.under(root).config()).attentionRules;
        assertEquals(List.of("asks-for-person", "silence", "model-fault", "long-call", "negative-caller", "phrase-1"),
                saved.stream().map(Settings.AttentionRule::id).toList());
        Settings.AttentionRule silence = saved.get(1);
        assertEquals(45.0, silence.parameter());
        assertFalse(silence.enabled());
        assertEquals(new Settings.AttentionRule("phrase-1", "phrase", "critical", true, null,
                List.of("cancel my contract", "lawyer")), saved.get(5));
        assertTrue(vm.messageProperty().get().contains("live calls"), "says the rules apply without a restart");
    }

    @Test
    void aRuleThatCannotWorkIsRefusedAndNothingIsWritten() {
        SettingsViewModel vm = editor(new Settings());
        vm.addAttentionRule(AlertRule.Kind.PHRASE); // no phrases
        row(vm, "silence").parameterProperty().set("soon");

        assertFalse(vm.save());

        assertTrue(vm.messageProperty().get().contains("phrase-1"), vm.messageProperty().get());
        assertTrue(vm.messageProperty().get().contains("\u201csoon\u201d is not a number"), vm.messageProperty().get());
        assertFalse(Files.exists(AppDirectories.under(root).config().resolve(Settings.FILE_NAME)));
    }

    @Test
    void aStoredRuleOfAnUnknownKindIsKeptButNotShown() {
        Settings s = new Settings();
        s.attentionRules = List.of(new Settings.AttentionRule("future", "laughter", "info", true, 2.0, List.of()));
        SettingsViewModel vm = editor(s);
        assertTrue(vm.attentionRules().isEmpty());
        assertTrue(vm.save(), vm.messageProperty().get());
        assertEquals(s.attentionRules, Settings.load(AppDirectories.under(root).config()).attentionRules);
    }

    @Test
    void everyDefaultRuleIsOneTheCallModelApplies() {
        List<AlertRule> rules = AlertRuleSettings.toRules(Settings.defaultAttentionRules());
        assertEquals(6, rules.size());
        assertEquals(AlertRule.Kind.values().length, rules.stream().map(AlertRule::kind).distinct().count());
        assertEquals(3.0, rules.stream().filter(r -> r.kind() == AlertRule.Kind.BARGE_INS).findFirst().orElseThrow()
                .parameter(), "the built-in flag's three interrupts");
    }

    @Test
    void storedRulesTheCallModelCannotReadAreLeftOut() {
        List<AlertRule> rules = AlertRuleSettings.toRules(List.of(
                new Settings.AttentionRule("a", "phrase", "warning", true, null, List.of()),
                new Settings.AttentionRule("b", "silence", "loud", true, 10.0, List.of()),
                new Settings.AttentionRule("c", "silence", "info", true, 10.0, List.of())));
        assertEquals(List.of("c"), rules.stream().map(AlertRule::id).toList());
    }
}
