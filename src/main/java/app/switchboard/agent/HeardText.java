package app.switchboard.agent;

import java.util.List;

/**
 * What the caller heard of an answer that was cut: the prefix of the sent text that Twilio's
 * {@code utteranceUntilInterrupt} covers. Both sides are compared as spoken words (see
 * {@link SpokenForm}): case, whitespace, punctuation, accents and markup do not count, and
 * numbers and amounts match the way a voice says them ("$20" was heard as "twenty dollars").
 * The match stops at the first word that differs: a miss keeps the safe, matched prefix, never
 * the unheard tail. A span such as "$20.40" counts as heard only when all of it was heard;
 * the last heard word may be cut short ("twen" covers "twenty").
 */
public final class HeardText {

    private HeardText() {
    }

    /** Returns the prefix of {@code sent} (as sent) that the caller heard. */
    public static String heardPrefix(String sent, String utterance) {
        if (utterance == null || utterance.isBlank() || sent == null || sent.isEmpty()) {
            return "";
        }
        List<String> heard = SpokenForm.words(utterance);
        if (heard.isEmpty()) {
            return "";
        }
        int next = 0;
        int end = 0;
        for (SpokenForm.Unit unit : SpokenForm.units(sent)) {
            int matched = -1;
            for (List<String> alternative : unit.alternatives()) {
                int n = fullMatch(alternative, heard, next);
                if (n > 0) {
                    matched = n;
                    break;
                }
            }
            if (matched < 0) {
                break;
            }
            next += matched;
            end = unit.end();
            if (next >= heard.size()) {
                break;
            }
        }
        return sent.substring(0, extendOverPunctuation(sent, end));
    }

    /**
     * How many heard words {@code alternative} consumes from {@code from} when all its words
     * were heard (the very last heard word may be a cut-off prefix), or -1.
     */
    private static int fullMatch(List<String> alternative, List<String> heard, int from) {
        for (int k = 0; k < alternative.size(); k++) {
            int i = from + k;
            if (i >= heard.size()) {
                return -1;
            }
            String want = alternative.get(k);
            String got = heard.get(i);
            boolean lastHeard = i == heard.size() - 1;
            boolean lastOfUnit = k == alternative.size() - 1;
            if (!want.equals(got) && !(lastHeard && lastOfUnit && !got.isEmpty() && want.startsWith(got))) {
                return -1;
            }
        }
        return alternative.size();
    }

    /** Keeps the punctuation right after the last heard word ("fifteenth."), never the next word or tag. */
    private static int extendOverPunctuation(String sent, int end) {
        while (end < sent.length()) {
            char c = sent.charAt(end);
            if (Character.isLetterOrDigit(c) || Character.isWhitespace(c) || c == '<' || c == '$' || c == '£' || c == '€') {
                break;
            }
            end++;
        }
        return end;
    }

    /** The comparison form of a text: its spoken words joined by single spaces. */
    static String normalise(String text) {
        return String.join(" ", SpokenForm.words(text));
    }
}
