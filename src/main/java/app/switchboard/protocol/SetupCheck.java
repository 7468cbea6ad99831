package app.switchboard.protocol;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a {@code setup} frame must look like before a call is made of it (protocol.md §2.1).
 * Twilio's ids are a two-letter prefix and 32 hex digits ({@code CA…}, {@code VX…},
 * {@code AC…}; the recorded calls in the shared fixtures and live SIDs alike); the caller's
 * numbers are E.164 or {@code client:…} identities, short and printable. Anything else did not
 * come from Twilio, and an id that is not an id must never become a call's key.
 */
public final class SetupCheck {

    private static final Pattern CALL_SID = Pattern.compile("CA[0-9a-fA-F]{32}");
    private static final Pattern SESSION_ID = Pattern.compile("VX[0-9a-fA-F]{32}");
    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    /** E.164 is at most 16 characters; a Client identity is at most 121 plus {@code client:}. */
    static final int MAX_PARTY_CHARS = 256;
    static final int MAX_ENUM_CHARS = 32;
    static final int MAX_PARAMETERS = 64;
    static final int MAX_PARAMETER_NAME_CHARS = 128;
    static final int MAX_PARAMETER_VALUE_CHARS = 4096;

    private SetupCheck() {
    }

    /** Why this setup is refused, short enough for a WebSocket close reason; null when it is fine. */
    public static String problem(InboundMessage.Setup s) {
        if (!matches(CALL_SID, s.callSid())) {
            return "callSid is not CA + 32 hex";
        }
        if (!matches(SESSION_ID, s.sessionId())) {
            return "sessionId is not VX + 32 hex";
        }
        if (!matches(ACCOUNT_SID, s.accountSid())) {
            return "accountSid is not AC + 32 hex";
        }
        if (s.parentCallSid() != null && !s.parentCallSid().isEmpty() && !matches(CALL_SID, s.parentCallSid())) {
            return "parentCallSid is not CA + 32 hex";
        }
        String party = firstBad(MAX_PARTY_CHARS, false, s.from(), s.to(), s.forwardedFrom(), s.callerName());
        if (party != null) {
            return "from/to/forwardedFrom/callerName " + party;
        }
        String enums = firstBad(MAX_ENUM_CHARS, false, s.direction(), s.callType(), s.callStatus());
        if (enums != null) {
            return "direction/callType/callStatus " + enums;
        }
        if (s.customParameters().size() > MAX_PARAMETERS) {
            return "more than " + MAX_PARAMETERS + " customParameters";
        }
        for (Map.Entry<String, String> e : s.customParameters().entrySet()) {
            String bad = firstBad(MAX_PARAMETER_NAME_CHARS, false, e.getKey());
            if (bad == null) {
                bad = firstBad(MAX_PARAMETER_VALUE_CHARS, true, e.getValue());
            }
            if (bad != null) {
                return "customParameters " + bad;
            }
        }
        return null;
    }

    private static boolean matches(Pattern pattern, String value) {
        return value != null && value.length() == 34 && pattern.matcher(value).matches();
    }

    /** What is wrong with the first bad value (null values are absent fields, which is fine). */
    private static String firstBad(int maxChars, boolean lineBreaksAllowed, String... values) {
        for (String v : values) {
            if (v == null) {
                continue;
            }
            if (v.length() > maxChars) {
                return "is longer than " + maxChars + " characters";
            }
            String chars = badCharacter(v, lineBreaksAllowed);
            if (chars != null) {
                return chars;
            }
        }
        return null;
    }

    /** NUL and other control characters, lone surrogates and non-characters U+FFFE/U+FFFF. */
    static String badCharacter(String v, boolean lineBreaksAllowed) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                return "has a lone surrogate";
            }
            if (c == 0xFFFE || c == 0xFFFF) {
                return "has a non-character";
            }
            if (Character.isISOControl(c) && !(lineBreaksAllowed && (c == '\t' || c == '\n' || c == '\r'))) {
                return "has a control character";
            }
        }
        return null;
    }
}
