package app.switchboard.supervisor;

import app.switchboard.call.CallControl;
import app.switchboard.concurrent.Threads;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A holder's holds outlive their last console by a grace period: a console back within it keeps
 * them; after it, the AI takes each call back. Only the newest departure's timer acts, so a
 * console that comes back and leaves again starts a new grace.
 */
final class HoldGrace implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HoldGrace.class);

    private final CallControl calls;
    private final Duration grace;
    /** True while the account has a console connected. */
    private final Predicate<String> connected;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Threads.named("supervisor-hold-grace"));
    /** Per account whose last console left, a token of that departure. */
    private final Map<String, Object> departures = new ConcurrentHashMap<>();

    HoldGrace(CallControl calls, Duration grace, Predicate<String> connected) {
        this.calls = calls;
        this.grace = grace;
        this.connected = connected;
    }

    /** One of {@code account}'s consoles connected: a grace running for it is void. */
    void back(String account) {
        departures.remove(account);
    }

    /** {@code account}'s last console left: its holds end after the grace, unless one of its consoles is back. */
    void mayBeGone(String account) {
        if (connected.test(account) || calls.presence().holders().values().stream().noneMatch(account::equals)) {
            return;
        }
        Object departure = new Object();
        departures.put(account, departure);
        try {
            timer.schedule(() -> {
                if (connected.test(account) || !departures.remove(account, departure)) {
                    return;
                }
                calls.presence().holders().forEach((callId, holder) -> {
                    if (holder.equals(account)) {
                        LOG.info("{} held call {} and did not come back within {} s: the AI takes it back",
                                account, callId, grace.toSeconds());
                        calls.releaseAbandoned(callId, account, account + " disconnected and did not come back within "
                                + grace.toSeconds() + " s: the call is back with the AI");
                    }
                });
            }, grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The relay is stopping: its calls end with it.
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
