package app.switchboard.call;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who holds which call, and who is on the floor: the one place take-over is made exclusive.
 * {@link CallRegistry} sends every take-over and release through it, whether from the embedded
 * console or a remote one, so neither can take a call the other holds.
 *
 * <p>A claim is decided here, atomically, before the take-over is handed to the call's executor;
 * a release clears the claim before its command is handed over. The executor runs commands in
 * the order they were handed to it, so a release and the next supervisor's take-over reach the
 * call in that order.
 */
final class CallHolds {

    private static final Logger LOG = LoggerFactory.getLogger(CallHolds.class);

    private final Function<String, CallSession> calls;
    /** callId → the supervisor holding it. */
    private final Map<String, String> holders = new ConcurrentHashMap<>();
    private final List<Consumer<SupervisorPresence>> listeners = new CopyOnWriteArrayList<>();
    private volatile List<SupervisorPresence.Supervisor> online = List.of();

    CallHolds(Function<String, CallSession> calls) {
        this.calls = calls;
    }

    String heldBy(String callId) {
        return holders.get(callId);
    }

    /** Null when {@code operator} now holds the call (or already did), else who does; a call without a live session is not claimed. */
    String claim(String callId, String operator) {
        CallSession session = calls.apply(callId);
        if (session == null || session.ended() || session.state() == CallState.ENDED) {
            LOG.info("Take-over of call {} without a live session ignored", callId);
            return null;
        }
        String[] other = new String[1];
        boolean[] taken = new boolean[1];
        holders.compute(callId, (id, current) -> {
            if (current == null) {
                taken[0] = true;
                return operator;
            }
            if (!current.equals(operator)) {
                other[0] = current;
            }
            return current;
        });
        if (taken[0]) {
            session.takeOver(operator);
            changed();
        }
        return other[0];
    }

    /** Null when released (or nobody held the call), else who holds it; {@code reason}: why, when not the holder's own click. */
    String release(String callId, String operator, String reason) {
        String[] other = new String[1];
        boolean[] released = new boolean[1];
        holders.computeIfPresent(callId, (id, current) -> {
            if (current.equals(operator)) {
                released[0] = true;
                return null;
            }
            other[0] = current;
            return current;
        });
        CallSession session = calls.apply(callId);
        if (session != null && other[0] == null) {
            // Also when nobody was listed: the call releases only if it is held, and does nothing otherwise.
            session.release(operator, reason);
        }
        if (released[0]) {
            changed();
        }
        return other[0];
    }

    void releaseAbandoned(String callId, String holder, String reason) {
        if (holder != null && holder.equals(holders.get(callId))) {
            release(callId, holder, reason);
        }
    }

    /** A call that ended is held by nobody. */
    void callEnded(String callId) {
        if (holders.remove(callId) != null) {
            changed();
        }
    }

    SupervisorPresence presence() {
        return new SupervisorPresence(online, holders);
    }

    void supervisorsOnline(List<SupervisorPresence.Supervisor> supervisors) {
        online = List.copyOf(supervisors);
        changed();
    }

    AutoCloseable subscribe(Consumer<SupervisorPresence> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void changed() {
        if (listeners.isEmpty()) {
            return;
        }
        SupervisorPresence now = presence();
        for (Consumer<SupervisorPresence> l : listeners) {
            try {
                l.accept(now);
            } catch (RuntimeException e) {
                LOG.warn("Presence listener failed", e);
            }
        }
    }
}
