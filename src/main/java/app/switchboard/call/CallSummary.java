package app.switchboard.call;

import java.time.Instant;

/** A snapshot of one call for lists. Live detail comes from its events. */
public record CallSummary(
        String callId,
        String from,
        String to,
        CallState state,
        String language,
        Instant startedAt,
        Instant endedAt,
        long eventCount) {
}
