package app.switchboard.agent;

/**
 * What the caller heard of an answer that was cut: the prefix of the sent text that Twilio's
 * {@code utteranceUntilInterrupt} covers. Matching ignores case, whitespace and punctuation; a
 * miss keeps the shorter safe prefix, never the unheard tail.
 */
public final class HeardText {

    private HeardText() {
    }

    /** Returns the prefix of {@code sent} (as sent) that the caller heard. */
    public static String heardPrefix(String sent, String utterance) {
        if (utterance == null || utterance.isBlank() || sent.isEmpty()) {
            return "";
        }
        String target = normalise(utterance);
        StringBuilder seen = new StringBuilder();
        int best = 0;
        for (int i = 0; i < sent.length(); i++) {
            char c = sent.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                seen.append(Character.toLowerCase(c));
                if (!target.startsWith(seen.toString())) {
                    break;
                }
                if (seen.length() == target.length()) {
                    best = i + 1;
                    break;
                }
                best = i + 1;
            }
        }
        // Extend to the end of the word the match stopped in, never into the next word.
        int end = best;
        while (end < sent.length() && Character.isLetterOrDigit(sent.charAt(end))) {
            end++;
        }
        while (end < sent.length() && !Character.isLetterOrDigit(sent.charAt(end)) && !Character.isWhitespace(sent.charAt(end))) {
            end++;
        }
        return sent.substring(0, end);
    }

    static String normalise(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }
}
