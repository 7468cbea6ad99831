package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import app.switchboard.supervisor.SupervisorMessage.Command;
import app.switchboard.supervisor.SupervisorMessage.Position;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import app.switchboard.supervisor.SupervisorMessage.ServerMessage;
import app.switchboard.supervisor.SupervisorMessage.SnapshotReason;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A console's end of the supervisor API, with no Jetty type in sight (the transport is behind
 * {@link SupervisorTransport}). It keeps, per call, the last seq it delivered, so a
 * reconnecting console passes {@link #positions()} to {@link #connect} and receives every event
 * exactly once: events are delivered in seq order per call, never twice, and the ones that
 * arrive between sending {@code resume} and its snapshot are skipped (they come again after it).
 *
 * <p>Messages reach the listener on the transport's thread, one at a time.
 */
public final class SupervisorClient implements AutoCloseable {

    private final Consumer<ServerMessage> listener;
    private final Map<String, Long> positions = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<SupervisorMessage.Hello> hello = new CompletableFuture<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile SupervisorTransport.Connection connection;
    /** True from sending resume until its snapshot arrives: events meanwhile come again after it. */
    private volatile boolean awaitingResume;
    private volatile boolean autoResume = true;

    private SupervisorClient(Consumer<ServerMessage> listener) {
        this.listener = listener;
    }

    /**
     * Connects; with {@code resumeFrom} (the {@link #positions()} of an earlier connection) it
     * asks for what that connection missed. Fails with {@link SupervisorTransport.Refused} on 401/404/429.
     */
    public static CompletableFuture<SupervisorClient> connect(SupervisorTransport transport, URI uri, String token,
                                                              Map<String, Long> resumeFrom,
                                                              Consumer<ServerMessage> listener) {
        SupervisorClient client = new SupervisorClient(listener);
        if (resumeFrom != null) {
            client.positions.putAll(resumeFrom);
            client.awaitingResume = true;
        }
        return transport.open(uri, token, client.new Receiver()).thenApply(c -> {
            client.connection = c;
            if (resumeFrom != null) {
                client.sendResume();
            }
            return client;
        });
    }

    /** After a {@code resync} snapshot the client asks for the missed events itself; off to see the raw stream. */
    public SupervisorClient autoResume(boolean on) {
        this.autoResume = on;
        return this;
    }

    private final class Receiver implements SupervisorTransport.Receiver {
        @Override
        public void onText(String text) {
            ServerMessage message = SupervisorCodec.decodeServer(text);
            if (message instanceof SupervisorMessage.Events batch) {
                // Listeners see one event at a time, however the relay framed them.
                batch.events().forEach(this::receive);
            } else {
                receive(message);
            }
        }

        @Override
        public void onBinary(java.nio.ByteBuffer data) {
            // Audio, apart from the event stream: no position, no resume, delivered as it comes.
            listener.accept(SupervisorCodec.decodeBinary(data));
        }

        private void receive(ServerMessage message) {
            if (message instanceof SupervisorMessage.Hello h) {
                if (h.protocol() != SupervisorMessage.VERSION) {
                    hello.completeExceptionally(new IllegalStateException("the relay speaks supervisor protocol "
                            + h.protocol() + "; this console speaks " + SupervisorMessage.VERSION));
                    close();
                    return;
                }
                hello.complete(h);
            } else if (message instanceof SupervisorMessage.Snapshot s) {
                if (awaitingResume && s.reason() != SnapshotReason.RESUME) {
                    return; // superseded by the resume's snapshot, which is on its way
                }
                if (s.reason() == SnapshotReason.RESYNC) {
                    // Events were dropped: positions stay where delivery stopped, and calls this
                    // client has not heard of stay unlisted, so a resume replays them from the start.
                    if (autoResume) {
                        listener.accept(s);
                        sendResume();
                        return;
                    }
                } else {
                    awaitingResume = false;
                    // Calls the relay no longer lists are in history only: forget them.
                    java.util.Set<String> listed = new java.util.HashSet<>();
                    s.calls().forEach(c -> listed.add(c.callId()));
                    positions.keySet().retainAll(listed);
                    if (s.reason() == SnapshotReason.CONNECT) {
                        // A fresh connection starts at the snapshot: each call is current up to lastSeq.
                        s.calls().forEach(c -> positions.putIfAbsent(c.callId(), c.lastSeq()));
                    }
                    // After a resume, the events of unlisted calls follow from seq 1, as replay.
                }
            } else if (message instanceof SupervisorMessage.Event e) {
                if (awaitingResume) {
                    return;
                }
                CallEvent ev = e.event();
                Long last = positions.get(ev.callId());
                if (last != null && ev.seq() <= last) {
                    return;
                }
                positions.put(ev.callId(), ev.seq());
            } else if (message instanceof Reply r) {
                CompletableFuture<Reply> f = pending.remove(r.commandId());
                if (f != null) {
                    f.complete(r);
                }
                HistoryCall h = requests.remove(r.commandId());
                if (h != null) {
                    h.done.completeExceptionally(new HistoryRefused(r.reason()));
                    return;
                }
            } else if (message instanceof SupervisorMessage.HistoryResponse r) {
                // A history answer belongs to whoever asked, not to the event listener.
                HistoryCall h = requests.get(r.requestId());
                if (h != null) {
                    try {
                        h.onPart.accept(r);
                    } catch (RuntimeException e) {
                        requests.remove(r.requestId());
                        h.done.completeExceptionally(e);
                        return;
                    }
                    if (r.last()) {
                        requests.remove(r.requestId());
                        h.done.complete(null);
                    }
                }
                return;
            }
            listener.accept(message);
        }

        @Override
        public void onClose(int code, String reason) {
            closed.complete(new int[] {code});
            pending.values().forEach(f -> f.completeExceptionally(
                    new IllegalStateException("connection closed before the reply (" + code + ")")));
            pending.clear();
            requests.values().forEach(h -> h.done.completeExceptionally(
                    new IllegalStateException("connection closed before the answer (" + code + ")")));
            requests.clear();
        }
    }

    private void sendResume() {
        awaitingResume = true;
        List<Position> list = new ArrayList<>();
        positions.forEach((id, seq) -> list.add(new Position(id, seq)));
        connection.send(SupervisorCodec.encode(new SupervisorMessage.Resume(list)));
    }

    /** The last seq delivered per call (what a reconnect resumes from). */
    public Map<String, Long> positions() {
        return new LinkedHashMap<>(positions);
    }

    public CompletableFuture<SupervisorMessage.Hello> hello() {
        return hello;
    }

    /** Completes with the close code when the connection ends. */
    public CompletableFuture<int[]> closed() {
        return closed;
    }

    public boolean isOpen() {
        SupervisorTransport.Connection c = connection;
        return c != null && c.isOpen();
    }

    public static String newCommandId() {
        return UUID.randomUUID().toString();
    }

    /** Sends a command; completes with its reply. Fails at once when the connection is down (never queued silently). */
    public CompletableFuture<Reply> send(Command command) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        SupervisorTransport.Connection c = connection;
        if (c == null || !c.isOpen()) {
            reply.completeExceptionally(new IllegalStateException("not connected to the relay"));
            return reply;
        }
        pending.put(command.commandId(), reply);
        try {
            c.send(SupervisorCodec.encode(command));
        } catch (RuntimeException e) {
            pending.remove(command.commandId());
            reply.completeExceptionally(e);
        }
        return reply;
    }

    public CompletableFuture<Reply> say(String callId, String text) {
        return send(new SupervisorMessage.Say(newCommandId(), callId, text));
    }

    public CompletableFuture<Reply> sendDraft(String callId, String text) {
        return send(new SupervisorMessage.SendDraft(newCommandId(), callId, text));
    }

    public CompletableFuture<Reply> acknowledgeAlert(String callId, long alertSeq) {
        return send(new SupervisorMessage.AcknowledgeAlert(newCommandId(), callId, alertSeq));
    }

    public CompletableFuture<Reply> whisper(String callId, String text) {
        return send(new SupervisorMessage.Whisper(newCommandId(), callId, text));
    }

    public CompletableFuture<Reply> interrupt(String callId) {
        return send(new SupervisorMessage.Interrupt(newCommandId(), callId));
    }

    public CompletableFuture<Reply> takeOver(String callId) {
        return send(new SupervisorMessage.TakeOver(newCommandId(), callId));
    }

    public CompletableFuture<Reply> release(String callId) {
        return send(new SupervisorMessage.Release(newCommandId(), callId));
    }

    public CompletableFuture<Reply> language(String callId, String ttsLanguage, String transcriptionLanguage) {
        return send(new SupervisorMessage.Language(newCommandId(), callId, ttsLanguage, transcriptionLanguage));
    }

    public CompletableFuture<Reply> interruptible(String callId, boolean interruptible) {
        return send(new SupervisorMessage.Interruptible(newCommandId(), callId, interruptible));
    }

    public CompletableFuture<Reply> end(String callId, String reason, boolean handToHuman) {
        return send(new SupervisorMessage.End(newCommandId(), callId, reason, handToHuman));
    }

    // ---- several supervisors and history ----

    /** Tells the relay which call this console has open (null: none), for the others' presence. */
    public void watch(String callId) {
        SupervisorTransport.Connection c = connection;
        if (c != null && c.isOpen()) {
            c.send(SupervisorCodec.encode(new SupervisorMessage.Watch(callId)));
        }
    }

    /**
     * Listen to {@code callId}'s audio ({@code on}), replacing the call listened to before, or stop.
     * Audio then reaches the listener as {@link SupervisorMessage.Audio}, until {@link SupervisorMessage.ListenEnded}.
     */
    public CompletableFuture<Reply> listen(String callId, boolean on) {
        return send(new SupervisorMessage.Listen(newCommandId(), callId, on));
    }

    /** Asks the supervisor holding the call for it; refused when nobody else holds it. */
    public CompletableFuture<Reply> requestHold(String callId) {
        return send(new SupervisorMessage.RequestHold(newCommandId(), callId));
    }

    /** The relay refused a history request ({@code reason} says why: a page too big, no history, …). */
    public static final class HistoryRefused extends RuntimeException {
        public HistoryRefused(String reason) {
            super(reason);
        }
    }

    private record HistoryCall(Consumer<SupervisorMessage.HistoryResponse> onPart, CompletableFuture<Void> done) {
    }

    private final Map<String, HistoryCall> requests = new ConcurrentHashMap<>();

    /**
     * Sends a history request; {@code onPart} receives each answering message in order (on the
     * transport's thread), and the result completes after the last, or fails with
     * {@link HistoryRefused} or when the connection closes first.
     */
    public CompletableFuture<Void> request(SupervisorMessage.HistoryRequest request,
                                           Consumer<SupervisorMessage.HistoryResponse> onPart) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        SupervisorTransport.Connection c = connection;
        if (c == null || !c.isOpen()) {
            done.completeExceptionally(new IllegalStateException("not connected to the relay"));
            return done;
        }
        requests.put(request.requestId(), new HistoryCall(onPart, done));
        try {
            c.send(SupervisorCodec.encode(request));
        } catch (RuntimeException e) {
            requests.remove(request.requestId());
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Forgets a request whose answer is no longer wanted (a cancelled export); later parts are dropped. */
    public void abandon(String requestId) {
        HistoryCall h = requests.remove(requestId);
        if (h != null) {
            h.done.cancel(false);
        }
    }

    @Override
    public void close() {
        SupervisorTransport.Connection c = connection;
        if (c != null) {
            c.close();
        }
    }
}
