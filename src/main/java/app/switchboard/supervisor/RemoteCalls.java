package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventPayload;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote console's view of the relay's calls: the calls its snapshots list and, per call, a
 * bounded window of the newest events (the relay's own window size by default), applied once
 * each in seq order across reconnects; the positions the next connection resumes from.
 * Listeners get each applied event under the lock, so each call's events reach them in order.
 */
final class RemoteCalls {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCalls.class);

    private final String relay;
    private final int window;
    private final Object lock = new Object();
    private final Map<String, RemoteCall> calls = new LinkedHashMap<>();
    private final List<Consumer<CallEvent>> listeners = new CopyOnWriteArrayList<>();

    RemoteCalls(String relay, int window) {
        this.relay = relay;
        this.window = window;
    }

    AutoCloseable subscribe(Consumer<CallEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** What the next connection resumes from: the last seq applied per known call. */
    Map<String, Long> positions() {
        synchronized (lock) {
            Map<String, Long> from = new LinkedHashMap<>();
            calls.forEach((id, call) -> from.put(id, call.lastSeq));
            return from;
        }
    }

    void onSnapshot(SupervisorMessage.Snapshot snapshot) {
        synchronized (lock) {
            Set<String> listed = new HashSet<>();
            for (SupervisorMessage.CallInfo info : snapshot.calls()) {
                listed.add(info.callId());
                calls.computeIfAbsent(info.callId(), RemoteCall::new).update(info);
            }
            if (snapshot.reason() != SupervisorMessage.SnapshotReason.RESYNC) {
                // Calls the relay no longer lists are only in its history now. One still live
                // here lost its end on the way (a relay that restarted closed this connection
                // before the call's end reached it): its end will never come, so it is ended
                // here, or the console would show it live forever.
                for (var it = calls.values().iterator(); it.hasNext(); ) {
                    RemoteCall call = it.next();
                    if (listed.contains(call.callId)) {
                        continue;
                    }
                    if (call.isLive()) {
                        endUnlisted(call);
                    }
                    it.remove();
                }
            }
        }
    }


    /**
     * Tells the listeners the call is over with an end that exists only in this console (never
     * sent, never stored): the relay's record of the call is in its history.
     */
    private void endUnlisted(RemoteCall call) {
        LOG.warn("Call {} is live here but relay {} no longer lists it: shown as ended", call.callId, relay);
        CallEvent end = new CallEvent(call.callId, call.lastSeq + 1, Instant.now(),
                new EventPayload.CallEnded(RemoteCallControl.NO_LONGER_LISTED));
        call.apply(end, window);
        for (Consumer<CallEvent> l : listeners) {
            try {
                l.accept(end);
            } catch (RuntimeException e) {
                LOG.warn("A call event listener failed", e);
            }
        }
    }

    void onEvent(CallEvent event) {
        synchronized (lock) {
            RemoteCall call = calls.computeIfAbsent(event.callId(), RemoteCall::new);
            if (event.seq() <= call.lastSeq) {
                return; // already applied: a resume can overlap what arrived before the drop
            }
            if (call.lastSeq > 0 && event.seq() != call.lastSeq + 1) {
                LOG.warn("Call {}: events {}..{} are older than the relay's window; they are in its history",
                        event.callId(), call.lastSeq + 1, event.seq() - 1);
            }
            call.apply(event, window);
            // Under the lock, so listeners see each call's events in seq order across reconnects.
            for (Consumer<CallEvent> l : listeners) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("A call event listener failed", e);
                }
            }
        }
    }


    List<CallSummary> summaries() {
        synchronized (lock) {
            List<CallSummary> list = new ArrayList<>(calls.size());
            calls.values().forEach(c -> list.add(c.summary()));
            return list;
        }
    }

    List<CallEvent> events(String callId) {
        synchronized (lock) {
            RemoteCall call = calls.get(callId);
            return call == null ? List.of() : List.copyOf(call.window);
        }
    }

    long firstSeqInWindow(String callId) {
        synchronized (lock) {
            RemoteCall call = calls.get(callId);
            return call == null || call.window.isEmpty() ? 0 : call.window.peekFirst().seq();
        }
    }

    long live() {
        synchronized (lock) {
            return calls.values().stream().filter(RemoteCall::isLive).count();
        }
    }

    /** One call as known from snapshots and events. */
    private static final class RemoteCall {
        final String callId;
        String from;
        String to;
        CallState state = CallState.GREETING;
        String language;
        Instant startedAt;
        Instant endedAt;
        long lastSeq;
        final ArrayDeque<CallEvent> window = new ArrayDeque<>();

        RemoteCall(String callId) {
            this.callId = callId;
        }

        void update(SupervisorMessage.CallInfo info) {
            from = info.from();
            to = info.to();
            state = info.state() == null ? state : info.state();
            language = info.language();
            startedAt = info.startedAt();
            endedAt = info.endedAt();
        }

        void apply(CallEvent event, int max) {
            lastSeq = event.seq();
            window.addLast(event);
            while (window.size() > max) {
                window.removeFirst();
            }
            if (startedAt == null) {
                startedAt = event.time();
            }
            EventPayload p = event.payload();
            if (p instanceof EventPayload.Setup s) {
                from = s.from();
                to = s.to();
            } else if (p instanceof EventPayload.StateChanged s && s.to() != null) {
                state = s.to();
            } else if (p instanceof EventPayload.CallEnded) {
                state = CallState.ENDED;
                endedAt = event.time();
            }
        }

        boolean isLive() {
            return endedAt == null && state != CallState.ENDED;
        }

        CallSummary summary() {
            return new CallSummary(callId, from, to, state, language, startedAt, endedAt, lastSeq);
        }
    }
}
