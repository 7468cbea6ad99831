package app.switchboard.call;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call's events to every subscriber (store, consoles, cluster), on the call's executor:
 * one listener failing neither stops the others nor the call. The calls handed over to another
 * node are silent here, and a call that ended is held by nobody.
 */
final class EventFanOut {

    private static final Logger LOG = LoggerFactory.getLogger(EventFanOut.class);

    private final List<Consumer<CallEvent>> listeners = new CopyOnWriteArrayList<>();
    /** Calls another relay node went on with: what this node would still record for them is not published. */
    private final Set<String> handedOver = ConcurrentHashMap.newKeySet();
    private final CallHolds holds;

    EventFanOut(CallHolds holds) {
        this.holds = holds;
    }

    AutoCloseable subscribe(Consumer<CallEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** From now on nothing of {@code callId} is published (until {@link #forgetHandOver}). */
    void handedOver(String callId) {
        handedOver.add(callId);
    }

    void forgetHandOver(String callId) {
        handedOver.remove(callId);
    }

    void publish(CallEvent event) {
        if (handedOver.contains(event.callId())) {
            return;
        }
        if (event.payload() instanceof EventPayload.CallEnded) {
            holds.callEnded(event.callId());
        }
        for (Consumer<CallEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException | LinkageError e) {
                // A LinkageError too: a view class that failed to initialise must not take the
                // call's state change, or the listeners after it, down with it.
                LOG.warn("Call event listener failed", e);
            }
        }
    }
}
