package app.switchboard.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The relay's certificate and key, as a keystore Jetty can use, from one of three sources: a
 * PKCS12 file, PEM files as a certificate authority issues them, or a self-signed certificate
 * generated once into the data directory (fine for the simulator and a TLS-terminating
 * tunnel; Twilio itself refuses self-signed certificates).
 */
public final class TlsMaterial {

    static final String SELF_SIGNED_KEYSTORE = "relay-tls.p12";
    static final String SELF_SIGNED_PASSWORD = "relay-tls.secret";
    private static final String ALIAS = "switchboard";

    private final KeyStore keyStore;
    private final char[] password;
    private final X509Certificate certificate;

    private TlsMaterial(KeyStore keyStore, char[] password, X509Certificate certificate) {
        this.keyStore = keyStore;
        this.password = password;
        this.certificate = certificate;
    }

    public static TlsMaterial from(RelayConfig.TlsSource source) {
        if (source instanceof RelayConfig.TlsSource.Keystore k) {
            return fromKeystore(k.file(), k.password());
        }
        if (source instanceof RelayConfig.TlsSource.Pem p) {
            return fromPem(p.certificate(), p.privateKey());
        }
        return selfSigned(((RelayConfig.TlsSource.SelfSigned) source).dataDir());
    }

    public static TlsMaterial fromKeystore(Path file, char[] password) {
        char[] pw = password == null ? new char[0] : password;
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
            return new TlsMaterial(ks, pw, firstCertificate(ks, file));
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("Cannot read keystore " + file + ": " + reason(e), e);
        }
    }

    public static TlsMaterial fromPem(Path certificateFile, Path keyFile) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            try (Reader r = Files.newBufferedReader(certificateFile, StandardCharsets.US_ASCII);
                 PEMParser parser = new PEMParser(r)) {
                Object o;
                while ((o = parser.readObject()) != null) {
                    if (o instanceof X509CertificateHolder holder) {
                        chain.add(converter.getCertificate(holder));
                    }
                }
            }
            if (chain.isEmpty()) {
                throw new TlsException("No certificate found in " + certificateFile, null);
            }
            PrivateKey key = null;
            try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
                 PEMParser parser = new PEMParser(r)) {
                // The key need not come first: `openssl ecparam -genkey` writes EC PARAMETERS
                // before it, and some tools put the certificate and key in one file.
                JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
                Object o;
                while (key == null && (o = parser.readObject()) != null) {
                    if (o instanceof PEMKeyPair pair) {
                        // Not getKeyPair(): the public half of an EC PRIVATE KEY is optional (RFC 5915).
                        key = keys.getPrivateKey(pair.getPrivateKeyInfo());
                    } else if (o instanceof PrivateKeyInfo info) {
                        key = keys.getPrivateKey(info);
                    }
                }
            }
            if (key == null) {
                throw new TlsException("No unencrypted private key found in " + keyFile, null);
            }
            if (!matches(key, chain.get(0))) {
                throw new TlsException("The private key in " + keyFile + " does not match the certificate in "
                        + certificateFile, null);
            }
            char[] pw = randomPassword();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, pw, chain.toArray(new Certificate[0]));
            return new TlsMaterial(ks, pw, chain.get(0));
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("Cannot read PEM certificate/key: " + reason(e), e);
        }
    }

    /**
     * Whether {@code key} is the certificate's: a mismatch would otherwise only show as every
     * TLS handshake failing. Key types without a known signature here are let through.
     */
    private static boolean matches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        byte[] probe = "switchboard key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
        } catch (java.security.InvalidKeyException e) {
            return false; // a key of another type than the certificate's
        }
        verifier.update(probe);
        return verifier.verify(signature);
    }

    /** Loads the self-signed certificate from {@code dataDir}, creating it on first use. */
    public static TlsMaterial selfSigned(Path dataDir) {
        Path store = dataDir.resolve(SELF_SIGNED_KEYSTORE);
        Path secret = dataDir.resolve(SELF_SIGNED_PASSWORD);
        try {
            if (Files.exists(store) && Files.exists(secret)) {
                return fromKeystore(store, Files.readString(secret, StandardCharsets.UTF_8).trim().toCharArray());
            }
            Files.createDirectories(dataDir);
            TlsMaterial generated = generate(List.of("localhost", "127.0.0.1"));
            writePrivate(secret, new String(generated.password).getBytes(StandardCharsets.UTF_8));
            try (var out = Files.newOutputStream(store)) {
                generated.keyStore.store(out, generated.password);
            }
            restrict(store);
            return generated;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("Cannot create the self-signed certificate in " + dataDir + ": " + reason(e), e);
        }
    }

    /** A new self-signed EC P-256 certificate for the given host names and IP addresses. */
    public static TlsMaterial generate(List<String> names) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256, new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=Switchboard relay (self-signed)");
            Instant now = Instant.now();
            GeneralName[] altNames = names.stream()
                    .map(n -> n.matches("[0-9.]+|.*:.*") ? new GeneralName(GeneralName.iPAddress, n)
                            : new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(825))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            char[] pw = randomPassword();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, pair.getPrivate(), pw, new Certificate[] {cert});
            return new TlsMaterial(ks, pw, cert);
        } catch (Exception e) {
            throw new TlsException("Cannot generate a self-signed certificate: " + reason(e), e);
        }
    }

    public KeyStore keyStore() {
        return keyStore;
    }

    public char[] password() {
        return password.clone();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the certificate, as browsers and {@code openssl x509 -fingerprint -sha256} print it. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new TlsException("Cannot compute the certificate fingerprint", e);
        }
    }

    private static X509Certificate firstCertificate(KeyStore ks, Path file) throws GeneralSecurityException {
        Enumeration<String> aliases = ks.aliases();
        while (aliases.hasMoreElements()) {
            String alias = aliases.nextElement();
            if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
                return c;
            }
        }
        throw new TlsException("Keystore " + file + " holds no private key with a certificate", null);
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Files.write(file, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        restrict(file);
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // Not a POSIX file system (Windows): the user's profile directory is private already.
        }
    }

    private static String reason(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m != null && m.contains("password")) {
            return "wrong password or damaged file";
        }
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** The certificate source could not be used; the message is meant for the user. */
    public static final class TlsException extends RuntimeException {
        public TlsException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
