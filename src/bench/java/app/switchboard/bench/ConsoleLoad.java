package app.switchboard.bench;

import app.switchboard.sim.LatencyStats;
import app.switchboard.supervisor.JettySupervisorTransport;
import app.switchboard.supervisor.SupervisorAccounts;
import app.switchboard.supervisor.SupervisorClient;
import app.switchboard.supervisor.SupervisorMessage;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Supervisor consoles attached to the relay under test through its {@code /console} API, as
 * remote consoles would be: each reads every event and records how long an event took from the
 * relay's record to this console ({@code CallEvent.time} to arrival; every process of the bench
 * shares the machine's clock). The bench runs them in a process of their own ({@link #main}), so
 * their decoding competes with neither the callers' process nor the relay's heap.
 */
final class ConsoleLoad implements AutoCloseable {

    /** Every console's deliveries together (since the last {@code reset}). */
    volatile LatencyStats delivery = new LatencyStats();
    final AtomicLong events = new AtomicLong();
    final AtomicLong resyncs = new AtomicLong();
    private final JettySupervisorTransport transport;
    private final List<SupervisorClient> clients = new ArrayList<>();

    private ConsoleLoad(JettySupervisorTransport transport) {
        this.transport = transport;
    }

    /** Creates the supervisor account consoles sign in with, before the relay starts (so {@code /console} is on). */
    static String addAccount(Path dataDir) {
        return SupervisorAccounts.in(dataDir).add("bench");
    }

    /** Connects {@code n} consoles to {@code relay} (its {@code wss://host:port/relay} URL), trusting only {@code fingerprint}. */
    static ConsoleLoad attach(int n, URI relay, String fingerprint, String token) throws Exception {
        ConsoleLoad load = new ConsoleLoad(new JettySupervisorTransport(pinned(fingerprint)));
        URI console = relay.resolve("/console");
        try {
            for (int i = 0; i < n; i++) {
                SupervisorClient client = SupervisorClient.connect(load.transport, console, token, null, load::receive)
                        .get(30, TimeUnit.SECONDS);
                client.hello().get(30, TimeUnit.SECONDS);
                load.clients.add(client);
            }
        } catch (Exception e) {
            load.close();
            throw e;
        }
        return load;
    }

    /** The line {@link #main} prints when told {@code report}: what {@link RelayBench} reads back. */
    static final java.util.regex.Pattern REPORT = java.util.regex.Pattern.compile(
            "^consoles report: events=(\\d+) deliveries=(\\d+) resyncs=(\\d+) connected=(\\d+) \\| (.*)$");
    static final java.util.regex.Pattern READY = java.util.regex.Pattern.compile("^consoles ready: (\\d+)$");

    /**
     * {@code ConsoleLoad N WSS_RELAY_URL FINGERPRINT}, the token in {@code SWITCHBOARD_BENCH_CONSOLE_TOKEN}:
     * attaches N consoles, prints {@code consoles ready: N}, and on the input line {@code report}
     * prints the report line and exits.
     */
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        try (ConsoleLoad load = attach(n, URI.create(args[1]), args[2], System.getenv("SWITCHBOARD_BENCH_CONSOLE_TOKEN"))) {
            System.out.println("consoles ready: " + n);
            System.out.flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.strip().equals("reset")) {
                    // After the warm-up: the consoles' JVM is warm too, and only the scenario counts.
                    load.delivery = new LatencyStats();
                    load.events.set(0);
                    load.resyncs.set(0);
                    System.out.println("consoles reset");
                    System.out.flush();
                } else if (line.startsWith("count ")) {
                    // "count K" → "consoles count K: N": the bench polls until N stops growing.
                    System.out.printf(Locale.ROOT, "consoles count %s: %d%n", line.substring(6).strip(), load.events.get());
                    System.out.flush();
                } else if (line.strip().equals("report")) {
                    System.out.printf(Locale.ROOT, "consoles report: events=%d deliveries=%d resyncs=%d connected=%d | %s%n",
                            load.events.get(), load.delivery.count(), load.resyncs.get(), load.connected(), load.summary());
                    System.out.flush();
                    break;
                }
            }
        }
        System.exit(0);
    }

    private void receive(SupervisorMessage.ServerMessage message) {
        if (message instanceof SupervisorMessage.Event e) {
            long nanos = java.time.Duration.between(e.event().time(), Instant.now()).toNanos();
            delivery.add(Math.max(0, nanos));
            events.incrementAndGet();
        } else if (message instanceof SupervisorMessage.Snapshot s && s.reason() == SupervisorMessage.SnapshotReason.RESYNC) {
            resyncs.incrementAndGet();
        }
    }

    int connected() {
        return (int) clients.stream().filter(SupervisorClient::isOpen).count();
    }

    String summary() {
        return String.format(Locale.ROOT, "%d consoles (%d still connected): %d events delivered, relay record → console "
                        + "p50/p99 %s / %s ms, %d resyncs", clients.size(), connected(), events.get(),
                fmt(delivery.percentileMs(50)), fmt(delivery.percentileMs(99)), resyncs.get());
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "n/a" : String.format(Locale.ROOT, "%.2f", ms);
    }

    @Override
    public void close() {
        clients.forEach(SupervisorClient::close);
        try {
            transport.close();
        } catch (Exception e) {
            // the relay is going away too
        }
    }

    private static SSLContext pinned(String fingerprint) throws Exception {
        String pin = fingerprint.replaceAll("[^0-9A-Fa-f]", "").toLowerCase(Locale.ROOT);
        X509TrustManager trust = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    String seen = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                    if (!seen.equals(pin)) {
                        throw new CertificateException("relay certificate " + seen + " is not the pinned " + pin);
                    }
                } catch (java.security.GeneralSecurityException e) {
                    throw new CertificateException(e);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {trust}, null);
        return tls;
    }
}
