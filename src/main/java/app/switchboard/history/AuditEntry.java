package app.switchboard.history;

import app.switchboard.call.EventKind;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One supervisor action on a call: which action, when, by which supervisor (an API account,
 * or the embedded console's name from the settings), and its details (the words said, the
 * language chosen, the end reason).
 */
public record AuditEntry(Instant time, String action, String operator, long seq, Map<String, Object> details) {

    /** Whether events of this kind are supervisor actions: the SUPERVISOR_* commands and alert acknowledgements. */
    public static boolean isAudited(EventKind kind) {
        return kind.name().startsWith("SUPERVISOR_") || kind == EventKind.ALERT_ACKNOWLEDGED;
    }

    /** The action's name for a stored kind: "say", "takeover", …, "acknowledge alert". */
    public static String action(String storedKind) {
        if (EventKind.ALERT_ACKNOWLEDGED.name().equals(storedKind)) {
            return "acknowledge alert";
        }
        return storedKind.startsWith("SUPERVISOR_")
                ? storedKind.substring("SUPERVISOR_".length()).toLowerCase(Locale.ROOT)
                : storedKind.toLowerCase(Locale.ROOT);
    }
}
