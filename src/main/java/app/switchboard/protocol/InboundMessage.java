package app.switchboard.protocol;

import java.util.Map;

/**
 * Every frame Twilio ConversationRelay sends to the app (protocol.md §2), plus the two shapes a
 * tolerant reader needs: a well-formed frame of a type we do not know, and a frame that is not
 * JSON at all. Neither of those ends a call; they are recorded and the call goes on.
 */
public sealed interface InboundMessage {

    /** The wire {@code type}, or a descriptive name for the two non-protocol shapes. */
    String type();

    /** First frame of every session, sent right after the upgrade. */
    record Setup(
            String sessionId,
            String accountSid,
            String callSid,
            String parentCallSid,
            String from,
            String to,
            String forwardedFrom,
            String callerName,
            String direction,
            String callType,
            String callStatus,
            Map<String, String> customParameters) implements InboundMessage {
        public Setup {
            customParameters = customParameters == null ? Map.of() : Map.copyOf(customParameters);
        }

        @Override
        public String type() {
            return "setup";
        }
    }

    /** Caller speech. Partial prompts ({@code last=false}) are cumulative, not deltas. */
    record Prompt(String voicePrompt, String lang, boolean last) implements InboundMessage {
        public Prompt {
            voicePrompt = voicePrompt == null ? "" : voicePrompt;
        }

        @Override
        public String type() {
            return "prompt";
        }
    }

    record Dtmf(String digit) implements InboundMessage {
        @Override
        public String type() {
            return "dtmf";
        }
    }

    /**
     * The caller barged in. {@code durationUntilInterruptMs} is null when Twilio left it out;
     * older docs sent it as a string, which the codec accepts.
     */
    record Interrupt(String utteranceUntilInterrupt, Long durationUntilInterruptMs) implements InboundMessage {
        public Interrupt {
            utteranceUntilInterrupt = utteranceUntilInterrupt == null ? "" : utteranceUntilInterrupt;
        }

        @Override
        public String type() {
            return "interrupt";
        }
    }

    /** Twilio's {@code error} frame, e.g. its answer to a frame it could not accept (64107). */
    record TwilioError(String description) implements InboundMessage {
        @Override
        public String type() {
            return "error";
        }
    }

    /** Debug/event information; every value is a string on the wire. */
    record Info(String name, String value) implements InboundMessage {
        @Override
        public String type() {
            return "info";
        }
    }

    /**
     * Twilio's {@code configUpdated}, kept verbatim because its payload is not documented
     * (docs/live-settings.md, E). Twilio's changelogs name it both an outbound event (CL-2610) and
     * an {@code info} message "that identifies the new provider" (CL-2611), so both a frame of
     * type {@code configUpdated} and an {@code info} frame named {@code configUpdated} read as this.
     */
    record ConfigUpdated(String raw) implements InboundMessage {
        public static final String NAME = "configUpdated";

        @Override
        public String type() {
            return NAME;
        }
    }

    /** Valid JSON with a {@code type} this model does not know: kept verbatim. */
    record Unknown(String wireType, String raw) implements InboundMessage {
        @Override
        public String type() {
            return "unknown";
        }
    }

    /** Not JSON, not an object, or an object without a string {@code type}. */
    record Malformed(String raw, String reason) implements InboundMessage {
        @Override
        public String type() {
            return "malformed";
        }
    }
}
