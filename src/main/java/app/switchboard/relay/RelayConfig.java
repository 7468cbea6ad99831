package app.switchboard.relay;

import app.switchboard.config.Settings;
import java.nio.file.Path;

/**
 * How the relay listens and whom it trusts.
 *
 * @param host       interface to bind
 * @param port       port to bind; 0 picks a free one
 * @param publicUrl  the public origin Twilio uses (https://host[/prefix]); null: the local URL
 * @param tls        where the certificate comes from
 * @param authToken  Twilio auth token; null runs unverified (with a loud warning)
 * @param settings   TwiML options, limits, handoff number
 * @param callTokens the secret that ties each relay session to this relay's TwiML for its call
 */
public record RelayConfig(String host, int port, String publicUrl, TlsSource tls, String authToken, Settings settings,
                          CallTokens callTokens) {

    /** With a call-token secret for this run only. */
    public RelayConfig(String host, int port, String publicUrl, TlsSource tls, String authToken, Settings settings) {
        this(host, port, publicUrl, tls, authToken, settings, CallTokens.random());
    }

    /** The certificate source: a PKCS12 keystore, PEM files, or a self-signed one kept in {@code dataDir}. */
    public sealed interface TlsSource {
        record Keystore(Path file, char[] password) implements TlsSource { }

        record Pem(Path certificate, Path privateKey) implements TlsSource { }

        record SelfSigned(Path dataDir) implements TlsSource { }
    }
}
