package app.switchboard.account;

import static app.switchboard.account.TwilioResponses.callsPath;
import static app.switchboard.account.TwilioResponses.error;
import static app.switchboard.account.TwilioResponses.number;
import static app.switchboard.account.TwilioResponses.numberPath;
import static app.switchboard.account.TwilioResponses.numbersPage;
import static app.switchboard.account.TwilioResponses.numbersPath;
import static app.switchboard.account.TwilioResponses.queuedCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.OutboundAttempt;
import app.switchboard.call.OutboundAttempts;
import app.switchboard.call.OutboundStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link TwilioAccount} through the twilio SDK's own HTTP path, against a local fake of Twilio's REST API. */
@Timeout(30)
class TwilioAccountTest {

    static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    static final String TOKEN = "fake-token-7d1e4c9b2a6f";
    static final String PN1 = "PN11111111111111111111111111111111";
    static final String PN2 = "PN22222222222222222222222222222222";
    static final String CALL = "CA99999999999999999999999999999999";
    static final TwilioAccount.RelayUrls RELAY = new TwilioAccount.RelayUrls(
            "https://relay.example.test/twiml", "https://relay.example.test/status");

    @TempDir
    Path dataDir;

    private FakeTwilioApi twilio;
    private final OutboundAttempts attempts = new OutboundAttempts(Clock.systemUTC());

    @BeforeEach
    void start() throws Exception {
        twilio = new FakeTwilioApi();
    }

    @AfterEach
    void stop() throws Exception {
        twilio.close();
    }

    private TwilioAccount account(TwilioCredentials credentials, PreviousWebhooks previous) {
        return new TwilioAccount(TwilioAccount.client(credentials, twilio.httpClient()), RELAY, previous, attempts);
    }

