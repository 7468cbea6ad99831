package app.switchboard.history;

import java.time.Instant;
import java.util.Map;

/**
 * One supervisor action on a call: which action, when, by which supervisor (an API account,
 * or the embedded console's name from the settings), and its details (the words said, the
 * language chosen, the end reason).
 */
public record AuditEntry(Instant time, String action, String operator, long seq, Map<String, Object> details) {
}
