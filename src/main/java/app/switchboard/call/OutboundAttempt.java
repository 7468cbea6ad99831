package app.switchboard.call;

import java.time.Instant;

/**
 * One outbound call the supervisor placed (or Twilio reported through {@code /status}).
 * An answered attempt also shows up as an ordinary call once Twilio fetches {@code /twiml};
 * this record is what the supervisor sees before that, and when it never gets there.
 *
 * @param callSid     Twilio's {@code CA…}
 * @param from        the account number calling
 * @param to          the number called
 * @param status      the latest status reported
 * @param sequence    Twilio's {@code SequenceNumber} of that status; -1 when not given
 * @param placedAt    when this relay first heard of the attempt
 * @param updatedAt   when the latest status arrived
 * @param durationSeconds {@code CallDuration} once completed, else -1
 */
public record OutboundAttempt(String callSid, String from, String to, OutboundStatus status, int sequence,
                              Instant placedAt, Instant updatedAt, int durationSeconds) {

    OutboundAttempt withStatus(OutboundStatus next, int nextSequence, Instant at, int duration) {
        return new OutboundAttempt(callSid, from, to, next, nextSequence, placedAt, at,
                duration >= 0 ? duration : durationSeconds);
    }
}
