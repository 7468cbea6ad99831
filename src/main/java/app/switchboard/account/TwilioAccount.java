package app.switchboard.account;

import app.switchboard.call.OutboundAttempts;
import app.switchboard.call.OutboundStatus;
import com.twilio.exception.TwilioException;
import com.twilio.http.HttpMethod;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.IncomingPhoneNumber;
import com.twilio.rest.api.v2010.account.IncomingPhoneNumberUpdater;
import com.twilio.type.PhoneNumber;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Twilio account through the SDK's REST client: the account's numbers, pointing one at
 * this relay and back, and outbound calls that Twilio connects to the relay through
 * {@code /twiml}. Every method blocks on the network: call it off the FX thread. Failures are
 * {@link TwilioAccountException}s worded for the supervisor.
 */
public final class TwilioAccount {

    private static final Logger LOG = LoggerFactory.getLogger(TwilioAccount.class);

    /** Twilio's largest page is 1000; 50 keeps each answer small while a typical account fits in one. */
    static final int PAGE_SIZE = 50;
    /** A console lists numbers to pick from; past this many, the Twilio console is the better tool. */
    static final int MAX_NUMBERS = 1000;
    static final List<String> STATUS_EVENTS = List.of("initiated", "ringing", "answered", "completed");

    /** Where Twilio reaches this relay. */
    public record RelayUrls(String twimlUrl, String statusUrl) { }

    private final TwilioRestClient client;
    private final String accountSid;
    private final RelayUrls relay;
    private final PreviousWebhooks previous;
    private final OutboundAttempts attempts;

    /** @param client the SDK client; tests hand in one whose HTTP client reaches a local fake */
    public TwilioAccount(TwilioRestClient client, RelayUrls relay, PreviousWebhooks previous, OutboundAttempts attempts) {
        this.client = client;
        this.accountSid = client.getAccountSid();
        this.relay = relay;
        this.previous = previous;
        this.attempts = attempts;
    }

    public static TwilioAccount connect(TwilioCredentials credentials, RelayUrls relay, PreviousWebhooks previous,
                                        OutboundAttempts attempts) {
        return new TwilioAccount(client(credentials, new NetworkHttpClient()), relay, previous, attempts);
    }

    /** The SDK client for these credentials over {@code http}. */
    public static TwilioRestClient client(TwilioCredentials credentials, com.twilio.http.HttpClient http) {
        return new TwilioRestClient.Builder(credentials.username(), credentials.password())
                .accountSid(credentials.accountSid())
                .httpClient(http)
                .build();
    }

    public String accountSid() {
        return accountSid;
    }

    public RelayUrls relayUrls() {
        return relay;
    }

    /** Every incoming number of the account (following Twilio's pages), at most {@value #MAX_NUMBERS}. */
    public List<AccountNumber> numbers() {
        return twilio("list the account's phone numbers", () -> {
            List<AccountNumber> numbers = new ArrayList<>();
            for (IncomingPhoneNumber n : IncomingPhoneNumber.reader(accountSid).pageSize(PAGE_SIZE)
                    .limit(MAX_NUMBERS).read(client)) {
                numbers.add(toNumber(n));
            }
            return numbers;
        });
    }

    /** One number as Twilio has it now: what the supervisor confirms before it is changed. */
    public AccountNumber number(String numberSid) {
        return twilio("read number " + numberSid,
                () -> toNumber(IncomingPhoneNumber.fetcher(accountSid, numberSid).fetch(client)));
    }

    /**
     * Points the number's voice webhook at {@code /twiml} (POST), first keeping what it was so
     * {@link #restore} can put it back; pointing it again keeps the first value.
     */
    public AccountNumber pointAtRelay(String numberSid) {
        AccountNumber current = number(numberSid);
        if (current.voice().pointsAt(relay.twimlUrl())) {
            return current;
        }
        if (previous.previous(numberSid).isEmpty()) {
            previous.remember(numberSid, current.voice());
        }
        AccountNumber updated = update("point " + current.phoneNumber() + " at this relay", numberSid,
                new VoiceWebhook(relay.twimlUrl(), "POST", ""), !current.voice().applicationSid().isEmpty());
        LOG.info("Pointed {} ({}) at {}; was {}", updated.phoneNumber(), numberSid, relay.twimlUrl(),
                current.voice().describe());
        return updated;
    }

