package app.switchboard.supervisor;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.supervisor.SupervisorMessage.CallInfo;
import app.switchboard.supervisor.SupervisorMessage.Command;
import app.switchboard.supervisor.SupervisorMessage.Position;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import app.switchboard.supervisor.SupervisorMessage.SnapshotReason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One console connection. Outbound, in this order: {@code front} (hello, a snapshot and the
 * events replayed after it), command replies, then live events. Live events wait in a bounded
 * queue: a console that does not read fills it, and then its backlog is dropped and it gets a
 * {@code resync} snapshot, so a slow console costs a call one queue append per event, never a
 * wait. One write is in flight at a time ({@code writing}); the next starts when it completes.
 *
 * <p>Exactly once: {@code sent} holds, per call, the newest seq this connection has sent (or
 * the snapshot's {@code lastSeq}); a queued event at or below it is skipped. Events of a call
 * reach the queue in seq order (the call's executor publishes them one at a time).
 */
public final class SupervisorEndpoint implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorEndpoint.class);

    private final SupervisorHub hub;
    private final String account;
    private final CallControl control;
    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<SupervisorHub.SharedEvent> live = new ArrayDeque<>();
    private final ArrayDeque<String> replies = new ArrayDeque<>();
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
    private final ConsoleHistory history;
    private volatile String watching;
    private final ArrayDeque<String> front = new ArrayDeque<>();
    // Touched only by the one writer in flight.
    private final Map<String, Long> sent = new HashMap<>();
    private volatile Session session;
    private volatile KeepAlive keepAlive;
    /** The console reads {@code events} messages: what queued during a write goes out as one. */
    private final boolean batches;
    /** A batch stops at this many events or characters, so one frame never holds a console's whole queue. */
    static final int MAX_BATCH_EVENTS = 256;
    static final int MAX_BATCH_CHARS = 64 * 1024;

    SupervisorEndpoint(SupervisorHub hub, String account) {
        this(hub, account, false);
    }

    SupervisorEndpoint(SupervisorHub hub, String account, boolean batches) {
        this.hub = hub;
        this.account = account;
        this.batches = batches;
        this.control = hub.calls().operatedBy(account);
        this.history = new ConsoleHistory(hub, account, this);
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        LOG.info("Console connected: {} from {}", account, s.getRemoteSocketAddress());
        keepAlive = KeepAlive.start(s, hub.pingTiming(), hub.pings(), this::silent);
        synchronized (lock) {
            front.add(SupervisorCodec.encode(new SupervisorMessage.Hello(hub.relayName(), account,
                    SupervisorMessage.VERSION)));
            pendingSnapshot = SnapshotReason.CONNECT;
            pendingPresence = hub.presenceJson();
            pendingCluster = hub.clusterJson();
        }
        // Registered before the snapshot is taken: no event falls between the two.
        hub.opened(this);
        kick();
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

    private void kick() {
        synchronized (lock) {
            if (writing || closed) {
                return;
            }
            writing = true;
        }
        hub.senders().execute(this::pump);
    }

    String account() {
        return account;
    }

    /** The call this console has open, or null. */
    String watching() {
        return watching;
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
            String text = next();
            if (text == null) {
                return;
            }
            Session s = session;
            s.sendText(text, Callback.from(() -> hub.senders().execute(this::pump), failure -> {
                LOG.info("Console {} write failed: {}", account, failure.toString());
                close(StatusCode.SERVER_ERROR, "Write failed");
            }));
        } catch (RuntimeException e) {
            LOG.warn("Console {} writer failed", account, e);
            close(StatusCode.SERVER_ERROR, "Internal error");
        }
    }

    /** The next text to write, or null (and {@code writing} cleared) when there is nothing. */
    private String next() {
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
                    history.exportEnded();
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

    /**
     * The snapshot, and after a resume the events each listed call missed, from the call's
     * window. Taken while this connection receives live events, which continue after it.
     */
    private void snapshot(SnapshotReason reason, List<Position> resume) {
        Map<String, Long> positions = new HashMap<>();
        if (resume != null) {
            resume.forEach(p -> positions.put(p.callId(), p.seq()));
        }
        List<CallInfo> infos = new ArrayList<>();
        List<String> replay = new ArrayList<>();
        sent.clear();
        for (CallSummary s : hub.summaries()) {
            long lastSeq = s.eventCount();
            // A call the client does not list is one it has never seen (it started while the
            // client was away, or its start was dropped in a resync): replayed from its start.
            Long from = resume == null ? null : positions.getOrDefault(s.callId(), 0L);
            long firstSeq;
            if (from != null && from < lastSeq) {
                List<CallEvent> window = control.events(s.callId());
                firstSeq = window.isEmpty() ? lastSeq + 1 : window.get(0).seq();
                for (CallEvent e : window) {
                    if (e.seq() > from && e.seq() <= lastSeq) {
                        replay.add(SupervisorCodec.encode(new SupervisorMessage.Event(e)));
                    }
                }
            } else {
                firstSeq = control.firstSeqInWindow(s.callId());
            }
            infos.add(CallInfo.of(s, firstSeq));
            sent.put(s.callId(), lastSeq);
        }
        String snapshot = SupervisorCodec.encode(new SupervisorMessage.Snapshot(reason, infos));
        synchronized (lock) {
            front.add(snapshot);
            front.addAll(replay);
        }
    }

    // ---- inbound (Jetty's thread) ----

    @Override
    public void onWebSocketPong(java.nio.ByteBuffer payload) {
        heard();
    }

    private void heard() {
        KeepAlive k = keepAlive;
        if (k != null) {
            k.heard();
        }
    }

    /**
     * The console answered no ping for {@code silence}: a half-open connection (a laptop that
     * slept, a dropped VPN). Its queue is released now and the socket dropped without a close
     * handshake, which it would never answer.
     */
    private void silent(java.time.Duration silence) {
        LOG.warn("Console {} answered no ping for {} ms: disconnecting it", account, silence.toMillis());
        release();
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }

    @Override
    public void onWebSocketText(String text) {
        heard();
        SupervisorMessage.ClientMessage message = SupervisorCodec.decodeClient(text);
        if (message instanceof SupervisorMessage.Resume r) {
            synchronized (lock) {
                pendingSnapshot = SnapshotReason.RESUME;
                pendingResume = r.calls();
                pendingCluster = hub.clusterJson();
            }
            kick();
        } else if (message instanceof SupervisorMessage.Watch w) {
            watching = w.callId() == null || w.callId().isBlank() ? null : w.callId();
            hub.reportOnline();
        } else if (message instanceof SupervisorMessage.HistoryRequest r) {
            history.handle(r);
        } else if (message instanceof Command c) {
            reply(execute(c));
        } else if (message instanceof SupervisorMessage.Malformed m) {
            if (m.commandId() != null && !m.commandId().isBlank()) {
                reply(Reply.refused(m.commandId(), "malformed command: " + m.reason()));
            } else {
                LOG.info("Console {} sent a malformed message: {}", account, m.reason());
            }
        } else {
            LOG.debug("Console {} sent a message of unknown type {}", account, message.type());
        }
    }

    /** Checks the command against the call's state now, then hands it to the call. */
    private Reply execute(Command command) {
        String id = command.commandId();
        CallSummary call = hub.summaries().stream().filter(s -> s.callId().equals(command.callId()))
                .findFirst().orElse(null);
        if (call == null) {
            return Reply.refused(id, "unknown call " + command.callId());
        }
        if (call.endedAt() != null) {
            return Reply.refused(id, "the call has ended");
        }
        // Checked against the state now; the call may still change before the command runs, and
        // then the command does nothing (its SUPERVISOR_* event is what shows it took effect).
        boolean noSession = call.state() == CallState.ENDED;
        if (noSession && !(command instanceof SupervisorMessage.Release || command instanceof SupervisorMessage.Whisper)) {
            return Reply.refused(id, "the call has no live relay session");
        }
        String holder = call.heldBy();
        if (command instanceof SupervisorMessage.RequestHold) {
            return requestHold(id, call);
        }
        // A take-over is not refused on the call's state: right after a release the call is still
        // in SUPERVISOR for a moment (its executor hands it back) while nobody holds it, and the
        // supervisor who asked for it must get it. The holds decide, atomically.
        if (command instanceof SupervisorMessage.Release && holder == null && call.state() != CallState.SUPERVISOR
                && !noSession) {
            return Reply.refused(id, "the call is not held by a supervisor");
        }
        String cid = command.callId();
        if (command instanceof SupervisorMessage.Say s) {
            if (blank(s.text())) {
                return Reply.refused(id, "text is required");
            }
            control.say(cid, s.text());
        } else if (command instanceof SupervisorMessage.SendDraft d) {
            if (blank(d.text())) {
                return Reply.refused(id, "text is required");
            }
            control.say(cid, d.text());
        } else if (command instanceof SupervisorMessage.Whisper w) {
            if (blank(w.text())) {
                return Reply.refused(id, "text is required");
            }
            control.whisper(cid, w.text());
        } else if (command instanceof SupervisorMessage.Interrupt) {
            control.interrupt(cid);
        } else if (command instanceof SupervisorMessage.TakeOver) {
            if (account.equals(holder)) {
                return Reply.refused(id, "the call is already held by you");
            }
            // The registry decides atomically: of two supervisors taking over at once, one wins.
            String other = control.takeOverUnlessHeld(cid);
            if (other != null) {
                return Reply.refused(id, "held by " + other);
            }
        } else if (command instanceof SupervisorMessage.Release) {
            String other = control.releaseIfHolder(cid);
            if (other != null) {
                return Reply.refused(id, "held by " + other);
            }
        } else if (command instanceof SupervisorMessage.Language l) {
            if (blank(l.ttsLanguage()) && blank(l.transcriptionLanguage())) {
                return Reply.refused(id, "ttsLanguage or transcriptionLanguage is required");
            }
            for (String lang : new String[] {l.ttsLanguage(), l.transcriptionLanguage()}) {
                if (!blank(lang) && !control.languages().contains(lang)) {
                    return Reply.refused(id, "language not offered: " + lang);
                }
            }
            control.switchLanguage(cid, l.ttsLanguage(), l.transcriptionLanguage());
        } else if (command instanceof SupervisorMessage.Interruptible i) {
            control.setInterruptible(cid, i.interruptible());
        } else if (command instanceof SupervisorMessage.End e) {
            control.end(cid, e.reason(), e.handToHuman());
        }
        return Reply.accepted(id);
    }

    private Reply requestHold(String id, CallSummary call) {
        String holder = call.heldBy();
        if (holder == null) {
            return Reply.refused(id, "the call is not held: take it over");
        }
        if (holder.equals(account)) {
            return Reply.refused(id, "the call is already held by you");
        }
        if (!hub.askHolder(new SupervisorMessage.HoldRequested(call.callId(), account, holder))) {
            return Reply.refused(id, "held by " + holder + ", who has no console connected to ask");
        }
        return Reply.accepted(id);
    }

    // ---- what the history requests need of the connection ----

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

    private static boolean blank(String s) {
        return s == null || s.isBlank();
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
            close(StatusCode.POLICY_VIOLATION, "Too many unread replies");
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

    void close(int code, String reason) {
        release();
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        release();
        LOG.info("Console disconnected: {} ({})", account, statusCode);
        callback.succeed();
    }

    /** This connection is over: its queues, its export and its keep-alive go, and the hub forgets it. */
    private void release() {
        synchronized (lock) {
            closed = true;
            live.clear();
            replies.clear();
        }
        KeepAlive k = keepAlive;
        if (k != null) {
            k.close();
        }
        dropExport();
        hub.closed(this);
    }

    private void dropExport() {
        ExportStream stream;
        synchronized (lock) {
            stream = export;
            export = null;
        }
        if (stream != null) {
            stream.close();
        }
        history.exportEnded();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("Console {} socket error: {}", account, cause.toString());
    }
}
