package app.switchboard.call;

import java.util.Locale;

/**
 * Where an outbound call stands, as Twilio's status callbacks ({@code CallStatus}) and the
 * create response report it. The terminal ones say why a call never reached the relay.
 */
public enum OutboundStatus {
    QUEUED, INITIATED, RINGING, IN_PROGRESS, COMPLETED, BUSY, NO_ANSWER, FAILED, CANCELED,
    /** A value this version does not know; kept so the list still shows the attempt. */
    UNKNOWN;

    /** Twilio's wire form: {@code no-answer}, {@code in-progress}, … */
    public static OutboundStatus fromTwilio(String value) {
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        try {
            return valueOf(value.strip().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    public boolean terminal() {
        return this == COMPLETED || this == BUSY || this == NO_ANSWER || this == FAILED || this == CANCELED;
    }

    /** How the call list words it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
