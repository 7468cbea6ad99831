package app.switchboard.supervisor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@code /console} connection checks that its peer is still there: a WebSocket ping every
 * {@code interval}, and the connection is given up once nothing (no pong, no message) has come
 * back for {@code timeout}. Both ends use it: the relay, so a console behind a half-open TCP
 * connection does not keep its queue forever; the remote console, so a relay that went silent
 * shows as disconnected and is reconnected to.
 *
 * <p>A dead peer is noticed between {@code timeout} and {@code timeout + interval} after it last
 * answered (the check runs with each ping).
 */
public record PingTiming(Duration interval, Duration timeout) {

    /** Every 15 s; given up after 45 s of silence (two missed pongs and the third late). */
    public static final PingTiming DEFAULT = new PingTiming(Duration.ofSeconds(15), Duration.ofSeconds(45));

    public PingTiming {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the ping interval must be positive");
        }
        if (timeout.compareTo(interval) < 0) {
            throw new IllegalArgumentException("the silence timeout must be at least the ping interval");
        }
    }
}
