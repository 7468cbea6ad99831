package app.switchboard.console.settings;

import app.switchboard.call.AlertRule;
import app.switchboard.config.Settings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The settings dialog's "Attention rules" table (docs/alerts.md): the rows shown, and stored rules of unknown kinds kept as they are. */
final class AttentionRulesForm {

    final ObservableList<AttentionRuleRow> rows = FXCollections.observableArrayList();
    /** Stored rules of a kind this version does not know: kept as they are, not shown. */
    private final List<Settings.AttentionRule> unknownRules = new ArrayList<>();

    void load(Settings s) {
        if (s.attentionRules != null) {
            for (Settings.AttentionRule rule : s.attentionRules) {
                AttentionRuleRow row = rule == null ? null : AttentionRuleRow.of(rule);
                if (row != null) {
                    rows.add(row);
                } else if (rule != null) {
                    unknownRules.add(rule);
                }
            }
        }
    }

    /** Adds an enabled rule of {@code kind} with its default parameter; returns it for editing. */
    AttentionRuleRow add(AlertRule.Kind kind) {
        Set<String> ids = new HashSet<>();
        rows.forEach(r -> ids.add(r.id()));
        unknownRules.forEach(r -> ids.add(r.id()));
        int n = 1;
        while (ids.contains(kind.key() + "-" + n)) {
            n++;
        }
        AttentionRuleRow row = AttentionRuleRow.fresh(kind.key() + "-" + n, kind);
        rows.add(row);
        return row;
    }

    /** Writes the rules into {@code s}; adds what is wrong to {@code errors}. */
    void writeInto(Settings s, List<String> errors) {
        List<Settings.AttentionRule> rules = new ArrayList<>();
        for (AttentionRuleRow row : rows) {
            Settings.AttentionRule rule = row.toSetting(errors);
            if (rule != null) {
                rules.add(rule);
            }
        }
        rules.addAll(unknownRules);
        s.attentionRules = rules;
    }
}
