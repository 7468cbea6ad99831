package app.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    @TempDir
    Path dir;

    @Test
    void selfSignedCertificateIsGeneratedOnceAndReused() {
        TlsMaterial first = TlsMaterial.selfSigned(dir);
        TlsMaterial second = TlsMaterial.selfSigned(dir);
        assertEquals(first.fingerprint(), second.fingerprint());
        assertTrue(Files.exists(dir.resolve(TlsMaterial.SELF_SIGNED_KEYSTORE)));
    }

    @Test
    void fingerprintIsColonSeparatedSha256() {
        String fingerprint = TlsMaterial.generate(List.of("localhost")).fingerprint();
        assertTrue(fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fingerprint);
    }

    @Test
    void pemCertificateAndKeyAsACertificateAuthorityIssuesThem() throws Exception {
        TlsMaterial issued = TlsMaterial.generate(List.of("calls.example.test"));
        Key key = issued.keyStore().getKey("switchboard", issued.password());
        Path cert = dir.resolve("fullchain.pem");
        Path keyFile = dir.resolve("privkey.pem");
        writePem(cert, issued.certificate());
        // certbot and most CAs hand out PKCS#8 "PRIVATE KEY" files.
        writePem(keyFile, new JcaPKCS8Generator((java.security.PrivateKey) key, null));
        TlsMaterial loaded = TlsMaterial.fromPem(cert, keyFile);
        assertEquals(issued.fingerprint(), loaded.fingerprint());
    }

    @Test
    void pkcs12KeystoreLoadsWithItsPassword() throws Exception {
        TlsMaterial made = TlsMaterial.generate(List.of("localhost"));
        Path file = dir.resolve("relay.p12");
        char[] password = "correct horse".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("relay", made.keyStore().getKey("switchboard", made.password()), password,
                new java.security.cert.Certificate[] {made.certificate()});
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            ks.store(out, password);
        }
        assertEquals(made.fingerprint(), TlsMaterial.fromKeystore(file, password).fingerprint());
        TlsMaterial.TlsException wrong = assertThrows(TlsMaterial.TlsException.class,
                () -> TlsMaterial.fromKeystore(file, "wrong".toCharArray()));
        assertTrue(wrong.getMessage().contains(file.toString()), wrong.getMessage());
    }

    @Test
    void unreadableKeystoreIsAClearError() throws Exception {
        Path garbage = dir.resolve("garbage.p12");
        Files.writeString(garbage, "not a keystore");
        TlsMaterial.TlsException e = assertThrows(TlsMaterial.TlsException.class,
                () -> TlsMaterial.fromKeystore(garbage, new char[0]));
        assertTrue(e.getMessage().startsWith("Cannot read keystore"), e.getMessage());
    }

    @Test
    void generatedCertificateNamesTheRequestedHostsAndAddresses() throws Exception {
        X509Certificate cert = TlsMaterial.generate(List.of("relay.example.test", "127.0.0.1")).certificate();
        Set<List<?>> names = Set.copyOf(cert.getSubjectAlternativeNames());
        assertEquals(Set.of(List.of(2, "relay.example.test"), List.of(7, "127.0.0.1")), names,
                "a DNS name and an IP address entry (RFC 5280 GeneralName tags 2 and 7)");
    }

    @Test
    void generatedKeyEntrySignsWhatItsCertificateVerifies() throws Exception {
        TlsMaterial made = TlsMaterial.generate(List.of("localhost"));
        PrivateKey key = (PrivateKey) made.keyStore().getKey("switchboard", made.password());
        byte[] data = "switchboard".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(made.certificate());
        verifier.update(data);
        assertTrue(verifier.verify(signature), "the stored key is the certificate's key");
    }

    private static void writePem(Path file, Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        Files.writeString(file, text.toString());
    }
}
