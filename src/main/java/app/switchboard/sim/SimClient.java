package app.switchboard.sim;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The network side of the simulator, shared by every simulated call: one Jetty
 * {@link HttpClient} (webhooks) and one {@link WebSocketClient} (relay sockets) over TLS.
 *
 * <p>The relay's certificate is self-signed by default, so the usual trust chain cannot vouch
 * for it. The simulator only ever talks to loopback, and either pins the certificate by its
 * SHA-256 fingerprint (what the relay prints at start) or, without a pin, accepts any
 * certificate. Host names are not checked: the simulator connects to {@code 127.0.0.1}
 * while the certificate names whatever the relay was configured with.
 */
public final class SimClient implements AutoCloseable {

    private final HttpClient http;
    private final WebSocketClient webSocket;
    private final String pinnedFingerprint;

    private SimClient(String pinnedFingerprint, int maxThreads) throws Exception {
        this.pinnedFingerprint = pinnedFingerprint == null ? null : normaliseFingerprint(pinnedFingerprint);
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(sslContext(new PinningTrustManager(this.pinnedFingerprint)));
        tls.setEndpointIdentificationAlgorithm(null);
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
        threads.setName("sim-client");
        threads.setDaemon(true);
        http = new HttpClient();
        http.setExecutor(threads);
        http.setSslContextFactory(tls);
        // Twilio's own user agents are set per request (socket and webhook differ).
        http.setUserAgentField(null);
        http.setMaxConnectionsPerDestination(Math.max(64, maxThreads));
        webSocket = new WebSocketClient(http);
        // Twilio accepts long answers; the app's limits are the relay's business, not ours.
        webSocket.setMaxTextMessageSize(1024 * 1024);
        webSocket.setStopAtShutdown(false);
        webSocket.start();
    }

    /** A client that accepts only the certificate with this SHA-256 fingerprint (any hex format). */
    public static SimClient pinned(String sha256Fingerprint) throws Exception {
        if (sha256Fingerprint == null || sha256Fingerprint.isBlank()) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is required to pin");
        }
        return new SimClient(sha256Fingerprint, 200);
    }

    /** A client that accepts any certificate; for loopback relays whose fingerprint is not known. */
    public static SimClient trustingAnyCertificate() throws Exception {
        return new SimClient(null, 200);
    }

    /** Same, sized for many concurrent calls (the load generator). */
    public static SimClient create(String sha256FingerprintOrNull, int maxThreads) throws Exception {
        return new SimClient(sha256FingerprintOrNull, maxThreads);
    }

    HttpClient http() {
        return http;
    }

    WebSocketClient webSocket() {
        return webSocket;
    }

    /** The pinned fingerprint as lowercase hex without separators, or null when not pinning. */
    public String pinnedFingerprint() {
        return pinnedFingerprint;
    }

    @Override
    public void close() {
        try {
            webSocket.stop();
            http.stop();
        } catch (Exception e) {
            throw new IllegalStateException("simulator client did not stop cleanly", e);
        }
    }

    /** SHA-256 of a certificate's DER encoding, as lowercase hex. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    /** Accepts {@code AB:CD:…}, {@code abcd…} or {@code SHA256:AB CD…}: keeps only the hex digits. */
    static String normaliseFingerprint(String text) {
        String s = text.trim();
        int colonPrefix = s.toLowerCase(Locale.ROOT).startsWith("sha256:") ? 7
                : s.toLowerCase(Locale.ROOT).startsWith("sha-256:") ? 8 : 0;
        String hex = s.substring(colonPrefix).replaceAll("[^0-9A-Fa-f]", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 64) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint (64 hex digits): " + text);
        }
        return hex;
    }

    private static SSLContext sslContext(TrustManager trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trust}, null);
        return context;
    }

    /** Trusts exactly one certificate by fingerprint, or any certificate when no pin is set. */
    private static final class PinningTrustManager extends X509ExtendedTrustManager {
        private final String pin;

        PinningTrustManager(String pin) {
            this.pin = pin;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the relay presented no certificate");
            }
            if (pin != null) {
                String actual = fingerprint(chain[0]);
                if (!actual.equals(pin)) {
                    throw new CertificateException("relay certificate fingerprint " + actual
                            + " does not match the pinned " + pin);
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the simulator is never a TLS server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the simulator is never a TLS server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the simulator is never a TLS server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
