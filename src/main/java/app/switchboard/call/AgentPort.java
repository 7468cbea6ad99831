package app.switchboard.call;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import java.time.Clock;
import java.util.List;

/** What an agent may do with its call. All methods must be called on the call's executor. */
public interface AgentPort {

    String callId();

    /** Runs a task on the call's executor (for results arriving on other threads). */
    void execute(Runnable task);

    /** Encodes and sends one frame; returns false (and records why) when it could not be sent. */
    boolean send(OutboundMessage message);

    CallEvent record(EventPayload payload);

    /**
     * Records one {@code AGENT_TOKEN} and sends the token as one preemptible {@code text} frame
     * ({@link SentFrames#agentTokenFrame}); no {@code FRAME_SENT} is recorded for it, so a token
     * costs one event. Returns false (and records why) when it could not be sent.
     */
    boolean sendAgentToken(long turn, String token);

    /**
     * Ends the relay session with {@code handoffData} for the action webhook. The call's own
     * implementation also marks the end as requested and closes the agent.
     */
    default boolean sendEnd(String handoffData) {
        return send(new OutboundMessage.End(handoffData));
    }

    void setState(CallState state);

    CallState state();

    /** True while the supervisor has taken over: caller turns produce drafts, not speech. */
    boolean supervisorHolds();

    /** The setup frame of the current relay session, or null before one arrived. */
    InboundMessage.Setup setup();

    /** Language codes configured as {@code <Language>} elements, the ones the agent may switch to. */
    List<String> languages();

    Clock clock();
}
