package app.switchboard.relay;

import app.switchboard.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

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
 * @param limits     what one socket may cost before it is closed
 */
public record RelayConfig(String host, int port, String publicUrl, TlsSource tls, String authToken, Settings settings,
                          CallTokens callTokens, Limits limits) {

    public RelayConfig {
        limits = limits == null ? Limits.defaults() : limits;
    }

    /** With the default socket limits. */
    public RelayConfig(String host, int port, String publicUrl, TlsSource tls, String authToken, Settings settings,
                       CallTokens callTokens) {
        this(host, port, publicUrl, tls, authToken, settings, callTokens, Limits.defaults());
    }

    /** With a call-token secret for this run only. */
    public RelayConfig(String host, int port, String publicUrl, TlsSource tls, String authToken, Settings settings) {
        this(host, port, publicUrl, tls, authToken, settings, CallTokens.random());
    }

    public RelayConfig withLimits(Limits newLimits) {
        return new RelayConfig(host, port, publicUrl, tls, authToken, settings, callTokens, newLimits);
    }

    /**
     * What one socket may cost the relay (docs/security.md, "Socket limits"). Twilio sends
     * {@code setup} right after the upgrade, then a few frames a second (partial prompts every
     * 200-300 ms, clause-sized {@code info} frames when subscribed); the rate defaults leave it
     * ten times that and more.
     *
     * @param setupDeadline         a socket with no {@code setup} after this long is closed 1008
     * @param maxSocketsWithoutCall upgraded sockets that have no call yet, at most; more are closed 1013
     * @param framesPerSecond       sustained inbound frames per second; past it (and the burst), 1008
     * @param frameBurst            frames a socket may send at once above the sustained rate
     * @param bytesPerSecond        sustained inbound UTF-8 bytes per second; past it (and the burst), 1008
     * @param byteBurst             bytes at once above the sustained rate; at least one largest frame
     * @param maxConsecutiveInvalid malformed or unknown frames in a row before the socket is closed 1007
     */
    public record Limits(Duration setupDeadline, int maxSocketsWithoutCall, double framesPerSecond, int frameBurst,
                         long bytesPerSecond, long byteBurst, int maxConsecutiveInvalid) {

        public Limits {
            if (setupDeadline == null || setupDeadline.isNegative() || setupDeadline.isZero()) {
                throw new IllegalArgumentException("setupDeadline must be positive: " + setupDeadline);
            }
            if (maxSocketsWithoutCall < 1 || frameBurst < 1 || byteBurst < 1 || maxConsecutiveInvalid < 1) {
                throw new IllegalArgumentException("socket limits must be at least 1: " + maxSocketsWithoutCall
                        + ", " + frameBurst + ", " + byteBurst + ", " + maxConsecutiveInvalid);
            }
            if (!(framesPerSecond > 0) || bytesPerSecond <= 0) {
                throw new IllegalArgumentException("socket rates must be positive: " + framesPerSecond + ", " + bytesPerSecond);
            }
        }

        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(10), 200, 50, 200, 64 * 1024, 256 * 1024, 20);
        }

        public Limits withSetupDeadline(Duration deadline) {
            return new Limits(deadline, maxSocketsWithoutCall, framesPerSecond, frameBurst, bytesPerSecond, byteBurst,
                    maxConsecutiveInvalid);
        }

        public Limits withMaxSocketsWithoutCall(int max) {
            return new Limits(setupDeadline, max, framesPerSecond, frameBurst, bytesPerSecond, byteBurst,
                    maxConsecutiveInvalid);
        }

        public Limits withFrameRate(double perSecond, int burst) {
            return new Limits(setupDeadline, maxSocketsWithoutCall, perSecond, burst, bytesPerSecond, byteBurst,
                    maxConsecutiveInvalid);
        }

        public Limits withByteRate(long perSecond, long burst) {
            return new Limits(setupDeadline, maxSocketsWithoutCall, framesPerSecond, frameBurst, perSecond, burst,
                    maxConsecutiveInvalid);
        }

        public Limits withMaxConsecutiveInvalid(int max) {
            return new Limits(setupDeadline, maxSocketsWithoutCall, framesPerSecond, frameBurst, bytesPerSecond,
                    byteBurst, max);
        }
    }

    /** The certificate source: a PKCS12 keystore, PEM files, or a self-signed one kept in {@code dataDir}. */
    public sealed interface TlsSource {
        record Keystore(Path file, char[] password) implements TlsSource { }

        record Pem(Path certificate, Path privateKey) implements TlsSource { }

        record SelfSigned(Path dataDir) implements TlsSource { }
    }
}
