package app.switchboard.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ties a relay session to the TwiML this relay answered for its call. The voice webhook's
 * {@code <ConversationRelay>} carries {@code <Parameter name="switchboardToken">} =
 * HMAC-SHA256(relay secret, callSid); Twilio hands it back in {@code setup.customParameters}.
 * The upgrade's {@code X-Twilio-Signature} covers only the fixed {@code wss://…/relay} URL, so
 * one captured signature opens sockets forever; without the token for a callSid such a socket
 * cannot become, or take over, that call. The secret never leaves this class: not logged, not
 * recorded (the relay strips the parameter before the setup is recorded).
 */
public final class CallTokens {

    /** The {@code <Parameter>} name; also the key in {@code setup.customParameters}. */
    public static final String PARAMETER = "switchboardToken";
    static final String KEY_FILE = "relay-call-token.key";
    private static final int KEY_BYTES = 32;

    private final SecretKeySpec key;

    private CallTokens(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** A secret for this run only (tests, the demo): tokens die with the process. */
    public static CallTokens random() {
        byte[] secret = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(secret);
        return new CallTokens(secret);
    }

    /**
     * A secret shared by several relays (the nodes of a cluster, which read it from Redis): a
     * reconnect may land on any of them, and each must accept the token another one issued.
     */
    public static CallTokens withSecret(byte[] secret) {
        if (secret == null || secret.length < KEY_BYTES) {
            throw new IllegalArgumentException("a call-token secret has at least " + KEY_BYTES + " bytes");
        }
        return new CallTokens(secret.clone());
    }

    /**
     * The relay's secret, generated once into {@code dataDir} (owner-only where the file system
     * allows), so calls survive a restart of the relay between their TwiML and their socket.
     */
    public static CallTokens loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(KEY_FILE);
        try {
            if (!Files.exists(file)) {
                byte[] secret = new byte[KEY_BYTES];
                new SecureRandom().nextBytes(secret);
                Files.createDirectories(dataDir);
                try {
                    try {
                        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    } catch (UnsupportedOperationException e) {
                        Files.createFile(file);
                    }
                    Files.write(file, secret);
                } catch (FileAlreadyExistsException e) {
                    // another process made it first: use theirs
                }
            }
            byte[] secret = Files.readAllBytes(file);
            if (secret.length < KEY_BYTES) {
                throw new IOException(file + " is shorter than " + KEY_BYTES + " bytes");
            }
            return new CallTokens(secret);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the relay's call-token secret: " + e.getMessage(), e);
        }
    }

    /** The token for this call, as it goes into the TwiML. */
    public String token(String callSid) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(callSid.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time comparison with the token this relay would issue for {@code callSid}. */
    public boolean valid(String callSid, String token) {
        if (callSid == null || token == null) {
            return false;
        }
        return MessageDigest.isEqual(token(callSid).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "CallTokens[secret hidden]";
    }
}
