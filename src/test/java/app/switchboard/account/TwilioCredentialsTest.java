package app.switchboard.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.account.TwilioCredentials.Availability;
import app.switchboard.config.Secrets;
import app.switchboard.call.OutboundAttempts;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

class TwilioCredentialsTest {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";

    private static Availability from(Map<String, String> env) {
        return TwilioCredentials.from(Secrets.from(env));
    }

    private static String reason(Map<String, String> env) {
        return assertInstanceOf(Availability.Unavailable.class, from(env)).reason();
    }

    @Test
    void withoutAnAccountSidTheAccountIsUnavailableAndSaysWhy() {
        assertEquals("TWILIO_ACCOUNT_SID is not set", reason(Map.of("TWILIO_AUTH_TOKEN", "t0ken-value")));
    }

    @Test
    void anAccountSidAloneIsNotEnough() {
        assertEquals("Set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET",
                reason(Map.of("TWILIO_ACCOUNT_SID", SID)));
    }

    @Test
    void aKeyWithoutItsSecretIsReported() {
        assertEquals("TWILIO_API_KEY is set but TWILIO_API_SECRET is not",
                reason(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_API_KEY", "SK1")));
    }

    @Test
    void aKeySidInPlaceOfTheAccountSidIsReported() {
        assertEquals("TWILIO_ACCOUNT_SID should start with AC (the account SID, not a key)",
                reason(Map.of("TWILIO_ACCOUNT_SID", "SK0123", "TWILIO_AUTH_TOKEN", "t0ken-value")));
    }

    @Test
    void accountSidAndTokenAuthenticateAsTheAccount() {
        TwilioCredentials c = assertInstanceOf(Availability.Available.class,
                from(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", "t0ken-value"))).credentials();
        assertEquals(new TwilioCredentials(SID, SID, "t0ken-value"), c);
        assertFalse(c.usesApiKey());
    }

    @Test
    void anApiKeyIsPreferredOverTheAuthToken() {
        TwilioCredentials c = assertInstanceOf(Availability.Available.class, from(Map.of("TWILIO_ACCOUNT_SID", SID,
                "TWILIO_AUTH_TOKEN", "t0ken-value", "TWILIO_API_KEY", "SKkey", "TWILIO_API_SECRET", "s3cret-value")))
                .credentials();
        assertEquals(new TwilioCredentials(SID, "SKkey", "s3cret-value"), c);
    }

    @Test
    void toStringNeverShowsTheSecret() {
        String shown = new TwilioCredentials(SID, SID, "t0ken-value-abcdef").toString();
        assertFalse(shown.contains("t0ken-value"), shown);
        String secrets = Secrets.from(Map.of("TWILIO_API_SECRET", "s3cret-value-abcdef")).toString();
        assertFalse(secrets.contains("s3cret-value"), secrets);
    }

    @Test
    void withoutAPublicUrlTheAccountSideIsUnavailableSinceTwilioCouldNotReachTheRelay(@TempDir Path dataDir) {
        AccountAccess access = AccountAccess.open(Secrets.from(Map.of("TWILIO_ACCOUNT_SID", SID,
                        "TWILIO_AUTH_TOKEN", "t0ken-value")), null,
                new TwilioAccount.RelayUrls("https://127.0.0.1:8443/twiml", "https://127.0.0.1:8443/status"), dataDir,
                new OutboundAttempts(Clock.systemUTC()));
        assertTrue(assertInstanceOf(AccountAccess.Unavailable.class, access).reason().startsWith("Set a public URL"));
    }

    @Test
    void withCredentialsAndAPublicUrlTheAccountIsReadyForThatAccount(@TempDir Path dataDir) {
        AccountAccess access = AccountAccess.open(Secrets.from(Map.of("TWILIO_ACCOUNT_SID", SID,
                        "TWILIO_AUTH_TOKEN", "t0ken-value")), "https://calls.example.test",
                new TwilioAccount.RelayUrls("https://calls.example.test/twiml", "https://calls.example.test/status"),
                dataDir, new OutboundAttempts(Clock.systemUTC()));
        assertEquals(SID, assertInstanceOf(AccountAccess.Ready.class, access).account().accountSid());
    }
}
