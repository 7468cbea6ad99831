package app.switchboard.relay;

import com.twilio.security.RequestValidator;
import java.util.List;
import java.util.Map;

/**
 * Checks {@code X-Twilio-Signature} with the twilio SDK's own {@link RequestValidator},
 * always against the configured public URL (what Twilio signed), never one built from the
 * request's Host header. Without an auth token every request passes: the app then says loudly
 * that it runs unverified.
 */
public final class TwilioSignatures {

    public static final String HEADER = "X-Twilio-Signature";

    private final List<RequestValidator> validators;

    /** @param authTokens the primary token, and during a rotation the secondary one too */
    public TwilioSignatures(List<String> authTokens) {
        this.validators = authTokens.stream().filter(t -> t != null && !t.isBlank()).map(RequestValidator::new).toList();
    }

    public boolean enabled() {
        return !validators.isEmpty();
    }

    /**
     * The WebSocket upgrade: Twilio signs the {@code wss://} URL exactly as written in the
     * TwiML, with no parameters (protocol.md §6.1).
     */
    public boolean validUpgrade(String signedWssUrl, String signature) {
        return valid(signedWssUrl, Map.of(), signature);
    }

    /** A form-encoded webhook: the https URL plus the POST parameters (protocol.md §6.2). */
    public boolean validWebhook(String signedHttpsUrl, Map<String, String> form, String signature) {
        return valid(signedHttpsUrl, form, signature);
    }

    private boolean valid(String url, Map<String, String> params, String signature) {
        if (!enabled()) {
            return true;
        }
        if (signature == null || signature.isBlank()) {
            return false;
        }
        for (RequestValidator validator : validators) {
            if (validator.validate(url, params, signature)) {
                return true;
            }
        }
        return false;
    }
}
