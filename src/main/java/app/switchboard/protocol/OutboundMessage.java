package app.switchboard.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The five frames the app may send (protocol.md §3). Twilio drops a frame it cannot accept,
 * answers with error 64107, and ends the session after ten in a row; so every rule Twilio checks
 * is checked here, in the constructor, and an invalid message never exists, let alone reaches
 * the wire. There is deliberately no {@code interrupt} and no {@code connected}: neither is part
 * of this protocol. Twilio's 2026 {@code config} and {@code hints} messages are absent too, on
 * purpose: their names are documented but not, as far as could be read, their fields
 * (docs/live-settings.md); a guessed frame would only earn 64107 errors.
 */
public sealed interface OutboundMessage {

    String type();

    /**
     * TTS tokens. The token is spoken as is: spacing between tokens is the sender's, so it is
     * never trimmed. Null flags are left out of the frame (Twilio's defaults then apply).
     */
    record Text(String token, boolean last, String lang, Boolean interruptible, Boolean preemptible)
            implements OutboundMessage {
        public Text {
            if (token == null) {
                throw new InvalidMessageException("text: token must not be null");
            }
            if (lang != null && lang.isBlank()) {
                throw new InvalidMessageException("text: lang must be a language code or absent");
            }
        }

        public static Text token(String token) {
            return new Text(token, false, null, null, null);
        }

        @Override
        public String type() {
            return "text";
        }
    }

    /** Play audio from a URL; {@code loop} 0 means Twilio's maximum (1000). */
    record Play(String source, Integer loop, Boolean preemptible, Boolean interruptible) implements OutboundMessage {
        public Play {
            if (source == null || source.isBlank()) {
                throw new InvalidMessageException("play: source is required");
            }
            requireAbsoluteHttpUrl(source);
            if (loop != null && loop < 0) {
                throw new InvalidMessageException("play: loop must be 0 or more, was " + loop);
            }
        }

        private static void requireAbsoluteHttpUrl(String source) {
            try {
                URI uri = new URI(source);
                String scheme = uri.getScheme();
                if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                        || uri.getHost() == null) {
                    throw new InvalidMessageException("play: source must be an absolute http(s) URL: " + source);
                }
            } catch (URISyntaxException e) {
                throw new InvalidMessageException("play: source is not a valid URL: " + source);
            }
        }

        @Override
        public String type() {
            return "play";
        }
    }

    /** DTMF tones to the far end; {@code w} is a half-second pause. */
    record SendDigits(String digits) implements OutboundMessage {
        private static final Pattern VALID = Pattern.compile("[0-9w#*]+");

        public SendDigits {
            if (digits == null || digits.isEmpty()) {
                throw new InvalidMessageException("sendDigits: digits are required");
            }
            if (!VALID.matcher(digits).matches()) {
                throw new InvalidMessageException("sendDigits: only 0-9, w, # and * are allowed, got '" + digits + "'");
            }
        }

        @Override
        public String type() {
            return "sendDigits";
        }
    }

    /** Switch TTS and/or STT language for what follows; at least one must be given. */
    record Language(String ttsLanguage, String transcriptionLanguage) implements OutboundMessage {
        public Language {
            ttsLanguage = blankToNull(ttsLanguage);
            transcriptionLanguage = blankToNull(transcriptionLanguage);
            if (ttsLanguage == null && transcriptionLanguage == null) {
                throw new InvalidMessageException("language: ttsLanguage or transcriptionLanguage is required");
            }
        }

        @Override
        public String type() {
            return "language";
        }
    }

    /** End the relay session; Twilio passes {@code handoffData} verbatim to the action webhook. */
    record End(String handoffData) implements OutboundMessage {
        @Override
        public String type() {
            return "end";
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
