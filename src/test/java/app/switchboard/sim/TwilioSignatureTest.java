package app.switchboard.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twilio.security.RequestValidator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The simulator's own signer against the real vectors (protocol.md §6) and the twilio SDK's validator. */
class TwilioSignatureTest {

    // A real Twilio upgrade signature; the token has been revoked (protocol.md §6.1).
    private static final String WSS_TOKEN = "c0e4d9d4fff66d194f3101ccd7c3a38c";
    private static final String WSS_URL = "wss://70cd1a93aa44.ngrok-free.app/";
    private static final String WSS_SIGNATURE = "CSS4F/5/iw8S6Zkm3aULeNJaVC8=";

    // Twilio's public webhook-security example (protocol.md §6.2).
    private static final String WEBHOOK_TOKEN = "12345";
    private static final String WEBHOOK_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static final Map<String, String> WEBHOOK_PARAMS = Map.of(
            "CallSid", "CA1234567890ABCDE",
            "Caller", "+12349013030",
            "Digits", "1234",
            "From", "+12349013030",
            "To", "+18005551212");
    private static final String WEBHOOK_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    @Test
    void signsTheRecordedWssUpgradeExactlyAsTwilioDid() {
        assertEquals(WSS_SIGNATURE, TwilioSignature.sign(WSS_TOKEN, WSS_URL));
        assertTrue(new RequestValidator(WSS_TOKEN).validate(WSS_URL, Map.of(), WSS_SIGNATURE));
    }

    @Test
    void upgradeSignatureCoversTheExactWssUrl() {
        String withoutSlash = TwilioSignature.sign(WSS_TOKEN, "wss://70cd1a93aa44.ngrok-free.app");
        String httpsForm = TwilioSignature.sign(WSS_TOKEN, "https://70cd1a93aa44.ngrok-free.app/");
        assertNotEquals(WSS_SIGNATURE, withoutSlash);
        assertNotEquals(WSS_SIGNATURE, httpsForm);
        RequestValidator validator = new RequestValidator(WSS_TOKEN);
        assertFalse(validator.validate("wss://70cd1a93aa44.ngrok-free.app", Map.of(), WSS_SIGNATURE));
        assertFalse(validator.validate("https://70cd1a93aa44.ngrok-free.app/", Map.of(), WSS_SIGNATURE));
    }

    @Test
    void signsTwilioDocumentedWebhookExample() {
        assertEquals(WEBHOOK_SIGNATURE, TwilioSignature.sign(WEBHOOK_TOKEN, WEBHOOK_URL, WEBHOOK_PARAMS));
        assertTrue(new RequestValidator(WEBHOOK_TOKEN).validate(WEBHOOK_URL, WEBHOOK_PARAMS, WEBHOOK_SIGNATURE));
    }

    @Test
    void requestValidatorAcceptsEverySignedActionFormAndRejectsATamperedOne() {
        Random random = new Random(7);
        String token = "0123456789abcdef0123456789abcdef";
        String url = "https://calls.example.test/prefix/action";
        RequestValidator validator = new RequestValidator(token);
        for (int round = 0; round < 50; round++) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("SessionStatus", random.nextBoolean() ? "ended" : "completed");
            form.put("CallSid", SimulatedCall.newSid("CA"));
            form.put("callStatus", "lower-case name sorts after upper-case");
            form.put("HandoffData", "{\"reason\":\"caller asked for a human\",\"n\":" + random.nextInt() + ",\"é\":\"ü\"}");
            form.put("Empty", "");
            String signature = TwilioSignature.sign(token, url, form);
            assertTrue(validator.validate(url, form, signature), "signed form " + form);
            Map<String, String> tampered = new LinkedHashMap<>(form);
            tampered.put("SessionStatus", "failed");
            assertFalse(validator.validate(url, tampered, signature), "tampered form " + tampered);
        }
    }
}
