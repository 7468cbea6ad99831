package app.switchboard.console.settings;

import app.switchboard.call.AlertRule;
import app.switchboard.config.Settings;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One editable row of the settings dialog's "Attention rules" table: enabled, kind, parameter,
 * severity. The parameter is text: the phrases (comma-separated) for a phrase rule, else the
 * number the kind means (seconds, times, minutes, a sentiment score). Checked by {@link #toSetting}.
 */
public final class AttentionRuleRow {

    private final String id;
    private final BooleanProperty enabled = new SimpleBooleanProperty(this, "enabled", true);
    private final ObjectProperty<AlertRule.Kind> kind = new SimpleObjectProperty<>(this, "kind");
    private final StringProperty parameter = new SimpleStringProperty(this, "parameter", "");
    private final ObjectProperty<AlertRule.Severity> severity = new SimpleObjectProperty<>(this, "severity");

    AttentionRuleRow(String id, boolean enabled, AlertRule.Kind kind, String parameter, AlertRule.Severity severity) {
        this.id = id;
        this.enabled.set(enabled);
        this.kind.set(kind);
        this.parameter.set(parameter);
        this.severity.set(severity);
    }

    /** The row for a stored rule, or null when the stored kind is unknown (kept as stored, not shown). */
    static AttentionRuleRow of(Settings.AttentionRule rule) {
        AlertRule.Kind kind = AlertRule.Kind.of(rule.kind());
        if (kind == null) {
            return null;
        }
        AlertRule.Severity severity = AlertRule.Severity.of(rule.severity());
        double value = rule.parameter() == null ? AlertRule.defaultParameter(kind) : rule.parameter();
        String parameter = kind == AlertRule.Kind.PHRASE ? String.join(", ", rule.phrases()) : number(value);
        return new AttentionRuleRow(rule.id(), rule.enabled(), kind, parameter,
                severity == null ? AlertRule.Severity.WARNING : severity);
    }

    /** A new rule of {@code kind} with its default parameter. */
    static AttentionRuleRow fresh(String id, AlertRule.Kind kind) {
        return new AttentionRuleRow(id, true, kind,
                kind == AlertRule.Kind.PHRASE ? "" : number(AlertRule.defaultParameter(kind)), AlertRule.Severity.WARNING);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
    }

    /** The stored form, or adds what is wrong to {@code errors} and returns null. */
    Settings.AttentionRule toSetting(List<String> errors) {
        AlertRule.Kind k = kind.get();
        AlertRule.Severity s = severity.get() == null ? AlertRule.Severity.WARNING : severity.get();
        if (k == null) {
            errors.add("Attention rule \u201c" + id + "\u201d: choose a kind.");
            return null;
        }
        String text = parameter.get() == null ? "" : parameter.get().strip();
        List<String> phrases = List.of();
        Double value = null;
        if (k == AlertRule.Kind.PHRASE) {
            phrases = Arrays.stream(text.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
        } else {
            try {
                value = text.isEmpty() ? AlertRule.defaultParameter(k) : Double.parseDouble(text.replace(',', '.'));
            } catch (NumberFormatException e) {
                errors.add("Attention rule \u201c" + id + "\u201d (" + k.key() + "): \u201c" + text + "\u201d is not a number.");
                return null;
            }
        }
        AlertRule rule = new AlertRule(id, k, s, enabled.get(), value == null ? 0 : value, phrases);
        if (rule.problem() != null) {
            errors.add("Attention rule \u201c" + id + "\u201d: " + rule.problem() + ".");
            return null;
        }
        return new Settings.AttentionRule(id, k.key(), s.key(), enabled.get(), value, phrases);
    }

    public String id() {
        return id;
    }

    public BooleanProperty enabledProperty() {
        return enabled;
    }

    public ObjectProperty<AlertRule.Kind> kindProperty() {
        return kind;
    }

    /** Phrases (comma-separated) or the kind's number. */
    public StringProperty parameterProperty() {
        return parameter;
    }

    public ObjectProperty<AlertRule.Severity> severityProperty() {
        return severity;
    }
}
