package app.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallAgent;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.Settings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM files in the shapes certificate authorities and openssl hand out, each proven by a real TLS
 * handshake with the relay from a client that trusts exactly one certificate and checks the
 * host name (127.0.0.1 as an IP subject alternative name).
 */
@Timeout(60)
class TlsPemHandshakeTest {

    private static final AtomicLong SERIAL = new AtomicLong(1);

    @TempDir
    Path dir;

    /** A certificate with the key it was issued for. */
    record Issued(X509Certificate certificate, KeyPair keys) {
    }

    /**
     * An EC key from the BouncyCastle provider: written as EC PRIVATE KEY it carries the curve
     * and the public key, as openssl writes it (a JDK key would be written without the curve).
     */
    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** Issues a certificate for {@code keys}, signed by {@code issuer} (itself when null). */
    private static Issued issue(String cn, KeyPair keys, Issued issuer, boolean authority) throws Exception {
        X500Name subject = new X500Name("CN=" + cn);
        X500Name issuerName = issuer == null ? subject
                : new X500Name(issuer.certificate().getSubjectX500Principal().getName());
        PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        if (!authority) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        String algorithm = "RSA".equals(signingKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
        return new Issued(cert, keys);
    }

    private Path pem(String name, Object... objects) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        return file;
    }

    /** The chain the relay presented, after a handshake and a request over it. */
    record Handshake(List<Certificate> peerChain, String statusLine) {
    }

