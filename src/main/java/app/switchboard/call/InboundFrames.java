package app.switchboard.call;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.ProtocolCodec;

/**
 * What each frame from Twilio on the call's current socket does to the call: recorded, then the
 * state and the agent follow. Frames the protocol does not know are recorded by their start and
 * their length. Executor only.
 */
final class InboundFrames {

    /**
     * Frames the protocol does not know are recorded by their start and their length: enough to
     * see what was sent, and a flood of large ones costs the store and memory no more than small ones.
     */
    static final int MAX_RECORDED_FRAME_CHARS = 512;
    static final int MAX_RECORDED_TYPE_CHARS = 64;

    private final CallSession call;

    InboundFrames(CallSession call) {
        this.call = call;
    }

    void handle(InboundMessage message) {
        if (message instanceof InboundMessage.Prompt p) {
            if (!p.last()) {
                call.record(new EventPayload.PromptPartial(p.voicePrompt(), p.lang()));
                if (call.state() != CallState.SUPERVISOR && call.state() != CallState.AI_SPEAKING) {
                    call.setState(CallState.CALLER_SPEAKING);
                }
                return;
            }
            call.record(new EventPayload.Prompt(p.voicePrompt(), p.lang()));
            if (p.lang() != null && !p.lang().isBlank()) {
                call.language(p.lang());
            }
            if (call.state() == CallState.CALLER_SPEAKING || call.state() == CallState.GREETING) {
                call.setState(CallState.LISTENING);
            }
            call.agent().onCallerTurn(p.voicePrompt(), p.lang());
        } else if (message instanceof InboundMessage.Dtmf d) {
            call.record(new EventPayload.Dtmf(d.digit()));
            call.agent().onDtmf(d.digit());
        } else if (message instanceof InboundMessage.Interrupt i) {
            call.record(new EventPayload.Interrupt(i.utteranceUntilInterrupt(), i.durationUntilInterruptMs()));
            call.agent().onCallerInterrupt(i.utteranceUntilInterrupt(), i.durationUntilInterruptMs());
            if (call.state() == CallState.AI_SPEAKING) {
                call.setState(CallState.CALLER_SPEAKING);
            }
        } else if (message instanceof InboundMessage.TwilioError e) {
            call.record(new EventPayload.TwilioError(e.description()));
        } else if (message instanceof InboundMessage.Info i) {
            call.record(new EventPayload.Info(i.name(), i.value()));
        } else if (message instanceof InboundMessage.ConfigUpdated c) {
            call.record(new EventPayload.ConfigUpdated(prefix(c.raw()), length(c.raw())));
        } else if (message instanceof InboundMessage.Unknown u) {
            call.record(new EventPayload.UnknownMessage(prefix(u.wireType(), MAX_RECORDED_TYPE_CHARS), prefix(u.raw()),
                    null, length(u.raw())));
        } else if (message instanceof InboundMessage.Malformed m) {
            call.record(new EventPayload.MalformedFrame(prefix(m.raw()), prefix(m.reason()), length(m.raw())));
        } else if (message instanceof InboundMessage.Setup s) {
            // A second setup on an open socket is not in the protocol; keep it, change nothing.
            String raw = ProtocolCodec.encodeInbound(s);
            call.record(new EventPayload.UnknownMessage("setup", prefix(raw), "setup repeated on an open session",
                    raw.length()));
        }
    }

    static String prefix(String text) {
        return prefix(text, MAX_RECORDED_FRAME_CHARS);
    }

    static String prefix(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never end on half a character
        }
        return text.substring(0, end);
    }

    private static Integer length(String text) {
        return text == null ? null : text.length();
    }
}
