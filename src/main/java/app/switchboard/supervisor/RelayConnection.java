package app.switchboard.supervisor;

import app.switchboard.concurrent.Threads;
import app.switchboard.call.ConnectionState;
import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.supervisor.SupervisorMessage.ServerMessage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote console's connection to its relay, kept up: attempts repeat with {@link Backoff}
 * until {@link #close()}, except when the relay refuses the console for good (a changed
 * certificate, a refused token, another protocol version): then it stays {@link Phase#REFUSED}
 * and says why. Its {@link ConnectionState} is what the console's banner shows. What travels
 * over the connection is the {@link Handler}'s.
 */
final class RelayConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayConnection.class);

    /** What the connection needs from the console above it. */
    interface Handler {
        /** The last seq applied per known call: every connection starts by resuming from it. */
        Map<String, Long> positions();

        void onMessage(ServerMessage message);

        /** Connected and greeted, just before the state says so. */
        void onConnected(SupervisorClient client);

        /** The connection was lost; a reconnect follows. */
        void onDropped();
    }

    private final SupervisorTransport transport;
    private final boolean ownsTransport;
    private final URI consoleUri;
    private final String relay;
    private final String token;
    private final PinnedCertificate pin;
    private final Backoff backoff;
    private final Handler handler;
    private final ScheduledExecutorService timer;
    private final Object lock = new Object();
    private final List<Consumer<ConnectionState>> connectionListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ConnectionState> firstAttempt = new CompletableFuture<>();
    private volatile ConnectionState state;
    private volatile SupervisorClient client;
    private volatile boolean closed;
    /** Set when the relay refused this console for good: no more attempts. */
    private volatile boolean refused;
    private int attempt;
    private long connections;

    RelayConnection(SupervisorTransport transport, boolean ownsTransport, URI consoleUri, String relay, String token,
                    PinnedCertificate pin, Backoff backoff, Handler handler) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.ownsTransport = ownsTransport;
        this.consoleUri = consoleUri;
        this.relay = relay;
        this.token = Objects.requireNonNull(token, "token");
        this.pin = pin;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.handler = handler;
        this.state = new ConnectionState(Phase.CONNECTING, relay, null, null, null);
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.named("remote-console-" + relay));
    }

    /** {@code wss://host:port[/prefix]/console} for the relay at {@code https://host:port[/prefix]}. */
    static URI consoleUri(URI relayUrl) {
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
    static String hostPort(URI relayUrl) {
        return hostForUri(relayUrl.getHost()) + ":" + (relayUrl.getPort() < 0 ? 443 : relayUrl.getPort());
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    void start() {
        timer.execute(this::attempt);
    }

    CompletableFuture<ConnectionState> firstAttempt() {
        return firstAttempt;
    }

    long connectionsOpened() {
        synchronized (lock) {
            return connections;
        }
    }

    ConnectionState state() {
        return state;
    }

    AutoCloseable subscribe(Consumer<ConnectionState> listener) {
        connectionListeners.add(listener);
        listener.accept(state);
        return () -> connectionListeners.remove(listener);
    }

    /** The connection commands may go over now, or null while there is none (never queued for later). */
    SupervisorClient connected() {
        SupervisorClient c = client;
        return c != null && c.isOpen() && state.phase() == Phase.CONNECTED ? c : null;
    }

    /** The open connection, connected or still being greeted; null when there is none. */
    SupervisorClient open() {
        SupervisorClient c = client;
        return c != null && c.isOpen() ? c : null;
    }

    // ---- connecting ----

    private void attempt() {
        if (closed || refused) {
            return;
        }
        setState(new ConnectionState(Phase.CONNECTING, relay, null, null, state.problem()));
        Map<String, Long> from = handler.positions();
        CompletableFuture<SupervisorClient> opening;
        try {
            opening = SupervisorClient.connect(transport, consoleUri, token, from, handler::onMessage);
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
                handler.onConnected(c);
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
        handler.onDropped();
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
        Duration delay = backoff.delay(n, ThreadLocalRandom.current()::nextDouble);
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
