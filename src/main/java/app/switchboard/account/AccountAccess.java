package app.switchboard.account;

import app.switchboard.call.OutboundAttempts;
import app.switchboard.config.Secrets;
import java.nio.file.Path;

/**
 * The account side of the console, or why it cannot be used: the console shows the reason
 * where the numbers and the "Call a number…" action would be.
 */
public sealed interface AccountAccess {

    record Ready(TwilioAccount account) implements AccountAccess { }

    record Unavailable(String reason) implements AccountAccess { }

    /**
     * @param publicUrl the configured public URL; without one Twilio cannot reach the relay, so
     *                  pointing a number at it or calling out would only produce failed calls
     * @param dataDir   where the numbers' previous webhooks are kept
     */
    static AccountAccess open(Secrets secrets, String publicUrl, TwilioAccount.RelayUrls relay, Path dataDir,
                              OutboundAttempts attempts) {
        TwilioCredentials.Availability credentials = TwilioCredentials.from(secrets);
        if (credentials instanceof TwilioCredentials.Availability.Unavailable u) {
            return new Unavailable(u.reason());
        }
        if (publicUrl == null || publicUrl.isBlank()) {
            return new Unavailable("Set a public URL (Settings, or --public-url): Twilio cannot reach "
                    + "this relay at its local address");
        }
        TwilioCredentials available = ((TwilioCredentials.Availability.Available) credentials).credentials();
        return new Ready(TwilioAccount.connect(available, relay, PreviousWebhooks.in(dataDir), attempts));
    }
}
