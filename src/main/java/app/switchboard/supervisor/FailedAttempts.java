package app.switchboard.supervisor;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed {@code /console} authentications per remote address, in a fixed window that starts at
 * an address's first failure: after {@code max} failures the address is refused (429) until the
 * window ends, valid token or not, so guessing costs a minute per {@code max} tries. Bounded:
 * past {@link #MAX_ADDRESSES} tracked addresses the expired ones are forgotten first.
 */
final class FailedAttempts {

    static final int MAX_ADDRESSES = 10_000;

    private record Window(long startNanos, int failures) {
    }

    private final int max;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Window> byAddress = new HashMap<>();

    FailedAttempts(int max, Duration window) {
        this(max, window, System::nanoTime);
    }

    FailedAttempts(int max, Duration window, LongSupplier nanoTime) {
        this.max = max;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Seconds until the address may try again, or 0 when it may try now. */
    synchronized long blockedForSeconds(String address) {
        Window w = current(address, nanoTime.getAsLong());
        if (w == null || w.failures() < max) {
            return 0;
        }
        long left = w.startNanos() + windowNanos - nanoTime.getAsLong();
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    synchronized void failed(String address) {
        long now = nanoTime.getAsLong();
        Window w = current(address, now);
        if (w == null && byAddress.size() >= MAX_ADDRESSES) {
            byAddress.values().removeIf(x -> now - x.startNanos() >= windowNanos);
            if (byAddress.size() >= MAX_ADDRESSES) {
                return; // a flood from that many addresses: each still meets the 401
            }
        }
        byAddress.put(address, w == null ? new Window(now, 1) : new Window(w.startNanos(), w.failures() + 1));
    }

    private Window current(String address, long now) {
        Window w = byAddress.get(address);
        if (w != null && now - w.startNanos() >= windowNanos) {
            byAddress.remove(address);
            return null;
        }
        return w;
    }
}
