package app.switchboard.account;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;

/**
 * A REST request Twilio refused or that never reached it, with a message written for the
 * supervisor: what was being done, what Twilio said, and what to check. Never carries a secret:
 * it is built from Twilio's error body, which holds none.
 */
public final class TwilioAccountException extends RuntimeException {

    /** Twilio's error code (20003, 21211, …), or 0 when Twilio was not reached. */
    private final int code;
    /** The HTTP status, or 0 when Twilio was not reached. */
    private final int httpStatus;

    public TwilioAccountException(String message, int code, int httpStatus) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** @param doing what was attempted, as the end of "Could not …" */
    static TwilioAccountException from(String doing, TwilioException e) {
        if (e instanceof ApiConnectionException) {
            return new TwilioAccountException("Could not " + doing + ": Twilio could not be reached ("
                    + e.getMessage() + ")", 0, 0);
        }
        if (e instanceof ApiException api && api.getCode() != null) {
            int code = api.getCode();
            int status = api.getStatusCode() == null ? 0 : api.getStatusCode();
            String said = api.getMessage();
            String advice = switch (code) {
                case 20003 -> "Twilio refused the credentials. Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
                        + " (or TWILIO_API_KEY and TWILIO_API_SECRET) in the environment the app was started from.";
                case 21211 -> "The number to call is not valid: type it in international form, e.g. +14155550100.";
                case 21210, 21212 -> "The number to call from is not one Twilio lets this account use as caller ID.";
                case 21219 -> "A trial account can only call numbers verified in the Twilio console.";
                case 21215 -> "The account's geographic permissions do not allow calling that country.";
                case 20404 -> "Twilio has no such number or call on this account.";
                default -> null;
            };
            String info = api.getMoreInfo() == null ? "" : " See " + api.getMoreInfo();
            String message = "Could not " + doing + " (Twilio error " + code + "): "
                    + (advice == null ? said : advice + " Twilio said: " + said) + "." + info;
            return new TwilioAccountException(message.replace("..", "."), code, status);
        }
        return new TwilioAccountException("Could not " + doing + ": " + e.getMessage(), 0, 0);
    }
}
