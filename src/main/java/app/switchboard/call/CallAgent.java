package app.switchboard.call;

import java.util.List;

/**
 * The voice on the call: what answers the caller. One per call, created by an
 * {@link CallAgent.Factory}; every method is called on the call's own executor, and the agent
 * hands its own asynchronous results (tokens, faults) back to that executor through
 * {@link AgentPort#execute}.
 */
public interface CallAgent {

    /** A final caller utterance (or buffered DTMF). Starts a turn, or a draft while the supervisor holds the call. */
    void onCallerTurn(String text, String lang);

    void onDtmf(String digit);

    /** Twilio reports the caller barged in after hearing {@code heard}. */
    void onCallerInterrupt(String heard, Long durationMs);

    /** The supervisor stopped the agent mid-answer. */
    void onSupervisorInterrupt();

    /** The supervisor spoke {@code text} in the agent's voice; it joins the history as the assistant's words. */
    void onSupervisorSaid(String text);

    /** Guidance for the next turns, never spoken. */
    void onWhisper(String guidance);

    void onTakeOver();

    void onRelease();

    /** The call is over; cancel anything in flight. */
    void close();

    /**
     * The call goes on from its record (the relay restarted while it lived): rebuild, from the
     * stored events, what the model should see next, as this agent would have built it live.
     * Called once, before any frame of the resumed call. An agent that keeps nothing ignores it.
     */
    default void restore(List<CallEvent> record) {
    }

    /** Creates the agent of one call. */
    @FunctionalInterface
    interface Factory {
        CallAgent create(AgentPort port);
    }

    /** A factory whose agent stays silent; for tests of the relay alone. */
    static Factory silent() {
        return port -> new CallAgent() {
            @Override public void onCallerTurn(String text, String lang) { }
            @Override public void onDtmf(String digit) { }
            @Override public void onCallerInterrupt(String heard, Long durationMs) { }
            @Override public void onSupervisorInterrupt() { }
            @Override public void onSupervisorSaid(String text) { }
            @Override public void onWhisper(String guidance) { }
            @Override public void onTakeOver() { }
            @Override public void onRelease() { }
            @Override public void close() { }
        };
    }
}
