package app.switchboard.call;

import java.util.List;
import java.util.Locale;

/**
 * One attention rule the supervisor keeps in Settings. {@code parameter} means what the kind
 * says: seconds of silence, barge-ins, model faults, minutes of call, or the sentiment score
 * (from -1 to 1) below which the caller counts as negative; {@code phrases} is only read by
 * {@link Kind#PHRASE}. The settings file keeps the same facts as plain strings (the {@code config}
 * package knows nothing of calls); {@link #parse} turns them into a rule.
 */
public record AlertRule(String id, Kind kind, Severity severity, boolean enabled, double parameter,
                        List<String> phrases) {

    public AlertRule {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a rule needs an id");
        }
        if (kind == null || severity == null) {
            throw new IllegalArgumentException("a rule needs a kind and a severity");
        }
        phrases = phrases == null ? List.of()
                : phrases.stream().filter(p -> p != null && !p.isBlank()).map(String::strip).toList();
    }

    /** What a rule watches, with the settings file's name for it and what its parameter means. */
    public enum Kind {
        PHRASE("phrase", "caller says a phrase", null),
        SILENCE("silence", "silence longer than", "s"),
        BARGE_INS("barge-ins", "caller barges in", "times"),
        FAULT("fault", "model faults", "times"),
        DURATION("duration", "call longer than", "min"),
        SENTIMENT("sentiment", "caller sentiment below", "score");

        private final String key;
        private final String label;
        private final String unit;

        Kind(String key, String label, String unit) {
            this.key = key;
            this.label = label;
            this.unit = unit;
        }

        /** The settings file's name ("barge-ins"). */
        public String key() {
            return key;
        }

        public String label() {
            return label;
        }

        /** The parameter's unit, or null when the kind has none (phrases). */
        public String unit() {
            return unit;
        }

        /** The kind named {@code key} (settings name or enum name, any case), or null. */
        public static Kind of(String key) {
            if (key == null) {
                return null;
            }
            String k = key.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Kind kind : values()) {
                if (kind.key.equals(k)) {
                    return kind;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return key;
        }
    }

    /** How urgent an alert is; shown with a word and a symbol, never by colour alone. */
    public enum Severity {
        INFO("info", "\u2139"),
        WARNING("warning", "\u26a0"),
        CRITICAL("critical", "\u26d4");

        private final String key;
        private final String icon;

        Severity(String key, String icon) {
            this.key = key;
            this.icon = icon;
        }

        public String key() {
            return key;
        }

        /** A symbol beside the word: ℹ, ⚠, ⛔. */
        public String icon() {
            return icon;
        }

        public static Severity of(String key) {
            if (key == null) {
                return null;
            }
            String k = key.strip().toLowerCase(Locale.ROOT);
            for (Severity s : values()) {
                if (s.key.equals(k)) {
                    return s;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return key;
        }
    }

    /**
     * A rule from the settings file's strings, or null when it cannot be one (unknown kind or
     * severity, a phrase rule without phrases, a count below 1). A missing severity is a warning;
     * a missing parameter the kind's default.
     */
    public static AlertRule parse(String id, String kind, String severity, boolean enabled, Double parameter,
                                  List<String> phrases) {
        Kind k = Kind.of(kind);
        if (k == null || id == null || id.isBlank()) {
            return null;
        }
        Severity s = severity == null ? Severity.WARNING : Severity.of(severity);
        if (s == null) {
            return null;
        }
        double p = parameter == null || parameter.isNaN() ? defaultParameter(k) : parameter;
        AlertRule rule = new AlertRule(id.strip(), k, s, enabled, p, phrases);
        return rule.problem() == null ? rule : null;
    }

    /** Why this rule cannot work as written, or null. */
    public String problem() {
        return switch (kind) {
            case PHRASE -> phrases.isEmpty() ? "list at least one phrase" : null;
            case SILENCE -> parameter >= 1 ? null : "silence: at least 1 second";
            case BARGE_INS, FAULT -> parameter >= 1 ? null : kind.key + ": at least 1";
            case DURATION -> parameter > 0 ? null : "duration: more than 0 minutes";
            case SENTIMENT -> parameter > -1 && parameter < 1 ? null : "sentiment: a score between -1 and 1";
        };
    }

    /** The parameter a new rule of this kind starts with. */
    public static double defaultParameter(Kind kind) {
        return switch (kind) {
            case PHRASE -> 0;
            case SILENCE -> 30;
            case BARGE_INS -> 3;
            case FAULT -> 1;
            case DURATION -> 15;
            case SENTIMENT -> -0.3;
        };
    }

    /** "silence longer than 30 s", "caller says: manager, supervisor". */
    public String describe() {
        if (kind == Kind.PHRASE) {
            return kind.label + ": " + String.join(", ", phrases);
        }
        String value = kind == Kind.SENTIMENT ? String.format(Locale.ROOT, "%.2f", parameter)
                : parameter == Math.rint(parameter) ? Long.toString((long) parameter) : Double.toString(parameter);
        return kind.label + " " + value + (kind == Kind.SENTIMENT ? "" : " " + kind.unit);
    }
}
