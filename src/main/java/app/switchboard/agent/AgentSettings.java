package app.switchboard.agent;

import java.time.Duration;

/** How the agent behaves on every call; built from the app's settings. */
public record AgentSettings(
        String systemPrompt,
        String fallbackSentence,
        Duration firstTokenTimeout,
        Duration dtmfIdle,
        int maxAnswerChars) {

    public static AgentSettings defaults() {
        return new AgentSettings(
                "You are the friendly phone assistant of Acme Telecom. Answer briefly, in plain spoken "
                        + "sentences without lists or markup. Help with bills, payments, opening hours and "
                        + "account questions; for anything else, offer to hand the caller to a person.",
                "Sorry, I am having trouble right now. Please give me a moment, or ask again.",
                Duration.ofSeconds(4),
                Duration.ofMillis(1500),
                1200);
    }
}
