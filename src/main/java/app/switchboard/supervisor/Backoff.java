package app.switchboard.supervisor;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Delays between reconnection attempts: exponential from {@code first}, capped at {@code max},
 * each drawn at random between half and all of that step ("equal jitter"), so consoles dropped
 * by the same relay restart do not come back in one wave, and none waits longer than {@code max}.
 */
public record Backoff(Duration first, Duration max) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("0 < first <= max");
        }
    }

    /** The delay before attempt {@code attempt} (1 = the first retry); {@code random} in [0, 1). */
    public Duration delay(int attempt, DoubleSupplier random) {
        long step = first.toMillis();
        for (int i = 1; i < attempt && step < max.toMillis(); i++) {
            step *= 2;
        }
        step = Math.min(step, max.toMillis());
        long half = step / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (step - half)));
    }
}
