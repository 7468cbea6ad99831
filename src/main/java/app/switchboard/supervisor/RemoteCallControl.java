package app.switchboard.supervisor;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.call.ClusterStatus;
import app.switchboard.call.CommandOutcome;
import app.switchboard.call.ConnectionState;
import app.switchboard.call.HoldRequest;
import app.switchboard.call.SupervisorPresence;
import app.switchboard.call.RelayStatus;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import app.switchboard.supervisor.SupervisorMessage.ServerMessage;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls of a relay on another machine, behind the same {@link CallControl} the embedded
 * console uses: the console cannot tell the difference, except through {@link #connection()}.
 * Its parts: {@link RelayConnection} keeps the connection up (backoff, refusals, the banner's
 * state); {@link RemoteCalls} keeps the calls and their event windows (every connection resumes
 * from the last seq applied per call, so after a drop the console gets what it missed, in order,
 * once); {@link RemotePresence} keeps who is on the floor and the hold requests; {@link RemoteAudio}
 * the call this console listens to; this class routes the relay's messages, keeps the cluster's
 * state, and sends commands.
 *
 * <p>Commands are sent as typed messages; each reply is logged and reported to
 * {@link #subscribeOutcomes} listeners. While disconnected a command is refused at once and
 * reported the same way: it is never queued for later.
 *
 * <p>Event listeners run on the transport's thread, in seq order per call.
 */
public final class RemoteCallControl implements CallControl, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCallControl.class);

    /** Events kept per call, as the relay keeps in memory (older ones are in the relay's store). */
    public static final int DEFAULT_WINDOW = 2_000;

    /**
     * @param languages what the console offers in its language list (the relay checks and refuses what it does not offer)
     */
    public record Options(Backoff backoff, int window, List<String> languages, PingTiming pings) {
        public static Options defaults(List<String> languages) {
            return new Options(Backoff.DEFAULT, DEFAULT_WINDOW, languages, PingTiming.DEFAULT);
        }

        public Options {
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(pings, "pings");
            if (window < 1) {
                throw new IllegalArgumentException("window >= 1");
            }
            languages = List.copyOf(languages);
        }

        public Options withBackoff(Backoff b) {
            return new Options(b, window, languages, pings);
        }

        /** How {@link #overTls} pings the relay and how long a silent relay is waited for. */
        public Options withPings(PingTiming timing) {
            return new Options(backoff, window, languages, timing);
        }
    }

    private final URI consoleUri;
    private final String relay;
    private final PinnedCertificate pin;
    private final Options options;
    private final RemoteCalls calls;
    private final RelayConnection connection;
    private final RemoteCommands commands;
    private final RemotePresence presence = new RemotePresence();
    private final RemoteAudio audio;
    /** The relay's latest cluster state; a single node until it says otherwise, and again while disconnected. */
    private volatile ClusterStatus cluster = ClusterStatus.SINGLE_NODE;
    /** The call the console has open, told again to the relay after each reconnect. */
    private volatile String watching;


    /**
     * @param transport   how to reach the relay (its TLS context pins the certificate)
     * @param ownsTransport close the transport with this control
     * @param relayUrl    the relay's origin, {@code https://host:port[/prefix]} (or {@code wss://…})
     * @param pin         the pinned certificate the transport trusts, to name a changed one; null when not known here
     */
    public RemoteCallControl(SupervisorTransport transport, boolean ownsTransport, URI relayUrl, String token,
                             PinnedCertificate pin, Options options) {
        this.consoleUri = consoleUri(relayUrl);
        this.relay = hostPort(relayUrl);
        this.pin = pin;
        this.options = Objects.requireNonNull(options, "options");
        this.calls = new RemoteCalls(relay, options.window());
        this.commands = new RemoteCommands(relay);
        this.audio = new RemoteAudio(relay, this::connectedClient);
        this.connection = new RelayConnection(transport, ownsTransport, consoleUri, relay, token, pin, options.backoff(),
                new RelayConnection.Handler() {
                    @Override
                    public Map<String, Long> positions() {
                        return calls.positions();
                    }

                    @Override
                    public void onMessage(ServerMessage message) {
                        RemoteCallControl.this.onMessage(message);
                    }

                    @Override
                    public void onConnected(SupervisorClient c) {
                        String open = watching;
                        if (open != null) {
                            c.watch(open);
                        }
                        audio.onConnected(c);
                    }

                    @Override
                    public void onDropped() {
                        presence.set(SupervisorPresence.NOBODY);
                        audio.onDropped();
                        cluster = ClusterStatus.SINGLE_NODE; // the connection's banner says more now
                    }
                });
    }

    /** The client of the connection up now, or null (also while this control is being built). */
    private SupervisorClient connectedClient() {
        RelayConnection c = connection;
        return c == null ? null : c.connected();
    }

    /** Over Jetty's WebSocket client, trusting only the certificate with {@code fingerprint}. */
    public static RemoteCallControl overTls(URI relayUrl, String fingerprint, String token, Options options) {
        PinnedCertificate pin = PinnedCertificate.of(fingerprint);
        return new RemoteCallControl(new JettySupervisorTransport(pin.sslContext(), options.pings()), true, relayUrl, token, pin, options);
    }

    /** {@code wss://host:port[/prefix]/console} for the relay at {@code https://host:port[/prefix]}. */
    public static URI consoleUri(URI relayUrl) {
        return RelayConnection.consoleUri(relayUrl);
    }

    /** host:port, as the console names the relay. */
    public static String hostPort(URI relayUrl) {
        return RelayConnection.hostPort(relayUrl);
    }

    /** Starts connecting (and reconnecting) in the background; returns at once. */
    public RemoteCallControl start() {
        connection.start();
        return this;
    }

    /** Completes with the state the first attempt ended in: CONNECTED, DISCONNECTED (retrying) or REFUSED. */
    public CompletableFuture<ConnectionState> firstAttempt() {
        return connection.firstAttempt();
    }

    /** Connections opened so far (1 after the first, 2 after one reconnect, …). */
    public long connectionsOpened() {
        return connection.connectionsOpened();
    }

    // ---- the stream ----

    private void onMessage(ServerMessage message) {
        if (message instanceof SupervisorMessage.Snapshot s) {
            calls.onSnapshot(s);
        } else if (message instanceof SupervisorMessage.Event e) {
            calls.onEvent(e.event());
        } else if (message instanceof SupervisorMessage.Audio a) {
            audio.onAudio(a);
        } else if (message instanceof SupervisorMessage.ListenEnded e) {
            audio.onEnded(e);
        } else if (message instanceof SupervisorMessage.Presence p) {
            presence.set(p.asPresence());
        } else if (message instanceof SupervisorMessage.Cluster c) {
            cluster = c.asStatus();
        } else if (message instanceof SupervisorMessage.HoldRequested h) {
            presence.holdRequested(h);
        }
        // Replies complete their command's future; hello completes the client's; unknown types are ignored.
    }

    /** The reason given when a call is ended because the relay no longer lists it. */
    public static final String NO_LONGER_LISTED = "relay no longer lists this call";

    // ---- CallControl ----

    @Override
    public List<CallSummary> calls() {
        return calls.summaries();
    }

    @Override
    public List<CallEvent> events(String callId) {
        return calls.events(callId);
    }

    @Override
    public long firstSeqInWindow(String callId) {
        return calls.firstSeqInWindow(callId);
    }

    @Override
    public AutoCloseable subscribe(Consumer<CallEvent> listener) {
        return calls.subscribe(listener);
    }

    @Override
    public RelayStatus status() {
        long live = calls.live();
        String fingerprint = pin == null ? null : pin.pinned();
        // The relay's model, signature checking and handoff number are its own business; the
        // relay answers "hand to a human" without a number with a goodbye.
        return new RelayStatus("https://" + relay, null, consoleUri.getPort(), fingerprint, true, null, (int) live, true);
    }

    @Override
    public ConnectionState connection() {
        return connection.state();
    }

    @Override
    public AutoCloseable subscribeConnection(Consumer<ConnectionState> listener) {
        return connection.subscribe(listener);
    }

    @Override
    public AutoCloseable subscribeOutcomes(Consumer<CommandOutcome> listener) {
        return commands.subscribe(listener);
    }

    /** The cluster the relay is a node of, as it last said: the console's cluster banner reads it. */
    @Override
    public ClusterStatus clusterStatus() {
        return cluster;
    }

    @Override
    public SupervisorPresence presence() {
        return presence.now();
    }

    @Override
    public AutoCloseable subscribePresence(Consumer<SupervisorPresence> listener) {
        return presence.subscribe(listener);
    }

    /** The relay's live audio for this console's Listen toggle (the call it listens to, re-asked after a reconnect). */
    public RemoteAudio audio() {
        return audio;
    }

    @Override
    public void watch(String callId) {
        watching = callId;
        SupervisorClient c = connection.connected();
        if (c != null) {
            c.watch(callId);
        }
    }

    @Override
    public String takeOverUnlessHeld(String callId) {
        // Known held by someone else: refused here, as the relay would. Otherwise the relay
        // decides, and a refusal ("held by NAME") comes back as an outcome.
        String holder = presence.now().heldBy(callId);
        String me = connection.state().supervisor();
        if (holder != null && !holder.equals(me)) {
            return holder;
        }
        takeOver(callId);
        return null;
    }

    @Override
    public String releaseIfHolder(String callId) {
        String holder = presence.now().heldBy(callId);
        String me = connection.state().supervisor();
        if (holder != null && me != null && !holder.equals(me)) {
            return holder;
        }
        release(callId);
        return null;
    }

    @Override
    public String requestHold(String callId) {
        command(callId, "ask for the call", c -> c.requestHold(callId));
        return null;
    }

    @Override
    public AutoCloseable subscribeHoldRequests(Consumer<HoldRequest> listener) {
        return presence.subscribeHoldRequests(listener);
    }

    /**
     * The relay's call history over this control's connection (whichever is current): what the
     * console's History view reads when it is connected to this relay.
     */
    public RemoteCallHistory history(Duration timeout) {
        return new RemoteCallHistory(connection::open, timeout);
    }

    @Override
    public List<String> languages() {
        return options.languages();
    }

    @Override
    public void say(String callId, String text) {
        command(callId, "say", c -> c.say(callId, text));
    }

    @Override
    public void interrupt(String callId) {
        command(callId, "interrupt", c -> c.interrupt(callId));
    }

    @Override
    public void switchLanguage(String callId, String ttsLanguage, String transcriptionLanguage) {
        command(callId, "switch language", c -> c.language(callId, ttsLanguage, transcriptionLanguage));
    }

    @Override
    public void setInterruptible(String callId, boolean interruptible) {
        command(callId, interruptible ? "barge-in on" : "barge-in off", c -> c.interruptible(callId, interruptible));
    }

    @Override
    public void end(String callId, String reason, boolean handToHuman) {
        command(callId, handToHuman ? "hand to a human" : "end", c -> c.end(callId, reason, handToHuman));
    }

    @Override
    public void takeOver(String callId) {
        command(callId, "take over", c -> c.takeOver(callId));
    }

    @Override
    public void release(String callId) {
        command(callId, "release", c -> c.release(callId));
    }

    @Override
    public void whisper(String callId, String guidance) {
        command(callId, "whisper", c -> c.whisper(callId, guidance));
    }

    /** Sent to the relay, which records it as this console's account; a refusal comes back as an outcome. */
    @Override
    public boolean acknowledgeAlert(String callId, long alertSeq) {
        command(callId, "acknowledge alert", c -> c.acknowledgeAlert(callId, alertSeq));
        return true;
    }

    private void command(String callId, String what, Function<SupervisorClient, CompletableFuture<Reply>> send) {
        commands.send(connection.connected(), callId, what, send);
    }

    @Override
    public void close() {
        connection.close();
    }
}
