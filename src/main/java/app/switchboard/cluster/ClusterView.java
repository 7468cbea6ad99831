package app.switchboard.cluster;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventPayload;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's picture of the other nodes' calls: their index entries and a small window of each
 * live call's recent events, fed by the cluster's event stream. Events are kept once per
 * {@code seq} in order (a batch sent twice after a Redis hiccup shows once). An ended call keeps
 * only its summary: every node holding every call's events would multiply memory by the node
 * count; a console that opens a call reads the rest from the call's stream.
 */
final class ClusterView {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

    private final Map<String, RemoteCall> calls = new ConcurrentHashMap<>();
    private final List<Consumer<CallEvent>> listeners = new CopyOnWriteArrayList<>();
    private final String self;
    private final Predicate<String> isLocal;
    private final int window;

    ClusterView(String self, Predicate<String> isLocal, int window) {
        this.self = self;
        this.isLocal = isLocal;
        this.window = window;
    }

    /** One call of another node. Guarded by itself: the follower writes, consoles read. */
    static final class RemoteCall {
        /** By seq: a late event (an owner publishing its window again after Redis lost entries) fills its gap. */
        private final java.util.TreeMap<Long, CallEvent> events = new java.util.TreeMap<>();
        private String owner;
        private CallSummary summary;
        private long lastSeq;

        synchronized String owner() {
            return owner;
        }

        synchronized CallSummary summary() {
            return summary;
        }

        synchronized List<CallEvent> events() {
            return new ArrayList<>(events.values());
        }

        synchronized long lastSeq() {
            return lastSeq;
        }
    }

    AutoCloseable subscribe(Consumer<CallEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** An entry of the cluster's event stream, written by {@code writer}. */
    void onEvent(String writer, CallEvent e) {
        if (isLocal.test(e.callId())) {
            return; // this node's own call: its registry already told everyone
        }
        RemoteCall call = calls.computeIfAbsent(e.callId(), id -> new RemoteCall());
        boolean fresh;
        synchronized (call) {
            fresh = e.seq() > call.lastSeq;
            if (fresh) {
                call.lastSeq = e.seq();
                call.events.put(e.seq(), e);
                call.summary = Summaries.apply(call.summary, e);
                if (call.owner == null || e.payload() instanceof EventPayload.SessionStarted) {
                    // A session starts where the socket is: a reconnect another node took over moves the call there.
                    call.owner = writer;
                }
            } else if (!call.events.isEmpty() && e.seq() > call.events.firstKey()) {
                // A gap filled late: kept for events(), not announced (listeners get each call in seq order).
                call.events.putIfAbsent(e.seq(), e);
            }
            while (call.events.size() > window) {
                call.events.pollFirstEntry();
            }
        }
        boolean over;
        synchronized (call) {
            over = call.summary != null && call.summary.endedAt() != null;
        }
        if (fresh) {
            for (Consumer<CallEvent> listener : listeners) {
                try {
                    listener.accept(e);
                } catch (RuntimeException | LinkageError ex) {
                    LOG.warn("Cluster event listener failed", ex);
                }
            }
        }
        if (over) {
            synchronized (call) {
                call.events.clear(); // lastSeq stays: later duplicates are still recognised
            }
        }
    }

    /**
     * The call's events as its stream holds them, followed by any newer ones this view has read
     * (the stream can lag by a publish batch); kept once per seq, in order. Not stored.
     */
    List<CallEvent> merged(String callId, List<CallEvent> fromStream) {
        RemoteCall call = calls.get(callId);
        java.util.TreeMap<Long, CallEvent> bySeq = new java.util.TreeMap<>();
        fromStream.forEach(e -> bySeq.putIfAbsent(e.seq(), e));
        if (call != null) {
            call.events().forEach(e -> bySeq.putIfAbsent(e.seq(), e));
        }
        return new ArrayList<>(bySeq.values());
    }

    /** The index as Redis holds it now: owners and summaries of calls this node holds no socket for. */
    void applyIndex(Map<String, StreamCodec.IndexEntry> index) {
        index.forEach((id, entry) -> {
            // This node's own calls, including ended ones its registry has already forgotten.
            if (self.equals(entry.node()) || isLocal.test(id)) {
                calls.remove(id);
                return;
            }
            RemoteCall call = calls.computeIfAbsent(id, k -> new RemoteCall());
            synchronized (call) {
                call.owner = entry.node();
                CallSummary s = entry.summary();
                if (call.summary == null || entry.lastSeq() >= call.lastSeq) {
                    call.summary = s;
                } else {
                    // the view has read further than the index says: keep the live state, take the rest
                    CallSummary live = call.summary;
                    call.summary = new CallSummary(id, s.from(), s.to(), live.state(), s.language(), s.startedAt(),
                            live.endedAt(), Math.max(s.eventCount(), live.eventCount()));
                }
            }
        });
        // Calls the index no longer lists were forgotten by their owner (ended long ago).
        calls.keySet().removeIf(id -> !index.containsKey(id) && endedOrUnknown(calls.get(id)));
    }

    private static boolean endedOrUnknown(RemoteCall call) {
        if (call == null) {
            return true;
        }
        CallSummary s = call.summary();
        return s == null || s.endedAt() != null;
    }

    /** Call ids currently owned (in this view) by {@code node} and not over. */
    List<String> liveCallsOf(String node) {
        List<String> ids = new ArrayList<>();
        calls.forEach((id, call) -> {
            CallSummary s = call.summary();
            if (node.equals(call.owner()) && (s == null || s.endedAt() == null)) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** This node took the call over: it is no longer another node's. */
    void forget(String callId) {
        calls.remove(callId);
    }

    RemoteCall call(String callId) {
        return calls.get(callId);
    }

    Collection<CallSummary> summaries() {
        List<CallSummary> list = new ArrayList<>();
        calls.forEach((id, call) -> {
            if (!isLocal.test(id)) {
                CallSummary s = call.summary();
                if (s != null) {
                    list.add(s);
                }
            }
        });
        return list;
    }
}
