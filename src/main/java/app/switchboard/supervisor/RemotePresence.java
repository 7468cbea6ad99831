package app.switchboard.supervisor;

import app.switchboard.call.HoldRequest;
import app.switchboard.call.SupervisorPresence;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is on the relay's floor as the remote console knows it: the relay's last {@code presence}
 * (nobody while disconnected: it is the relay's to tell) and the hold requests addressed to this
 * console's supervisor, each handed to its listeners.
 */
final class RemotePresence {

    private static final Logger LOG = LoggerFactory.getLogger(RemotePresence.class);

    private final List<Consumer<SupervisorPresence>> presenceListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<HoldRequest>> holdRequestListeners = new CopyOnWriteArrayList<>();
    private volatile SupervisorPresence presence = SupervisorPresence.NOBODY;

    SupervisorPresence now() {
        return presence;
    }

    void set(SupervisorPresence next) {
        presence = next;
        for (Consumer<SupervisorPresence> l : presenceListeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("A presence listener failed", e);
            }
        }
    }

    AutoCloseable subscribe(Consumer<SupervisorPresence> listener) {
        presenceListeners.add(listener);
        return () -> presenceListeners.remove(listener);
    }

    void holdRequested(SupervisorMessage.HoldRequested h) {
        LOG.info("Supervisor {} asks for call {}", h.requestedBy(), h.callId());
        HoldRequest request = new HoldRequest(h.callId(), h.requestedBy());
        for (Consumer<HoldRequest> l : holdRequestListeners) {
            try {
                l.accept(request);
            } catch (RuntimeException ex) {
                LOG.warn("A hold request listener failed", ex);
            }
        }
    }

    AutoCloseable subscribeHoldRequests(Consumer<HoldRequest> listener) {
        holdRequestListeners.add(listener);
        return () -> holdRequestListeners.remove(listener);
    }
}
