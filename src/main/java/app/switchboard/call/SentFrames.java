package app.switchboard.call;

import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;

/**
 * The frames a call's record says were written. Most are recorded verbatim ({@code FRAME_SENT});
 * an agent token's frame is recorded only as its {@code AGENT_TOKEN} event (one event per token)
 * and is rebuilt here, byte for byte as it was written, since the codec is deterministic.
 */
public final class SentFrames {

    private SentFrames() {
    }

    /** The frame an agent token is sent as: preemptible, so a supervisor's words cut it (protocol.md §3.1). */
    public static OutboundMessage.Text agentTokenFrame(String token) {
        return agentTokenFrame(token, null);
    }

    /** As above, with the supervisor's barge-in choice for the call ({@code null}: the TwiML default). */
    public static OutboundMessage.Text agentTokenFrame(String token, Boolean interruptible) {
        return new OutboundMessage.Text(token, false, null, interruptible, true);
    }

    /** The frame this event says was written, or null when it records none. */
    public static String frameOf(EventPayload payload) {
        if (payload instanceof EventPayload.FrameSent sent) {
            return sent.frame();
        }
        if (payload instanceof EventPayload.AgentToken token) {
            return ProtocolCodec.encode(agentTokenFrame(token.token(), token.interruptible()));
        }
        return null;
    }
}
