package app.switchboard.call;

import java.time.Instant;

/**
 * A snapshot of one call for lists. Live detail comes from its events.
 *
 * @param heldBy the supervisor holding the call (an API account, or the embedded console's
 *               display name), or null while the AI has it
 */
public record CallSummary(
        String callId,
        String from,
        String to,
        CallState state,
        String language,
        Instant startedAt,
        Instant endedAt,
        long eventCount,
        String heldBy) {

    public CallSummary(String callId, String from, String to, CallState state, String language, Instant startedAt,
                       Instant endedAt, long eventCount) {
        this(callId, from, to, state, language, startedAt, endedAt, eventCount, null);
    }

    public CallSummary withHeldBy(String holder) {
        return new CallSummary(callId, from, to, state, language, startedAt, endedAt, eventCount, holder);
    }
}
