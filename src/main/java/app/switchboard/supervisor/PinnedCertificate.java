package app.switchboard.supervisor;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one relay certificate: the one whose SHA-256 fingerprint the supervisor
 * accepted. A relay with a self-signed certificate has no authority to vouch for it, so the
 * fingerprint is the identity; any other certificate (a new key, a machine in the middle) is
 * refused with {@link Mismatch}, which names both fingerprints. Host names are not checked: the
 * pin is stronger than a name.
 */
public final class PinnedCertificate extends X509ExtendedTrustManager {

    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    private final String pinned;
    private volatile String lastPresented;

    private PinnedCertificate(String fingerprint) {
        this.pinned = normalise(fingerprint);
    }

    /** Trusts the certificate with this SHA-256 fingerprint (hex, any case, colons optional). */
    public static PinnedCertificate of(String sha256Fingerprint) {
        if (sha256Fingerprint == null || sha256Fingerprint.isBlank()) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is required to pin");
        }
        return new PinnedCertificate(sha256Fingerprint);
    }

    /** The relay presented another certificate than the pinned one. */
    public static final class Mismatch extends CertificateException {
        private final String expected;
        private final String presented;

        Mismatch(String expected, String presented) {
            super("the relay's certificate changed: it presented SHA-256 " + presented + " but "
                    + expected + " is pinned. Refusing to connect. If the relay's certificate was "
                    + "replaced on purpose, remove the pin and accept the new fingerprint.");
            this.expected = expected;
            this.presented = presented;
        }

        public String expected() {
            return expected;
        }

        public String presented() {
            return presented;
        }
    }

    /** Upper-case hex pairs separated by colons, as the relay prints it and browsers show it. */
    public static String normalise(String fingerprint) {
        String hex = fingerprint.replace(":", "").replace(" ", "").strip().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint (64 hex digits): " + fingerprint);
        }
        return HEX.formatHex(HexFormat.of().parseHex(hex));
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint the certificate", e);
        }
    }

    public String pinned() {
        return pinned;
    }

    /** The fingerprint the relay presented at the last handshake (null before any). */
    public String lastPresented() {
        return lastPresented;
    }

    /** A TLS context that trusts only the pinned certificate. */
    public SSLContext sslContext() {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {this}, new SecureRandom());
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the relay presented no certificate");
        }
        String presented = fingerprint(chain[0]);
        lastPresented = presented;
        if (!MessageDigest.isEqual(presented.getBytes(), pinned.getBytes())) {
            throw new Mismatch(pinned, presented);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a console does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a console does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a console does not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /**
     * The fingerprint of the certificate a relay presents, read from a TLS handshake that sends
     * nothing else (no token, no request): what the supervisor is shown before accepting it.
     */
    public static String probe(String host, int port, java.time.Duration timeout) throws java.io.IOException {
        String[] seen = new String[1];
        X509ExtendedTrustManager recorder = new X509ExtendedTrustManager() {
            private void record(X509Certificate[] chain) throws CertificateException {
                if (chain == null || chain.length == 0) {
                    throw new CertificateException("the relay presented no certificate");
                }
                seen[0] = fingerprint(chain[0]);
            }

            public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException {
                record(c);
            }

            public void checkServerTrusted(X509Certificate[] c, String a, Socket s) throws CertificateException {
                record(c);
            }

            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException {
                record(c);
            }

            public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException {
                throw new CertificateException("not a server");
            }

            public void checkClientTrusted(X509Certificate[] c, String a, Socket s) throws CertificateException {
                throw new CertificateException("not a server");
            }

            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException {
                throw new CertificateException("not a server");
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {recorder}, new SecureRandom());
            SSLSocketFactory factory = tls.getSocketFactory();
            try (Socket plain = new Socket()) {
                plain.connect(new java.net.InetSocketAddress(host, port), (int) timeout.toMillis());
                plain.setSoTimeout((int) timeout.toMillis());
                try (SSLSocket socket = (SSLSocket) factory.createSocket(plain, host, port, false)) {
                    socket.startHandshake();
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
        if (seen[0] == null) {
            throw new java.io.IOException("the relay at " + host + ":" + port + " presented no certificate");
        }
        return seen[0];
    }
}
