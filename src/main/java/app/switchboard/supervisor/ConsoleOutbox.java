package app.switchboard.supervisor;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.supervisor.SupervisorMessage.Position;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import app.switchboard.supervisor.SupervisorMessage.SnapshotReason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one console is sent, in this order: {@code front} (hello, a snapshot and the events
 * replayed after it), command replies and history answers, presence, the cluster, then live events
 * (taking turns with an export's chunks), and the audio of the call it listens to ({@link ConsoleAudio},
 * binary frames) only while no live event waits, before any export chunk. Live events wait in a bounded queue: a console that does
 * not read fills it, and then its backlog is dropped and it gets a {@code resync} snapshot, so a
 * slow console costs a call one queue append per event, never a wait. One write is in flight at a
 * time ({@code writing}); the next starts when it completes, on a {@code supervisor-send} thread.
 *
 * <p>Exactly once: {@code sent} holds, per call, the newest seq this connection has sent (or
 * the snapshot's {@code lastSeq}); a queued event at or below it is skipped. Events of a call
 * reach the queue in seq order (the call's executor publishes them one at a time).
 */
final class ConsoleOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleOutbox.class);

    /** A batch stops at this many events or characters, so one frame never holds a console's whole queue. */
    static final int MAX_BATCH_EVENTS = 256;
    static final int MAX_BATCH_CHARS = 64 * 1024;

    private final SupervisorHub hub;
    private final String account;
    private final CallControl control;
    /** The console reads {@code events} messages: what queued during a write goes out as one. */
    private final boolean batches;
    /** A write failed or the console broke a limit: the connection closes with this code and reason. */
    private final BiConsumer<Integer, String> onBroken;
    private final Runnable onExportEnded;
    /** The next binary audio frame for this console, or null ({@link ConsoleAudio#poll}). */
    private final java.util.function.Supplier<java.nio.ByteBuffer> audio;
    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<SupervisorHub.SharedEvent> live = new ArrayDeque<>();
    private final ArrayDeque<String> replies = new ArrayDeque<>();
    private final ArrayDeque<String> front = new ArrayDeque<>();
    private SnapshotReason pendingSnapshot;
    private List<Position> pendingResume;
    private boolean writing;
    private boolean closed;
    /** The newest presence not yet sent: presence is whole, so only the latest matters. */
    private String pendingPresence;
    /** The newest cluster state not yet sent; whole, like presence. */
    private String pendingCluster;
    /** The export being streamed, a chunk per write, taking turns with live events. */
    private ExportStream export;
    private boolean exportTurn;
    // Touched only by the one writer in flight.
    private final Map<String, Long> sent = new HashMap<>();
    private volatile Session session;

    ConsoleOutbox(SupervisorHub hub, String account, CallControl control, boolean batches,
                  BiConsumer<Integer, String> onBroken, Runnable onExportEnded,
                  java.util.function.Supplier<java.nio.ByteBuffer> audio) {
        this.hub = hub;
        this.account = account;
        this.control = control;
        this.batches = batches;
        this.onBroken = onBroken;
        this.onExportEnded = onExportEnded;
        this.audio = audio;
    }

    /** The socket is open: hello, the connect snapshot, presence and the cluster go first. */
    void open(Session s) {
        session = s;
        synchronized (lock) {
            front.add(SupervisorCodec.encode(new SupervisorMessage.Hello(hub.relayName(), account,
                    SupervisorMessage.VERSION, hub.audio().on())));
            pendingSnapshot = SnapshotReason.CONNECT;
            pendingPresence = hub.presenceJson();
            pendingCluster = hub.clusterJson();
        }
    }

    /** The console asked to resume from {@code positions}: a resume snapshot and the replay go next. */
    void resume(List<Position> positions) {
        synchronized (lock) {
            pendingSnapshot = SnapshotReason.RESUME;
            pendingResume = positions;
            pendingCluster = hub.clusterJson();
        }
        kick();
    }

    /** Nothing more is sent; what was queued is dropped. Returns the export that was streaming, for the caller to close. */
    ExportStream shut() {
        synchronized (lock) {
            closed = true;
            live.clear();
            replies.clear();
            ExportStream stream = export;
            export = null;
            return stream;
        }
    }

    // ---- live events (a call's executor) ----

    void offer(SupervisorHub.SharedEvent event) {
        boolean start;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (live.size() >= hub.limits().maxQueued()) {
                live.clear();
                if (pendingSnapshot == null) {
                    pendingSnapshot = SnapshotReason.RESYNC;
                    hub.countResync(account);
                }
                return;
            }
            live.add(event);
            start = !writing;
            if (start) {
                writing = true;
            }
        }
        if (start) {
            hub.senders().execute(this::pump);
        }
    }

    void kick() {
        synchronized (lock) {
            if (writing || closed) {
                return;
            }
            writing = true;
        }
        hub.senders().execute(this::pump);
    }



    /** A newer presence for this console; replaces one not yet sent. */
    void presence(String json) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            pendingPresence = json;
        }
        kick();
    }

    /** A newer cluster state for this console; replaces one not yet sent. */
    void cluster(String json) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            pendingCluster = json;
        }
        kick();
    }

    /** A notice for this console (another supervisor asks for a call it holds); sent with the replies. */
    void notice(String json) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            replies.add(json);
        }
        kick();
    }

    /** Queued unsent live events (for tests and the status). */
    int queued() {
        synchronized (lock) {
            return live.size();
        }
    }

    // ---- the writer ----

    private void pump() {
        try {
            Object frame = next();
            if (frame == null) {
                return;
            }
            Session s = session;
            Callback written = Callback.from(() -> hub.senders().execute(this::pump), failure -> {
                LOG.info("Console {} write failed: {}", account, failure.toString());
                onBroken.accept(StatusCode.SERVER_ERROR, "Write failed");
            });
            if (frame instanceof java.nio.ByteBuffer binary) {
                s.sendBinary(binary, written);
            } else {
                s.sendText((String) frame, written);
            }
        } catch (RuntimeException e) {
            LOG.warn("Console {} writer failed", account, e);
            onBroken.accept(StatusCode.SERVER_ERROR, "Internal error");
        }
    }

    /**
     * The next frame to write: a text (String) or a binary audio frame (ByteBuffer); null (and
     * {@code writing} cleared) when there is nothing.
     */
    private Object next() {
        SnapshotReason reason;
        List<Position> resume;
        while (true) {
            SupervisorHub.SharedEvent event;
            ExportStream stream;
            synchronized (lock) {
                if (closed) {
                    writing = false;
                    return null;
                }
                if (!front.isEmpty()) {
                    return front.poll();
                }
                if (pendingSnapshot != null) {
                    reason = pendingSnapshot;
                    resume = pendingResume;
                    pendingSnapshot = null;
                    pendingResume = null;
                    break;
                }
                if (!replies.isEmpty()) {
                    return replies.poll();
                }
                if (pendingPresence != null) {
                    String p = pendingPresence;
                    pendingPresence = null;
                    return p;
                }
                if (pendingCluster != null) {
                    String c = pendingCluster;
                    pendingCluster = null;
                    return c;
                }
                if (live.isEmpty()) {
                    java.nio.ByteBuffer frame = audio.get();
                    if (frame != null) {
                        return frame;
                    }
                }
                stream = export != null && (exportTurn || live.isEmpty()) ? export : null;
                exportTurn = !exportTurn;
                event = stream == null ? live.poll() : null;
                if (stream == null && event == null) {
                    writing = false;
                    return null;
                }
            }
            if (stream != null) {
                String chunk = stream.next();
                if (stream.done()) {
                    synchronized (lock) {
                        export = null;
                    }
                    stream.close();
                    onExportEnded.run();
                }
                return chunk;
            }
            if (!unsent(event)) {
                continue; // already in the snapshot or the replay
            }
            if (!batches) {
                return event.json();
            }
            List<String> parts = new ArrayList<>();
            String first = event.json();
            parts.add(first);
            int chars = first.length();
            while (parts.size() < MAX_BATCH_EVENTS && chars < MAX_BATCH_CHARS) {
                SupervisorHub.SharedEvent more;
                synchronized (lock) {
                    // A snapshot due (the queue overflowed and was dropped meanwhile, or the client
                    // asked to resume) goes before any later event: a batch never spans a gap.
                    more = closed || pendingSnapshot != null ? null : live.poll();
                }
                if (more == null) {
                    break;
                }
                if (unsent(more)) {
                    String json = more.json();
                    parts.add(json);
                    chars += json.length();
                }
            }
            return parts.size() == 1 ? first : SupervisorCodec.encodeEvents(parts);
        }
        snapshot(reason, resume);
        synchronized (lock) {
            return front.poll();
        }
    }

    /** True once per event: false for one the snapshot or replay already covered. Writer only. */
    private boolean unsent(SupervisorHub.SharedEvent event) {
        CallEvent e = event.event;
        Long last = sent.get(e.callId());
        if (last != null && e.seq() <= last) {
            return false;
        }
        sent.put(e.callId(), e.seq());
        return true;
    }

    /** The snapshot (and after a resume the replay) into {@code front}; {@code sent} restarts from it. Writer only. */
    private void snapshot(SnapshotReason reason, List<Position> resume) {
        ConsoleSnapshot taken = ConsoleSnapshot.take(hub.summaries(), control, reason, resume, sent);
        synchronized (lock) {
            front.add(taken.snapshot());
            front.addAll(taken.replay());
        }
    }

    // ---- history answers and exports ----

    /** An export file is ready: it streams from the next write on. False when the console has left meanwhile. */
    boolean startExport(ExportStream stream) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            export = stream;
        }
        kick();
        return true;
    }

    /** A history answer, sent with the replies. */
    void send(SupervisorMessage.ServerMessage message) {
        String text = SupervisorCodec.encode(message);
        synchronized (lock) {
            if (closed) {
                return;
            }
            replies.add(text);
        }
        kick();
    }


    void reply(Reply reply) {
        String text = SupervisorCodec.encode(reply);
        synchronized (lock) {
            if (replies.size() >= hub.limits().maxPendingReplies()) {
                // Commands sent without reading the replies: not a console this relay can serve.
                closed = true;
            } else {
                replies.add(text);
            }
        }
        if (isClosed()) {
            onBroken.accept(StatusCode.POLICY_VIOLATION, "Too many unread replies");
            return;
        }
        kick();
    }

    /** Nothing queued and nothing being written: everything given to this console has gone out. */
    boolean idle() {
        synchronized (lock) {
            return closed || (!writing && live.isEmpty() && replies.isEmpty());
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }
}
