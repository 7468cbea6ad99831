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
    /**
     * The caller's language and unfinished utterance as last recorded. Each frame decodes its own
     * copies, and an idle call's window holds every partial: partials repeat the language, and the
     * final prompt repeats the last partial's text, so an equal string is recorded as the one
     * already held (issue 10: memory per idle call).
     */
    private String lang;
    private String partialText;

    InboundFrames(CallSession call) {
        this.call = call;
    }

    void handle(InboundMessage message) {
        if (message instanceof InboundMessage.Prompt p) {
            String text = p.voicePrompt();
            String promptLang = heldLang(p.lang());
            if (!p.last()) {
                partialText = text;
                call.record(new EventPayload.PromptPartial(text, promptLang));
                if (call.state() != CallState.SUPERVISOR && call.state() != CallState.AI_SPEAKING) {
                    call.setState(CallState.CALLER_SPEAKING);
                }
                return;
            }
            if (text != null && text.equals(partialText)) {
                text = partialText;
            }
            partialText = null;
            call.record(new EventPayload.Prompt(text, promptLang));
            if (promptLang != null && !promptLang.isBlank()) {
                call.language(promptLang);
            }
            if (call.state() == CallState.CALLER_SPEAKING || call.state() == CallState.GREETING) {
                call.setState(CallState.LISTENING);
            }
            call.agent().onCallerTurn(text, promptLang);
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

    private String heldLang(String decoded) {
        if (decoded != null && !decoded.equals(lang)) {
            lang = decoded;
        }
        return decoded == null ? null : lang;
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
