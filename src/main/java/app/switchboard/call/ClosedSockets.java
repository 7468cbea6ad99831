package app.switchboard.call;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a call whose socket closed: it ends after the end grace (Twilio's action
 * webhook usually comes first) or, with application reconnect on, after the wait for Twilio to
 * come back, unless a socket came since; or this relay lets go of it when another node went on
 * with it. The waits run on the registry's timer thread.
 */
final class ClosedSockets {

    private static final Logger LOG = LoggerFactory.getLogger(ClosedSockets.class);

    private final ScheduledExecutorService timers;
    private final Duration endGrace;
    private final Supplier<CallRegistry.Reconnects> reconnects;
    private final LiveCalls calls;
    private final EventFanOut fanOut;

    ClosedSockets(ScheduledExecutorService timers, Duration endGrace, Supplier<CallRegistry.Reconnects> reconnects,
                  LiveCalls calls, EventFanOut fanOut) {
        this.timers = timers;
        this.endGrace = endGrace;
        this.reconnects = reconnects;
        this.calls = calls;
        this.fanOut = fanOut;
    }

    /** See {@link CallRegistry#socketClosed(CallSession, RelayConnection, int, String, String)}. */
    void socketClosed(CallSession session, RelayConnection socket, int code, String reason, String limit) {
        CallRegistry.Reconnects policy = reconnects.get();
        boolean awaitReconnect = policy.enabled() && limit == null && code != 1000;
        Duration wait = awaitReconnect ? policy.waitFor() : endGrace;
        // The wait must not hold the closed socket (a TLS engine and buffers on a real relay) for
        // its seconds: a socket that is gone is not open.
        WeakReference<RelayConnection> closed = new WeakReference<>(socket);
        session.onSocketClosed(socket, code, reason, limit, awaitReconnect, sessionsAtClose -> {
            try {
                timers.schedule(() -> {
                    // A socket that came since (a reconnect) has the call now; only a call still without one ends.
                    if (!session.ended() && !isOpen(closed) && session.sessionNumber() == sessionsAtClose
                            && session.summary().state() == CallState.ENDED) {
                        session.endCall(code == 1000 ? "relay session closed" : "relay session lost (" + code + ")");
                    }
                }, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // The registry is closing: it ends every call itself.
            }
        });
    }

    private static boolean isOpen(WeakReference<RelayConnection> socket) {
        RelayConnection s = socket.get();
        return s != null && s.isOpen();
    }

    /** See {@link CallRegistry#handOver(String)}. */
    boolean handOver(String callId) {
        CallSession session = calls.find(callId);
        if (session == null || session.hasOpenSocket()) {
            return false;
        }
        fanOut.handedOver(callId);
        calls.remove(session);
        try {
            // Longer than any wait that could still record for it.
            timers.schedule(() -> fanOut.forgetHandOver(callId),
                    reconnects.get().waitFor().plus(endGrace).plusMinutes(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // closing: the set goes with the registry
        }
        LOG.info("Call {} handed over to another relay node", callId);
        return true;
    }
}
