package app.switchboard.history;

import java.time.Instant;
import java.util.List;

/**
 * One row of the calls table: a past (or still live) call as the History list shows it, derived
 * from its events.
 *
 * @param sessionIds    relay session ids ({@code VX…}) in the order they started
 * @param endedAt       null while the call is live (or was live when the relay stopped writing)
 * @param turns         agent answers completed or interrupted
 * @param interruptions agent answers cut off (by the caller or the supervisor)
 * @param attention     attention reasons raised on the call (the ATTENTION event's {@code reason},
 *                      e.g. HUMAN_REQUESTED), in the order first raised
 * @param recording     the latest status of the call's Twilio recording ({@code in-progress},
 *                      {@code completed}, {@code absent}, ...); null when the call was not recorded
 */
public record CallRecord(
        String callId,
        String callSid,
        List<String> sessionIds,
        String from,
        String to,
        Instant startedAt,
        Instant endedAt,
        String endReason,
        String language,
        int turns,
        int interruptions,
        List<String> attention,
        long eventCount,
        Instant lastEventAt,
        String recording) {

    public CallRecord {
        sessionIds = List.copyOf(sessionIds);
        attention = List.copyOf(attention);
    }

    /** A call without a recording. */
    public CallRecord(String callId, String callSid, List<String> sessionIds, String from, String to, Instant startedAt,
                      Instant endedAt, String endReason, String language, int turns, int interruptions,
                      List<String> attention, long eventCount, Instant lastEventAt) {
        this(callId, callSid, sessionIds, from, to, startedAt, endedAt, endReason, language, turns, interruptions,
                attention, eventCount, lastEventAt, null);
    }

    public boolean ended() {
        return endedAt != null;
    }
}
