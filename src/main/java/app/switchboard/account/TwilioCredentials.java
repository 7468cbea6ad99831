package app.switchboard.account;

import app.switchboard.config.Secrets;

/**
 * What the REST client authenticates with: the account SID, and either the account's auth
 * token or an API key and its secret (Basic authentication either way). Built from the
 * environment only; {@link #toString()} never shows the secret.
 *
 * @param accountSid the {@code AC…} every request path names
 * @param username   the account SID, or the API key SID ({@code SK…})
 * @param password   the auth token, or the API key secret
 */
public record TwilioCredentials(String accountSid, String username, String password) {

    /** Whether the account side can be used, and if not, why (shown to the supervisor as is). */
    public sealed interface Availability {
        record Available(TwilioCredentials credentials) implements Availability { }

        record Unavailable(String reason) implements Availability { }
    }

    /**
     * An API key is preferred over the auth token when both are set: it can be revoked alone
     * and need not carry the account's full rights.
     */
    public static Availability from(Secrets secrets) {
        String sid = secrets.twilioAccountSid();
        if (sid == null) {
            return new Availability.Unavailable("TWILIO_ACCOUNT_SID is not set");
        }
        if (!sid.startsWith("AC")) {
            return new Availability.Unavailable("TWILIO_ACCOUNT_SID should start with AC (the account SID, not a key)");
        }
        String key = secrets.twilioApiKey();
        String keySecret = secrets.twilioApiSecret();
        if (key != null && keySecret == null) {
            return new Availability.Unavailable("TWILIO_API_KEY is set but TWILIO_API_SECRET is not");
        }
        if (key == null && keySecret != null) {
            return new Availability.Unavailable("TWILIO_API_SECRET is set but TWILIO_API_KEY is not");
        }
        if (key != null) {
            return new Availability.Available(new TwilioCredentials(sid, key, keySecret));
        }
        if (secrets.twilioAuthToken() != null) {
            return new Availability.Available(new TwilioCredentials(sid, sid, secrets.twilioAuthToken()));
        }
        return new Availability.Unavailable("Set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET");
    }

    public boolean usesApiKey() {
        return !username.equals(accountSid);
    }

    @Override
    public String toString() {
        return "TwilioCredentials[accountSid=" + accountSid + ", username=" + username
                + ", password=" + Secrets.masked(password) + "]";
    }
}
