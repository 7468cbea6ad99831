package app.switchboard.agent;

import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the agent behaves on every call; built from the app's settings.
 *
 * @param systemPrompt       persona, business facts and topic boundaries; sent as the system message
 * @param fallbackSentence   what the caller hears when the model fails or stays silent
 * @param firstTokenTimeout  no token within this time after the prompt: the fallback
 * @param dtmfIdle           key presses are gathered into one caller entry after this quiet time
 * @param maxAnswerChars     length cap per turn; the answer is cut there
 * @param refusalSentence    said instead of an answer that would quote the prompt or a secret
 * @param protectedSecrets   strings never to be spoken (API keys, tokens, internal codes)
 * @param guardQuoteWords    this many consecutive words of the system prompt count as quoting it
 * @param maxToolRounds      model requests per turn when tools keep being called
 */
public record AgentSettings(
        String systemPrompt,
        String fallbackSentence,
        Duration firstTokenTimeout,
        Duration dtmfIdle,
        int maxAnswerChars,
        String refusalSentence,
        List<String> protectedSecrets,
        int guardQuoteWords,
        int maxToolRounds) {

    public static final String DEFAULT_REFUSAL = "Sorry, I can't share that. Is there something else I can help you with?";

    public AgentSettings {
        protectedSecrets = protectedSecrets == null ? List.of() : List.copyOf(protectedSecrets);
        if (guardQuoteWords < 2) {
            throw new IllegalArgumentException("guardQuoteWords must be at least 2, was " + guardQuoteWords);
        }
    }

    public AgentSettings(String systemPrompt, String fallbackSentence, Duration firstTokenTimeout,
                         Duration dtmfIdle, int maxAnswerChars) {
        this(systemPrompt, fallbackSentence, firstTokenTimeout, dtmfIdle, maxAnswerChars,
                DEFAULT_REFUSAL, List.of(), 10, 3);
    }

    public static AgentSettings defaults() {
        return new AgentSettings(
                Settings.DEFAULT_SYSTEM_PROMPT,
                Settings.DEFAULT_FALLBACK_SENTENCE,
                Duration.ofSeconds(4),
                Duration.ofMillis(1500),
                1200);
    }

    /** The agent's settings from the user's settings; every secret the app knows is protected. */
    public static AgentSettings from(Settings settings, Secrets secrets) {
        AgentSettings d = defaults();
        List<String> protect = new ArrayList<>();
        if (secrets != null) {
            for (String s : new String[] {secrets.openAiApiKey(), secrets.twilioAuthToken(), secrets.keystorePassword()}) {
                if (s != null) {
                    protect.add(s);
                }
            }
        }
        return new AgentSettings(
                settings.systemPrompt == null || settings.systemPrompt.isBlank() ? d.systemPrompt() : settings.systemPrompt,
                settings.fallbackSentence == null || settings.fallbackSentence.isBlank() ? d.fallbackSentence() : settings.fallbackSentence,
                settings.firstTokenTimeoutMs > 0 ? Duration.ofMillis(settings.firstTokenTimeoutMs) : d.firstTokenTimeout(),
                d.dtmfIdle(), d.maxAnswerChars(), d.refusalSentence(), protect, d.guardQuoteWords(), d.maxToolRounds());
    }

    public AgentSettings withFirstTokenTimeout(Duration timeout) {
        return new AgentSettings(systemPrompt, fallbackSentence, timeout, dtmfIdle, maxAnswerChars,
                refusalSentence, protectedSecrets, guardQuoteWords, maxToolRounds);
    }

    public AgentSettings withDtmfIdle(Duration idle) {
        return new AgentSettings(systemPrompt, fallbackSentence, firstTokenTimeout, idle, maxAnswerChars,
                refusalSentence, protectedSecrets, guardQuoteWords, maxToolRounds);
    }

    public AgentSettings withMaxAnswerChars(int chars) {
        return new AgentSettings(systemPrompt, fallbackSentence, firstTokenTimeout, dtmfIdle, chars,
                refusalSentence, protectedSecrets, guardQuoteWords, maxToolRounds);
    }

    public AgentSettings withProtectedSecrets(List<String> secrets) {
        return new AgentSettings(systemPrompt, fallbackSentence, firstTokenTimeout, dtmfIdle, maxAnswerChars,
                refusalSentence, secrets, guardQuoteWords, maxToolRounds);
    }

    public AgentSettings withSystemPrompt(String prompt) {
        return new AgentSettings(prompt, fallbackSentence, firstTokenTimeout, dtmfIdle, maxAnswerChars,
                refusalSentence, protectedSecrets, guardQuoteWords, maxToolRounds);
    }

    /** Never prints the protected secrets. */
    @Override
    public String toString() {
        return "AgentSettings[firstTokenTimeout=" + firstTokenTimeout + ", dtmfIdle=" + dtmfIdle
                + ", maxAnswerChars=" + maxAnswerChars + ", protectedSecrets=" + protectedSecrets.size()
                + ", guardQuoteWords=" + guardQuoteWords + ", maxToolRounds=" + maxToolRounds + "]";
    }
}
