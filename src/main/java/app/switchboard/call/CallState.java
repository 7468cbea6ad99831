package app.switchboard.call;

/** What is happening on a call right now, as the supervisor sees it. */
public enum CallState {
    /** Socket open, Twilio plays the welcome greeting. */
    GREETING,
    /** Nobody speaks; the agent waits for the caller. */
    LISTENING,
    /** Partial transcripts are arriving. */
    CALLER_SPEAKING,
    /** The agent's answer is streaming out. */
    AI_SPEAKING,
    /** The supervisor holds the call; the agent only drafts. */
    SUPERVISOR,
    /** The relay session ended and no reconnect is expected. */
    ENDED;

    public String label() {
        return switch (this) {
            case GREETING -> "greeting";
            case LISTENING -> "listening";
            case CALLER_SPEAKING -> "caller speaking";
            case AI_SPEAKING -> "AI speaking";
            case SUPERVISOR -> "supervisor has control";
            case ENDED -> "ended";
        };
    }
}
