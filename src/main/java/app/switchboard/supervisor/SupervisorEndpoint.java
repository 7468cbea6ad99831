package app.switchboard.supervisor;

import app.switchboard.supervisor.SupervisorMessage.Command;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One console connection, as Jetty sees it: its lifetime (open, keep-alive, close) and what it
 * receives, handed to the part that does it: {@link ConsoleOutbox} sends (queues, snapshots,
 * exactly-once), {@link ConsoleCommands} runs commands, {@link ConsoleHistory} answers history
 * requests, {@link ConsoleAudio} holds the audio of the call it listens to. The upgrade before it (authentication) is {@link ConsoleUpgrade}'s.
 */
public final class SupervisorEndpoint implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorEndpoint.class);

    private final SupervisorHub hub;
    private final String account;
    private final ConsoleOutbox outbox;
    private final ConsoleCommands commands;
    private final ConsoleHistory history;
    private final ConsoleAudio audio;
    private volatile String watching;
    private volatile Session session;
    private volatile KeepAlive keepAlive;

    SupervisorEndpoint(SupervisorHub hub, String account) {
        this(hub, account, false);
    }

    SupervisorEndpoint(SupervisorHub hub, String account, boolean batches) {
        this.hub = hub;
        this.account = account;
        var control = hub.calls().operatedBy(account);
        this.history = new ConsoleHistory(hub, account, this);
        this.outbox = new ConsoleOutbox(hub, account, control, batches, this::close, history::exportEnded,
                this::nextAudio);
        this.audio = new ConsoleAudio(hub, account, outbox::kick, outbox::notice);
        this.commands = new ConsoleCommands(hub, account, control);
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        LOG.info("Console connected: {} from {}", account, s.getRemoteSocketAddress());
        keepAlive = KeepAlive.start(s, hub.pingTiming(), hub.pings(), this::silent);
        outbox.open(s);
        // Registered before the snapshot is taken: no event falls between the two.
        hub.opened(this);
        outbox.kick();
    }

    // ---- what the hub gives this console ----

    void offer(SupervisorHub.SharedEvent event) {
        outbox.offer(event);
    }

    void presence(String json) {
        outbox.presence(json);
    }

    void cluster(String json) {
        outbox.cluster(json);
    }

    void notice(String json) {
        outbox.notice(json);
    }

    private java.nio.ByteBuffer nextAudio() {
        return audio.poll();
    }

    void callEnded(String callId) {
        audio.callEnded(callId);
    }

    /** The call this console listens to, or null. */
    String listening() {
        return audio.listening();
    }

    int audioQueued() {
        return audio.queued();
    }

    /** Audio frames dropped for this console since it connected. */
    long audioDropped() {
        return audio.dropped();
    }

    int queued() {
        return outbox.queued();
    }

    boolean idle() {
        return outbox.idle();
    }

    String account() {
        return account;
    }

    /** The call this console has open, or null. */
    String watching() {
        return watching;
    }

    // ---- what the history requests need of the connection ----

    boolean startExport(ExportStream stream) {
        return outbox.startExport(stream);
    }

    void send(SupervisorMessage.ServerMessage message) {
        outbox.send(message);
    }

    void reply(Reply reply) {
        outbox.reply(reply);
    }

    // ---- inbound (Jetty's thread) ----

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
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
    private void silent(Duration silence) {
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
            outbox.resume(r.calls());
        } else if (message instanceof SupervisorMessage.Watch w) {
            watching = w.callId() == null || w.callId().isBlank() ? null : w.callId();
            hub.reportOnline();
        } else if (message instanceof SupervisorMessage.Listen l) {
            reply(audio.listen(l));
        } else if (message instanceof SupervisorMessage.HistoryRequest r) {
            history.handle(r);
        } else if (message instanceof Command c) {
            reply(commands.execute(c));
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

    // ---- the end ----

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
        audio.shut();
        ExportStream stream = outbox.shut();
        if (stream != null) {
            stream.close();
        }
        history.exportEnded();
        KeepAlive k = keepAlive;
        if (k != null) {
            k.close();
        }
        hub.closed(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("Console {} socket error: {}", account, cause.toString());
    }
}