    private TwilioAccount account() {
        return account(new TwilioCredentials(ACCOUNT, ACCOUNT, TOKEN), PreviousWebhooks.inMemory());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void requestsCarryBasicAuthenticationWithAccountSidAndToken() {
        twilio.reply("GET", numbersPath(ACCOUNT), 200, numbersPage(ACCOUNT, 0, null));
        account().numbers();
        FakeTwilioApi.Received request = twilio.received().get(0);
        assertEquals(basic(ACCOUNT, TOKEN), request.authorization());
        assertEquals("api.twilio.com", request.host(), "the SDK still addresses Twilio; only the route is local");
    }

    @Test
    void apiKeyAuthenticatesWithKeyAndSecretButNamesTheAccountInThePath() {
        twilio.reply("GET", numbersPath(ACCOUNT), 200, numbersPage(ACCOUNT, 0, null));
        account(new TwilioCredentials(ACCOUNT, "SK0123456789abcdef0123456789abcdef", "key-secret-x"),
                PreviousWebhooks.inMemory()).numbers();
        FakeTwilioApi.Received request = twilio.received().get(0);
        assertEquals(basic("SK0123456789abcdef0123456789abcdef", "key-secret-x"), request.authorization());
        assertEquals(numbersPath(ACCOUNT), request.path());
    }

    @Test
    void numbersFollowNextPageUriAcrossTwoPages() {
        String next = numbersPath(ACCOUNT) + "?PageSize=50&Page=1&PageToken=PAPN11111111111111111111111111111111";
        twilio.reply("GET", numbersPath(ACCOUNT), 200, numbersPage(ACCOUNT, 0, next,
                        number(ACCOUNT, PN1, "+15550100001", "https://demo.twilio.com/welcome/voice/", null)))
                .reply("GET", numbersPath(ACCOUNT), 200, numbersPage(ACCOUNT, 1, null,
                        number(ACCOUNT, PN2, "+15550100002", "", "AP33333333333333333333333333333333")));

        List<AccountNumber> numbers = account().numbers();

        assertEquals(List.of("+15550100001", "+15550100002"), numbers.stream().map(AccountNumber::phoneNumber).toList());
        assertEquals("POST https://demo.twilio.com/welcome/voice/", numbers.get(0).voice().describe());
        assertEquals("TwiML application AP33333333333333333333333333333333", numbers.get(1).voice().describe());
        List<FakeTwilioApi.Received> requests = twilio.received();
        assertEquals(2, requests.size());
        assertEquals(List.of("50"), requests.get(0).queryParams().get("PageSize"));
        assertEquals(List.of("PAPN11111111111111111111111111111111"), requests.get(1).queryParams().get("PageToken"));
    }

    @Test
    void pointingAtTheRelayPostsVoiceUrlAndMethodAndRestorePutsThePreviousBack() {
        String old = "https://old.example.test/voice";
        String relayed = number(ACCOUNT, PN1, "+15550100001", RELAY.twimlUrl(), null);
        twilio.reply("GET", numberPath(ACCOUNT, PN1), 200, number(ACCOUNT, PN1, "+15550100001", old, null))
                .reply("POST", numberPath(ACCOUNT, PN1), 200, relayed)
                .reply("POST", numberPath(ACCOUNT, PN1), 200, number(ACCOUNT, PN1, "+15550100001", old, null));
        PreviousWebhooks previous = PreviousWebhooks.in(dataDir);
        TwilioAccount account = account(new TwilioCredentials(ACCOUNT, ACCOUNT, TOKEN), previous);

        AccountNumber pointed = account.pointAtRelay(PN1);
        assertTrue(pointed.voice().pointsAt(RELAY.twimlUrl()));
        FakeTwilioApi.Received update = twilio.received().get(1);
        assertEquals("POST", update.method());
        assertTrue(update.contentType().startsWith("application/x-www-form-urlencoded"), update.contentType());
        assertEquals(RELAY.twimlUrl(), update.formValue("VoiceUrl"));
        assertEquals("POST", update.formValue("VoiceMethod"));
        assertFalse(update.form().containsKey("VoiceApplicationSid"), "no application to clear");
        assertEquals(old, PreviousWebhooks.in(dataDir).previous(PN1).orElseThrow().url(), "kept across a restart");

        account.restore(PN1);
        FakeTwilioApi.Received restore = twilio.received().get(2);
        assertEquals(old, restore.formValue("VoiceUrl"));
        assertEquals("POST", restore.formValue("VoiceMethod"));
        assertTrue(PreviousWebhooks.in(dataDir).previous(PN1).isEmpty(), "forgotten once restored");
    }

    @Test
    void pointingANumberThatUsesAnApplicationClearsItAndRestoreSetsItAgain() {
        String app = "AP33333333333333333333333333333333";
        twilio.reply("GET", numberPath(ACCOUNT, PN2), 200, number(ACCOUNT, PN2, "+15550100002", "", app))
                .reply("POST", numberPath(ACCOUNT, PN2), 200, number(ACCOUNT, PN2, "+15550100002", RELAY.twimlUrl(), null))
                .reply("POST", numberPath(ACCOUNT, PN2), 200, number(ACCOUNT, PN2, "+15550100002", "", app));
        TwilioAccount account = account();

        account.pointAtRelay(PN2);
        assertEquals(List.of(""), twilio.received().get(1).form().get("VoiceApplicationSid"));
        account.restore(PN2);
        assertEquals(app, twilio.received().get(2).formValue("VoiceApplicationSid"));
    }

    @Test
    void pointingTwiceKeepsTheOriginalWebhookNotTheRelay() {
        String old = "https://old.example.test/voice";
        twilio.reply("GET", numberPath(ACCOUNT, PN1), 200, number(ACCOUNT, PN1, "+15550100001", old, null))
                .reply("POST", numberPath(ACCOUNT, PN1), 200, number(ACCOUNT, PN1, "+15550100001", RELAY.twimlUrl(), null))
                .reply("GET", numberPath(ACCOUNT, PN1), 200, number(ACCOUNT, PN1, "+15550100001", RELAY.twimlUrl(), null));
        TwilioAccount account = account();
        account.pointAtRelay(PN1);
        account.pointAtRelay(PN1);
        assertEquals(old, account.previousWebhook(PN1).orElseThrow().url());
        assertEquals(3, twilio.received().size(), "already pointed: no second update");
    }

    @Test
    void restoreWithNothingKeptSaysSoWithoutCallingTwilio() {
        TwilioAccountException e = assertThrows(TwilioAccountException.class, () -> account().restore(PN1));
        assertTrue(e.getMessage().startsWith("Nothing to restore"), e.getMessage());
        assertTrue(twilio.received().isEmpty());
    }

    @Test
    void outboundCallPostsToFromUrlAndStatusCallbackWithItsEvents() {
        twilio.reply("POST", callsPath(ACCOUNT), 201, queuedCall(ACCOUNT, CALL, "+15550100001", "+15550109876"));

        PlacedCall placed = account().call("+15550100001", " +15550109876 ");

        assertEquals(new PlacedCall(CALL, "+15550100001", "+15550109876", OutboundStatus.QUEUED), placed);
        FakeTwilioApi.Received create = twilio.received().get(0);
        assertEquals(basic(ACCOUNT, TOKEN), create.authorization());
        assertEquals("+15550109876", create.formValue("To"));
        assertEquals("+15550100001", create.formValue("From"));
        assertEquals(RELAY.twimlUrl(), create.formValue("Url"));
        assertEquals("POST", create.formValue("Method"));
        assertEquals(RELAY.statusUrl(), create.formValue("StatusCallback"));
        assertEquals("POST", create.formValue("StatusCallbackMethod"));
        assertEquals(List.of("initiated", "ringing", "answered", "completed"), create.form().get("StatusCallbackEvent"));
        OutboundAttempt listed = attempts.list().get(0);
        assertEquals(CALL, listed.callSid());
        assertEquals(OutboundStatus.QUEUED, listed.status());
    }

    @Test
    void wrongCredentialsAreReportedAs20003WithWhatToCheck() {
        twilio.reply("GET", numbersPath(ACCOUNT), 401, error(20003, "Authenticate", 401));
        TwilioAccountException e = assertThrows(TwilioAccountException.class, () -> account().numbers());
        assertEquals(20003, e.code());
        assertEquals(401, e.httpStatus());
        assertTrue(e.getMessage().startsWith("Could not list the account's phone numbers (Twilio error 20003)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"), e.getMessage());
    }

    @Test
    void invalidNumberIsReportedAs21211AndListsNoAttempt() {
        twilio.reply("POST", callsPath(ACCOUNT), 400,
                error(21211, "The 'To' number 5551234567 is not a valid phone number.", 400));
        TwilioAccountException e = assertThrows(TwilioAccountException.class,
                () -> account().call("+15550100001", "5551234567"));
        assertEquals(21211, e.code());
        assertTrue(e.getMessage().contains("type it in international form"), e.getMessage());
        assertTrue(e.getMessage().contains("The 'To' number 5551234567 is not a valid phone number"), e.getMessage());
        assertTrue(attempts.list().isEmpty());
    }

    @Test
    void unreachableTwilioIsReportedWithoutACode() throws Exception {
        TwilioAccount account = account();
        twilio.close(); // nothing listens on its port any more
        TwilioAccountException e = assertThrows(TwilioAccountException.class, account::numbers);
        assertEquals(0, e.code());
        assertTrue(e.getMessage().startsWith("Could not list the account's phone numbers"), e.getMessage());
    }
}
