package app.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real vectors of protocol.md §6, through the twilio SDK's RequestValidator. */
class TwilioSignaturesTest {

    private static final String WSS_TOKEN = "c0e4d9d4fff66d194f3101ccd7c3a38c";
    private static final String WSS_URL = "wss://70cd1a93aa44.ngrok-free.app/";
    private static final String WSS_SIGNATURE = "CSS4F/5/iw8S6Zkm3aULeNJaVC8=";

    @Test
    void realTwilioUpgradeSignatureValidatesOverTheExactWssUrl() {
        TwilioSignatures signatures = new TwilioSignatures(List.of(WSS_TOKEN));
        assertTrue(signatures.validUpgrade(WSS_URL, WSS_SIGNATURE));
    }

    @Test
    void upgradeSignatureFailsForAnyOtherFormOfTheUrl() {
        TwilioSignatures signatures = new TwilioSignatures(List.of(WSS_TOKEN));
        assertFalse(signatures.validUpgrade("wss://70cd1a93aa44.ngrok-free.app", WSS_SIGNATURE));
        assertFalse(signatures.validUpgrade("https://70cd1a93aa44.ngrok-free.app/", WSS_SIGNATURE));
    }

    @Test
    void twilioDocumentedWebhookVectorValidates() {
        TwilioSignatures signatures = new TwilioSignatures(List.of("12345"));
        Map<String, String> params = Map.of("CallSid", "CA1234567890ABCDE", "Caller", "+12349013030",
                "Digits", "1234", "From", "+12349013030", "To", "+18005551212");
        assertTrue(signatures.validWebhook("https://mycompany.com/myapp.php?foo=1&bar=2", params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        assertFalse(signatures.validWebhook("https://mycompany.com/myapp.php?foo=1&bar=2",
                Map.of("CallSid", "CA1234567890ABCDE"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }

    @Test
    void missingOrForgedSignaturesAreRefusedWhenATokenIsSet() {
        TwilioSignatures signatures = new TwilioSignatures(List.of(WSS_TOKEN));
        assertFalse(signatures.validUpgrade(WSS_URL, null));
        assertFalse(signatures.validUpgrade(WSS_URL, ""));
        assertFalse(signatures.validUpgrade(WSS_URL, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    }

    @Test
    void eitherTokenValidatesDuringARotation() {
        TwilioSignatures signatures = new TwilioSignatures(List.of("new-token-not-yet-used", WSS_TOKEN));
        assertTrue(signatures.validUpgrade(WSS_URL, WSS_SIGNATURE));
    }

    @Test
    void withoutATokenEverythingPassesAndTheRelaySaysSo() {
        TwilioSignatures signatures = new TwilioSignatures(List.of());
        assertFalse(signatures.enabled());
        assertTrue(signatures.validUpgrade(WSS_URL, null));
    }
}
