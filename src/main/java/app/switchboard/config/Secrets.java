package app.switchboard.config;

import java.util.Map;

/**
 * Secrets come from the environment only: never written to settings, logs or the screen.
 * {@link #toString()} and {@link #masked} show at most the last four characters.
 */
public record Secrets(String openAiApiKey, String openAiBaseUrl, String openAiModel,
                      String twilioAuthToken, String twilioAccountSid, String keystorePassword,
                      String twilioApiKey, String twilioApiSecret) {

    public static Secrets fromEnvironment() {
        return from(System.getenv());
    }

    public static Secrets from(Map<String, String> env) {
        return new Secrets(blank(env.get("OPENAI_API_KEY")), blank(env.get("OPENAI_BASE_URL")),
                blank(env.get("OPENAI_MODEL")), blank(env.get("TWILIO_AUTH_TOKEN")),
                blank(env.get("TWILIO_ACCOUNT_SID")), blank(env.get("SWITCHBOARD_KEYSTORE_PASSWORD")),
                blank(env.get("TWILIO_API_KEY")), blank(env.get("TWILIO_API_SECRET")));
    }

    public Secrets withTwilioAuthToken(String token) {
        return new Secrets(openAiApiKey, openAiBaseUrl, openAiModel, token, twilioAccountSid, keystorePassword,
                twilioApiKey, twilioApiSecret);
    }

    public boolean hasOpenAiKey() {
        return openAiApiKey != null;
    }

    public boolean verifiesSignatures() {
        return twilioAuthToken != null;
    }

    public static String masked(String secret) {
        if (secret == null) {
            return "(not set)";
        }
        return secret.length() <= 8 ? "••••" : "••••" + secret.substring(secret.length() - 4);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "Secrets[openAiApiKey=" + masked(openAiApiKey) + ", openAiBaseUrl=" + openAiBaseUrl
                + ", openAiModel=" + openAiModel + ", twilioAuthToken=" + masked(twilioAuthToken)
                + ", twilioAccountSid=" + twilioAccountSid + ", keystorePassword=" + masked(keystorePassword)
                + ", twilioApiKey=" + twilioApiKey + ", twilioApiSecret=" + masked(twilioApiSecret) + "]";
    }
}
