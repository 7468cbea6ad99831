package app.switchboard.relay;

/**
 * A token bucket: {@code burst} tokens to start with, refilled at {@code perSecond}. Confined to
 * one thread (Jetty delivers one socket's frames one at a time), so it needs no locking.
 */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, double burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes {@code amount} tokens if there are that many; false (and nothing taken) otherwise. */
    boolean take(double amount, long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            last = nowNanos;
        }
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }
}