    /** Starts the relay on the PEM files and connects to it trusting only {@code anchor}. */
    private static Handshake handshake(Path certificate, Path key, X509Certificate anchor) throws Exception {
        try (CallRegistry registry = new CallRegistry(CallAgent.silent(), List.of("en-US"), "en-US")) {
            RelayServer relay = new RelayServer(new RelayConfig("127.0.0.1", 0, null,
                    new RelayConfig.TlsSource.Pem(certificate, key), null, new Settings()), registry);
            relay.start();
            try {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                trusted.setCertificateEntry("only", anchor);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, tmf.getTrustManagers(), null);
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", relay.port())) {
                    socket.setSoTimeout(10_000);
                    SSLParameters params = socket.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    socket.setSSLParameters(params);
                    socket.startHandshake();
                    OutputStream out = socket.getOutputStream();
                    out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.US_ASCII)).readLine();
                    return new Handshake(List.of(socket.getSession().getPeerCertificates()), status);
                }
            } finally {
                relay.close();
            }
        }
    }

    private static void assertServes(Handshake h, X509Certificate... chain) {
        assertEquals("HTTP/1.1 200 OK", h.statusLine());
        assertEquals(List.of(chain), h.peerChain());
    }

    @Test
    void traditionalEcPrivateKey() throws Exception {
        Issued leaf = issue("relay", ec(), null, false);
        Path key = pem("ec.key", leaf.keys().getPrivate());
        assertTrue(Files.readString(key).startsWith("-----BEGIN EC PRIVATE KEY-----"), Files.readString(key));
        assertServes(handshake(pem("cert.pem", leaf.certificate()), key, leaf.certificate()), leaf.certificate());
    }

    @Test
    void traditionalEcPrivateKeyWithoutItsOptionalPublicKey() throws Exception {
        // RFC 5915 makes the public key optional; `openssl ec -no_public` writes such a file.
        Issued leaf = issue("relay", ec(), null, false);
        BigInteger secret = ((java.security.interfaces.ECPrivateKey) leaf.keys().getPrivate()).getS();
        byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, secret,
                new X962Parameters(SECObjectIdentifiers.secp256r1)).getEncoded();
        Path key = dir.resolve("no-public.key");
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject("EC PRIVATE KEY", der));
        }
        Files.writeString(key, text.toString(), StandardCharsets.US_ASCII);
        assertServes(handshake(pem("cert.pem", leaf.certificate()), key, leaf.certificate()), leaf.certificate());
    }

    @Test
    void ecPrivateKeyAfterItsParametersAsOpensslEcparamWritesIt() throws Exception {
        // `openssl ecparam -name prime256v1 -genkey` puts an EC PARAMETERS block (the curve's OID) first.
        Issued leaf = issue("relay", ec(), null, false);
        Path key = dir.resolve("ecparam.key");
        Files.writeString(key, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + Files.readString(pem("ec-only.key", leaf.keys().getPrivate())), StandardCharsets.US_ASCII);
        assertServes(handshake(pem("cert.pem", leaf.certificate()), key, leaf.certificate()), leaf.certificate());
    }

    @Test
    void traditionalRsaPrivateKey() throws Exception {
        Issued leaf = issue("relay", rsa(), null, false);
        Path key = pem("rsa.key", leaf.keys().getPrivate());
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"), Files.readString(key));
        assertServes(handshake(pem("cert.pem", leaf.certificate()), key, leaf.certificate()), leaf.certificate());
    }

    @Test
    void pkcs8PrivateKey() throws Exception {
        Issued leaf = issue("relay", rsa(), null, false);
        Path key = pem("pkcs8.key", new JcaPKCS8Generator(leaf.keys().getPrivate(), null));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"), Files.readString(key));
        assertServes(handshake(pem("cert.pem", leaf.certificate()), key, leaf.certificate()), leaf.certificate());
    }

    @Test
    void fullChainIsPresentedSoAClientTrustingOnlyTheRootAccepts() throws Exception {
        Issued root = issue("Test Root CA", ec(), null, true);
        Issued intermediate = issue("Test Intermediate CA", ec(), root, true);
        Issued leaf = issue("relay", ec(), intermediate, false);
        Path chain = pem("fullchain.pem", leaf.certificate(), intermediate.certificate());
        Path key = pem("privkey.pem", new JcaPKCS8Generator(leaf.keys().getPrivate(), null));

        assertServes(handshake(chain, key, root.certificate()), leaf.certificate(), intermediate.certificate());
    }

    @Test
    void aClientTrustingAnotherCertificateIsRefused() throws Exception {
        // The control for the tests above: trust is really checked, so their handshakes prove the material.
        Issued leaf = issue("relay", ec(), null, false);
        Issued stranger = issue("relay", ec(), null, false);
        Path cert = pem("cert.pem", leaf.certificate());
        Path key = pem("key.pem", leaf.keys().getPrivate());
        assertThrows(SSLHandshakeException.class, () -> handshake(cert, key, stranger.certificate()));
    }

    @Test
    void anEmptyCertificateFileIsAClearError() throws Exception {
        Issued leaf = issue("relay", ec(), null, false);
        Path empty = Files.createFile(dir.resolve("empty.pem"));
        Path key = pem("key.pem", leaf.keys().getPrivate());
        TlsMaterial.TlsException e = assertThrows(TlsMaterial.TlsException.class, () -> TlsMaterial.fromPem(empty, key));
        assertEquals("No certificate found in " + empty, e.getMessage());
    }

    @Test
    void anEmptyKeyFileIsAClearError() throws Exception {
        Issued leaf = issue("relay", ec(), null, false);
        Path cert = pem("cert.pem", leaf.certificate());
        Path empty = Files.createFile(dir.resolve("empty.key"));
        TlsMaterial.TlsException e = assertThrows(TlsMaterial.TlsException.class, () -> TlsMaterial.fromPem(cert, empty));
        assertEquals("No unencrypted private key found in " + empty, e.getMessage());
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAClearError() throws Exception {
        Issued leaf = issue("relay", ec(), null, false);
        Path cert = pem("cert.pem", leaf.certificate());
        Path otherKey = pem("other.key", ec().getPrivate());
        TlsMaterial.TlsException e = assertThrows(TlsMaterial.TlsException.class, () -> TlsMaterial.fromPem(cert, otherKey));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void certificateChainOrderIsKeptWithTheLeafFirst() throws Exception {
        Issued root = issue("Test Root CA", rsa(), null, true);
        Issued leaf = issue("relay", ec(), root, false);
        TlsMaterial loaded = TlsMaterial.fromPem(pem("chain.pem", leaf.certificate(), root.certificate()),
                pem("key.pem", leaf.keys().getPrivate()));
        List<Certificate> stored = new ArrayList<>(List.of(loaded.keyStore().getCertificateChain("switchboard")));
        assertEquals(List.of(leaf.certificate(), root.certificate()), stored);
    }
}
