package app.switchboard.console.settings;

import app.switchboard.call.AlertRule;
import app.switchboard.config.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * The attention rules as the settings file keeps them (plain strings: {@code config} knows nothing
 * of calls) turned into the call model's {@link AlertRule}s. Used by the composition root at start
 * and by the settings dialog when it saves, so both read a rule the same way. Plain Java.
 */
public final class AlertRuleSettings {

    private AlertRuleSettings() {
    }

    /** Every stored rule the call model can apply; one it cannot read (unknown kind, no phrases) is left out. */
    public static List<AlertRule> toRules(List<Settings.AttentionRule> stored) {
        List<AlertRule> rules = new ArrayList<>();
        if (stored == null) {
            return rules;
        }
        for (Settings.AttentionRule r : stored) {
            if (r == null) {
                continue;
            }
            AlertRule rule = AlertRule.parse(r.id(), r.kind(), r.severity(), r.enabled(), r.parameter(), r.phrases());
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }
}
