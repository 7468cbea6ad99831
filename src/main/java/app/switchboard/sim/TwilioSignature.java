package app.switchboard.sim;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes {@code X-Twilio-Signature} the way Twilio does (protocol.md §6): Base64 of
 * HMAC-SHA1 keyed with the auth token over the URL exactly as Twilio was given it, followed,
 * for a form POST, by every parameter name and value concatenated in name order. The socket
 * upgrade is signed over its {@code wss://} URL with no parameters.
 *
 * <p>Written independently of the twilio SDK on purpose: the relay verifies with the SDK's
 * {@code RequestValidator}, and the simulator signing with its own code is what makes a passing
 * test mean the two agree.
 */
public final class TwilioSignature {

    public static final String HEADER = "X-Twilio-Signature";

    private TwilioSignature() {
    }

    /** The signature of a socket upgrade (or any request without form parameters). */
    public static String sign(String authToken, String url) {
        return sign(authToken, url, Map.of());
    }

    /** The signature of a form-encoded POST to {@code url} carrying {@code params}. */
    public static String sign(String authToken, String url, Map<String, String> params) {
        if (authToken == null || authToken.isEmpty()) {
            throw new IllegalArgumentException("an auth token is required to sign");
        }
        StringBuilder data = new StringBuilder(url);
        // Sorted by name, code point order, as Twilio (and the SDK's validator) sort them.
        new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value == null ? "" : value));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] digest = mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // HmacSHA1 is required of every Java platform; reaching this is a broken JRE.
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
