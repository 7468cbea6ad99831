package app.switchboard.account;

/**
 * One of the account's incoming phone numbers.
 *
 * @param sid          {@code PN…}
 * @param phoneNumber  E.164
 * @param friendlyName as named in the Twilio console
 * @param voice        where its calls go now
 */
public record AccountNumber(String sid, String phoneNumber, String friendlyName, VoiceWebhook voice) {
}