    /** What {@link #restore} would put back, if anything was kept. */
    public java.util.Optional<VoiceWebhook> previousWebhook(String numberSid) {
        return previous.previous(numberSid);
    }

    /** Puts back the voice webhook the number had before {@link #pointAtRelay}. */
    public AccountNumber restore(String numberSid) {
        VoiceWebhook before = previous.previous(numberSid).orElseThrow(() -> new TwilioAccountException(
                "Nothing to restore: this relay has not changed number " + numberSid, 0, 0));
        AccountNumber restored = update("restore the voice webhook of " + numberSid, numberSid, before, true);
        previous.forget(numberSid);
        LOG.info("Restored {} ({}) to {}", restored.phoneNumber(), numberSid, before.describe());
        return restored;
    }

    private AccountNumber update(String doing, String numberSid, VoiceWebhook target, boolean setApplication) {
        return twilio(doing, () -> {
            IncomingPhoneNumberUpdater updater = IncomingPhoneNumber.updater(accountSid, numberSid)
                    .setVoiceUrl(target.url())
                    .setVoiceMethod(HttpMethod.valueOf(target.method().toUpperCase(java.util.Locale.ROOT)));
            if (setApplication) {
                // An application SID wins over the URL at Twilio: clear it (or put it back).
                updater.setVoiceApplicationSid(target.applicationSid());
            }
            return toNumber(updater.update(client));
        });
    }

    /**
     * Twilio calls {@code to} from the account number {@code from}; when answered it fetches
     * {@code /twiml}, so the call reaches the relay like an inbound one. Its progress arrives at
     * {@code /status} and is listed in {@link OutboundAttempts}.
     */
    public PlacedCall call(String from, String to) {
        if (from == null || from.isBlank()) {
            throw new TwilioAccountException("Choose one of the account's numbers to call from", 0, 0);
        }
        if (to == null || to.isBlank()) {
            throw new TwilioAccountException("Type the number to call", 0, 0);
        }
        String callee = to.strip();
        Call call = twilio("call " + callee, () -> Call.creator(accountSid, new PhoneNumber(callee), new PhoneNumber(from),
                        URI.create(relay.twimlUrl()))
                .setMethod(HttpMethod.POST)
                .setStatusCallback(relay.statusUrl())
                .setStatusCallbackMethod(HttpMethod.POST)
                .setStatusCallbackEvent(STATUS_EVENTS)
                .create(client));
        OutboundStatus status = call.getStatus() == null ? OutboundStatus.QUEUED
                : OutboundStatus.fromTwilio(call.getStatus().toString());
        attempts.placed(call.getSid(), from, callee, status);
        LOG.info("Placed outbound call {} from {} to {}", call.getSid(), from, callee);
        return new PlacedCall(call.getSid(), from, callee, status);
    }

    private static AccountNumber toNumber(IncomingPhoneNumber n) {
        return new AccountNumber(n.getSid(), n.getPhoneNumber() == null ? "" : n.getPhoneNumber().toString(),
                n.getFriendlyName() == null ? "" : n.getFriendlyName(),
                new VoiceWebhook(n.getVoiceUrl() == null ? "" : n.getVoiceUrl().toString(),
                        n.getVoiceMethod() == null ? "" : n.getVoiceMethod().toString(), n.getVoiceApplicationSid()));
    }

    private static <T> T twilio(String doing, Supplier<T> request) {
        try {
            return request.get();
        } catch (TwilioException e) {
            throw TwilioAccountException.from(doing, e);
        }
    }
}
