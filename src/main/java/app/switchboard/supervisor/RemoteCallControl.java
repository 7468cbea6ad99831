package app.switchboard.supervisor;

import app.switchboard.concurrent.Threads;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.ClusterStatus;
import app.switchboard.call.CommandOutcome;
import app.switchboard.call.ConnectionState;
import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.call.EventPayload;
import app.switchboard.call.HoldRequest;
import app.switchboard.call.SupervisorPresence;
import app.switchboard.call.RelayStatus;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import app.switchboard.supervisor.SupervisorMessage.ServerMessage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls of a relay on another machine, behind the same {@link CallControl} the embedded
 * console uses: the console cannot tell the difference, except through {@link #connection()}.
 *
 * <p>It keeps the relay's listed calls and, per call, a bounded window of their newest events
 * (the relay's own window size by default), filled from the {@code /console} stream. Every
 * connection starts with {@code resume} from the last seq applied per call (nothing on the first
 * one, so the relay replays each listed call's window): after a drop the console gets what it
 * missed, in order, once. Connection attempts repeat with {@link Backoff} until {@link #close()},
 * except when the relay refuses the console for good (a changed certificate, a refused token,
 * another protocol version): then it stays {@link Phase#REFUSED} and says why.
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

    private final SupervisorTransport transport;
    private final boolean ownsTransport;
    private final URI consoleUri;
    private final String relay;
    private final String token;
    private final PinnedCertificate pin;
    private final Options options;
    private final ScheduledExecutorService timer;
    private final Object lock = new Object();
    private final Map<String, RemoteCall> calls = new LinkedHashMap<>();
    private final List<Consumer<CallEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConnectionState>> connectionListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<CommandOutcome>> outcomeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<SupervisorPresence>> presenceListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<HoldRequest>> holdRequestListeners = new CopyOnWriteArrayList<>();
    /** The relay's latest presence; nobody while disconnected (it is the relay's to tell). */
    private volatile SupervisorPresence presence = SupervisorPresence.NOBODY;
    /** The relay's latest cluster state; a single node until it says otherwise, and again while disconnected. */
    private volatile ClusterStatus cluster = ClusterStatus.SINGLE_NODE;
    /** The call the console has open, told again to the relay after each reconnect. */
    private volatile String watching;
    private final CompletableFuture<ConnectionState> firstAttempt = new CompletableFuture<>();
    private volatile ConnectionState state;
    private volatile SupervisorClient client;
    private volatile boolean closed;
    /** Set when the relay refused this console for good: no more attempts. */
    private volatile boolean refused;
    private int attempt;
    private long connections;

    /**
     * @param transport   how to reach the relay (its TLS context pins the certificate)
     * @param ownsTransport close the transport with this control
     * @param relayUrl    the relay's origin, {@code https://host:port[/prefix]} (or {@code wss://…})
     * @param pin         the pinned certificate the transport trusts, to name a changed one; null when not known here
     */
    public RemoteCallControl(SupervisorTransport transport, boolean ownsTransport, URI relayUrl, String token,
                             PinnedCertificate pin, Options options) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.ownsTransport = ownsTransport;
        this.consoleUri = consoleUri(relayUrl);
        this.relay = hostPort(relayUrl);
        this.token = Objects.requireNonNull(token, "token");
        this.pin = pin;
        this.options = Objects.requireNonNull(options, "options");
        this.state = new ConnectionState(Phase.CONNECTING, relay, null, null, null);
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.named("remote-console-" + relay));
    }

    /** Over Jetty's WebSocket client, trusting only the certificate with {@code fingerprint}. */
    public static RemoteCallControl overTls(URI relayUrl, String fingerprint, String token, Options options) {
        PinnedCertificate pin = PinnedCertificate.of(fingerprint);
        return new RemoteCallControl(new JettySupervisorTransport(pin.sslContext(), options.pings()), true, relayUrl, token, pin, options);
    }

    /** {@code wss://host:port[/prefix]/console} for the relay at {@code https://host:port[/prefix]}. */
    public static URI consoleUri(URI relayUrl) {
        String scheme = relayUrl.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("the relay's address starts with https:// (TLS only), got " + relayUrl);
        }
        if (relayUrl.getHost() == null) {
            throw new IllegalArgumentException("no host in " + relayUrl);
        }
        String path = relayUrl.getPath() == null ? "" : relayUrl.getPath();
        if (path.endsWith(ConsoleUpgrade.PATH)) {
            path = path.substring(0, path.length() - ConsoleUpgrade.PATH.length());
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        int port = relayUrl.getPort() < 0 ? 443 : relayUrl.getPort();
        return URI.create("wss://" + hostForUri(relayUrl.getHost()) + ":" + port + path + ConsoleUpgrade.PATH);
    }

    /** host:port, as the console names the relay. */
    public static String hostPort(URI relayUrl) {
        return hostForUri(relayUrl.getHost()) + ":" + (relayUrl.getPort() < 0 ? 443 : relayUrl.getPort());
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Starts connecting (and reconnecting) in the background; returns at once. */
    public RemoteCallControl start() {
        timer.execute(this::attempt);
        return this;
    }

    /** Completes with the state the first attempt ended in: CONNECTED, DISCONNECTED (retrying) or REFUSED. */
    public CompletableFuture<ConnectionState> firstAttempt() {
        return firstAttempt;
    }

    /** Connections opened so far (1 after the first, 2 after one reconnect, …). */
    public long connectionsOpened() {
        synchronized (lock) {
            return connections;
        }
    }

    // ---- connecting ----

    private void attempt() {
        if (closed || refused) {
            return;
        }
        setState(new ConnectionState(Phase.CONNECTING, relay, null, null, state.problem()));
        Map<String, Long> from = positions();
        CompletableFuture<SupervisorClient> opening;
        try {
            opening = SupervisorClient.connect(transport, consoleUri, token, from, this::onMessage);
        } catch (RuntimeException e) {
            onFailure(e);
            return;
        }
        opening.whenComplete((c, failure) -> {
            if (failure != null) {
                onFailure(failure);
                return;
            }
            if (closed) {
                c.close();
                return;
            }
            client = c;
            c.closed().thenRun(() -> onDropped(c));
            c.hello().orTimeout(30, TimeUnit.SECONDS).whenComplete((hello, f) -> {
                if (f != null) {
                    if (f.getCause() instanceof IllegalStateException || f instanceof IllegalStateException) {
                        refuse(message(f));
                    }
                    c.close();
                    return;
                }
                synchronized (lock) {
                    connections++;
                    attempt = 0;
                }
                LOG.info("Connected to relay {} as supervisor {}", relay, hello.supervisor());
                String open = watching;
                if (open != null) {
                    c.watch(open);
                }
                setState(new ConnectionState(Phase.CONNECTED, relay, hello.supervisor(), null, null));
            });
        });
    }

    private void onFailure(Throwable failure) {
        if (closed) {
            return;
        }
        PinnedCertificate.Mismatch mismatch = find(failure, PinnedCertificate.Mismatch.class);
        if (mismatch == null && pin != null && pin.lastPresented() != null && !pin.lastPresented().equals(pin.pinned())) {
            mismatch = new PinnedCertificate.Mismatch(pin.pinned(), pin.lastPresented());
        }
        if (mismatch != null) {
            LOG.error("Refusing relay {}: {}", relay, mismatch.getMessage());
            refuse(mismatch.getMessage());
            return;
        }
        SupervisorTransport.Refused http = find(failure, SupervisorTransport.Refused.class);
        if (http != null && (http.status() == 401 || http.status() == 403)) {
            refuse("the relay refused the supervisor token (HTTP " + http.status() + "): the account may have been "
                    + "removed; ask for a new token");
            return;
        }
        if (http != null && http.status() == 404) {
            refuse("the relay has no supervisor API (HTTP 404): it has no supervisor account, or it is not a Switchboard relay");
            return;
        }
        retryLater(http != null ? "the relay answered HTTP " + http.status() : "cannot reach the relay: " + message(failure));
    }

    private void onDropped(SupervisorClient c) {
        if (closed || client != c) {
            return;
        }
        client = null;
        if (refused) {
            return;
        }
        setPresence(SupervisorPresence.NOBODY);
        cluster = ClusterStatus.SINGLE_NODE; // the connection banner says more now
        int code = c.closed().getNow(new int[] {0})[0];
        LOG.warn("Connection to relay {} lost ({}); reconnecting", relay, code);
        retryLater(code == SupervisorTransport.PEER_SILENT ? "the relay stopped answering pings"
                : "connection lost" + (code > 0 ? " (close code " + code + ")" : ""));
    }

    private void retryLater(String problem) {
        int n;
        synchronized (lock) {
            n = ++attempt;
        }
        Duration delay = options.backoff().delay(n, ThreadLocalRandom.current()::nextDouble);
        setState(new ConnectionState(Phase.DISCONNECTED, relay, null, Instant.now().plus(delay), problem));
        LOG.info("Relay {}: {}; attempt {} in {} ms", relay, problem, n + 1, delay.toMillis());
        try {
            timer.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private void refuse(String why) {
        refused = true;
        setState(new ConnectionState(Phase.REFUSED, relay, null, null, why));
    }

    private void setState(ConnectionState next) {
        state = next;
        if (next.phase() != Phase.CONNECTING) {
            firstAttempt.complete(next);
        }
        for (Consumer<ConnectionState> l : connectionListeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("A connection listener failed", e);
            }
        }
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable s : t.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
        }
        return null;
    }

    private static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** What the next connection resumes from: the last seq applied per known call. */
    private Map<String, Long> positions() {
        synchronized (lock) {
            Map<String, Long> from = new LinkedHashMap<>();
            calls.forEach((id, call) -> from.put(id, call.lastSeq));
            return from;
        }
    }

    // ---- the stream ----

    private void onMessage(ServerMessage message) {
        if (message instanceof SupervisorMessage.Snapshot s) {
            onSnapshot(s);
        } else if (message instanceof SupervisorMessage.Event e) {
            onEvent(e.event());
        } else if (message instanceof SupervisorMessage.Presence p) {
            setPresence(p.asPresence());
        } else if (message instanceof SupervisorMessage.Cluster c) {
            cluster = c.asStatus();
        } else if (message instanceof SupervisorMessage.HoldRequested h) {
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
        // Replies complete their command's future; hello completes the client's; unknown types are ignored.
    }

    private void onSnapshot(SupervisorMessage.Snapshot snapshot) {
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

    /** The reason given when a call is ended because the relay no longer lists it. */
    public static final String NO_LONGER_LISTED = "relay no longer lists this call";

    /**
     * Tells the listeners the call is over with an end that exists only in this console (never
     * sent, never stored): the relay's record of the call is in its history.
     */
    private void endUnlisted(RemoteCall call) {
        LOG.warn("Call {} is live here but relay {} no longer lists it: shown as ended", call.callId, relay);
        CallEvent end = new CallEvent(call.callId, call.lastSeq + 1, Instant.now(),
                new EventPayload.CallEnded(NO_LONGER_LISTED));
        call.apply(end, options.window());
        for (Consumer<CallEvent> l : listeners) {
            try {
                l.accept(end);
            } catch (RuntimeException e) {
                LOG.warn("A call event listener failed", e);
            }
        }
    }

    private void onEvent(CallEvent event) {
        synchronized (lock) {
            RemoteCall call = calls.computeIfAbsent(event.callId(), RemoteCall::new);
            if (event.seq() <= call.lastSeq) {
                return; // already applied: a resume can overlap what arrived before the drop
            }
            if (call.lastSeq > 0 && event.seq() != call.lastSeq + 1) {
                LOG.warn("Call {}: events {}..{} are older than the relay's window; they are in its history",
                        event.callId(), call.lastSeq + 1, event.seq() - 1);
            }
            call.apply(event, options.window());
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

    // ---- CallControl ----

    @Override
    public List<CallSummary> calls() {
        synchronized (lock) {
            List<CallSummary> list = new ArrayList<>(calls.size());
            calls.values().forEach(c -> list.add(c.summary()));
            return list;
        }
    }

    @Override
    public List<CallEvent> events(String callId) {
        synchronized (lock) {
            RemoteCall call = calls.get(callId);
            return call == null ? List.of() : List.copyOf(call.window);
        }
    }

    @Override
    public long firstSeqInWindow(String callId) {
        synchronized (lock) {
            RemoteCall call = calls.get(callId);
            return call == null || call.window.isEmpty() ? 0 : call.window.peekFirst().seq();
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<CallEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public RelayStatus status() {
        long live;
        synchronized (lock) {
            live = calls.values().stream().filter(c -> c.endedAt == null && c.state != CallState.ENDED).count();
        }
        String fingerprint = pin == null ? null : pin.pinned();
        // The relay's model, signature checking and handoff number are its own business; the
        // relay answers "hand to a human" without a number with a goodbye.
        return new RelayStatus("https://" + relay, null, consoleUri.getPort(), fingerprint, true, null, (int) live, true);
    }

    @Override
    public ConnectionState connection() {
        return state;
    }

    @Override
    public AutoCloseable subscribeConnection(Consumer<ConnectionState> listener) {
        connectionListeners.add(listener);
        listener.accept(state);
        return () -> connectionListeners.remove(listener);
    }

    @Override
    public AutoCloseable subscribeOutcomes(Consumer<CommandOutcome> listener) {
        outcomeListeners.add(listener);
        return () -> outcomeListeners.remove(listener);
    }

    /** The cluster the relay is a node of, as it last said: the console's cluster banner reads it. */
    @Override
    public ClusterStatus clusterStatus() {
        return cluster;
    }

    @Override
    public SupervisorPresence presence() {
        return presence;
    }

    @Override
    public AutoCloseable subscribePresence(Consumer<SupervisorPresence> listener) {
        presenceListeners.add(listener);
        return () -> presenceListeners.remove(listener);
    }

    private void setPresence(SupervisorPresence next) {
        presence = next;
        for (Consumer<SupervisorPresence> l : presenceListeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("A presence listener failed", e);
            }
        }
    }

    @Override
    public void watch(String callId) {
        watching = callId;
        SupervisorClient c = client;
        if (c != null && state.phase() == Phase.CONNECTED) {
            c.watch(callId);
        }
    }

    @Override
    public String takeOverUnlessHeld(String callId) {
        // Known held by someone else: refused here, as the relay would. Otherwise the relay
        // decides, and a refusal ("held by NAME") comes back as an outcome.
        String holder = presence.heldBy(callId);
        String me = state.supervisor();
        if (holder != null && !holder.equals(me)) {
            return holder;
        }
        takeOver(callId);
        return null;
    }

    @Override
    public String releaseIfHolder(String callId) {
        String holder = presence.heldBy(callId);
        String me = state.supervisor();
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
        holdRequestListeners.add(listener);
        return () -> holdRequestListeners.remove(listener);
    }

    /**
     * The relay's call history over this control's connection (whichever is current): what the
     * console's History view reads when it is connected to this relay.
     */
    public RemoteCallHistory history(Duration timeout) {
        return new RemoteCallHistory(() -> {
            SupervisorClient c = client;
            return c != null && c.isOpen() ? c : null;
        }, timeout);
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

    private void command(String callId, String what, Function<SupervisorClient, CompletableFuture<Reply>> send) {
        SupervisorClient c = client;
        if (c == null || !c.isOpen() || state.phase() != Phase.CONNECTED) {
            String why = "not connected to relay " + relay + "; the command was not sent";
            LOG.warn("{} on call {} refused: {}", what, callId, why);
            report(CommandOutcome.refused(callId, what, why));
            return;
        }
        send.apply(c).whenComplete((reply, failure) -> {
            if (failure != null) {
                String why = "the connection dropped before the relay answered; the command may not have run";
                LOG.warn("{} on call {}: {}", what, callId, why);
                report(CommandOutcome.refused(callId, what, why));
            } else if (reply.isAccepted()) {
                LOG.info("{} on call {} accepted by relay {}", what, callId, relay);
                report(CommandOutcome.accepted(callId, what));
            } else {
                LOG.warn("{} on call {} refused by relay {}: {}", what, callId, relay, reply.reason());
                report(CommandOutcome.refused(callId, what, reply.reason()));
            }
        });
    }

    private void report(CommandOutcome outcome) {
        for (Consumer<CommandOutcome> l : outcomeListeners) {
            try {
                l.accept(outcome);
            } catch (RuntimeException e) {
                LOG.warn("A command outcome listener failed", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        SupervisorClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
        if (ownsTransport) {
            transport.close();
        }
    }
}
