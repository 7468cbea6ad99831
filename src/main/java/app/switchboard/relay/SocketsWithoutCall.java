package app.switchboard.relay;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the relay's upgraded sockets that have no call yet, and admits no more than the cap.
 * Each admitted socket gives its place back exactly once: when its {@code setup} makes a call,
 * when its setup deadline passes, or when it closes, whichever comes first.
 */
final class SocketsWithoutCall {

    private final int cap;
    private final AtomicInteger count = new AtomicInteger();

    SocketsWithoutCall(int cap) {
        this.cap = cap;
    }

    /** Takes a place if one is free; the check and the count are one atomic step, so the cap holds under races. */
    boolean tryAdmit() {
        while (true) {
            int n = count.get();
            if (n >= cap) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        count.decrementAndGet();
    }

    int count() {
        return count.get();
    }

    int cap() {
        return cap;
    }
}
