package app.switchboard.account;

/**
 * Where a number sends its incoming calls: a URL and method, or a TwiML application (which,
 * when set, Twilio uses instead of the URL).
 *
 * @param url            {@code voice_url}; empty when none
 * @param method         {@code voice_method}, e.g. {@code POST}
 * @param applicationSid {@code voice_application_sid}; empty when none
 */
public record VoiceWebhook(String url, String method, String applicationSid) {

    public VoiceWebhook {
        url = url == null ? "" : url;
        method = method == null || method.isBlank() ? "POST" : method;
        applicationSid = applicationSid == null ? "" : applicationSid;
    }

    public boolean pointsAt(String twimlUrl) {
        return applicationSid.isEmpty() && url.equals(twimlUrl) && method.equalsIgnoreCase("POST");
    }

    /** For the confirmation the supervisor sees before anything is changed. */
    public String describe() {
        if (!applicationSid.isEmpty()) {
            return "TwiML application " + applicationSid;
        }
        return url.isEmpty() ? "(no voice URL)" : method + " " + url;
    }
}
