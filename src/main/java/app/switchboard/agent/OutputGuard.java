package app.switchboard.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keeps the agent from speaking its system prompt or a configured secret, while tokens still
 * go out as they arrive. Text is only held back while it could be the start of a quote: as
 * long as the not-yet-sent tail (in comparison form: lower case, words separated by single
 * spaces) occurs in the system prompt, or (letters and digits only) in a secret, it waits;
 * as soon as it stops matching, the part that cannot start a quote is released. When the held
 * tail reaches {@code quoteWords} words of the system prompt, or {@code secretChars} characters
 * of a secret (the whole secret when shorter), the guard trips: the held text is never sent and
 * the agent answers with its refusal instead. So an ordinary answer loses no time, an answer
 * that shares a few words with the prompt waits a token or two, and a quote is stopped before
 * its first word is spoken.
 *
 * <p>Not thread-safe: one per turn, used on the call's executor.
 */
final class OutputGuard {

    /** What to do with a token: send {@code release} now; {@code tripped} means stop the turn. */
    record Verdict(String release, boolean tripped, String reason) {
    }

    private final String prompt;
    private final List<String> secrets;
    private final int quoteWords;
    private final int secretChars;
    private final StringBuilder held = new StringBuilder();

    OutputGuard(String systemPrompt, List<String> secrets, int quoteWords, int secretChars) {
        this.prompt = " " + comparable(systemPrompt == null ? "" : systemPrompt) + " ";
        this.secrets = new ArrayList<>();
        for (String s : secrets) {
            String c = compact(s);
            if (c.length() >= 4) {
                this.secrets.add(c);
            }
        }
        this.quoteWords = quoteWords;
        this.secretChars = secretChars;
    }

    Verdict accept(String token) {
        held.append(token);
        String trip = trip(held.toString());
        if (trip != null) {
            held.setLength(0);
            return new Verdict("", true, trip);
        }
        // Release the longest head of the held text after which the rest is still suspicious.
        int cut = 0;
        String text = held.toString();
        while (cut < text.length() && !suspicious(text.substring(cut))) {
            cut = nextWordStart(text, cut);
        }
        String release = text.substring(0, cut);
        held.delete(0, cut);
        // What stays held may itself be long enough to be a quote (its start just fell away).
        String tail = trip(held.toString());
        if (tail != null) {
            held.setLength(0);
            return new Verdict(release, true, tail);
        }
        return new Verdict(release, false, null);
    }

    /** The end of the answer: what is still held was never a quote, so it may be spoken. */
    String flush() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }

    /** Text held back, never to be sent (the turn was cut). */
    String discard() {
        return flush();
    }

    private String trip(String text) {
        String words = comparable(text);
        if (!words.isEmpty() && wordCount(words) >= quoteWords && prompt.contains(" " + words)) {
            return "answer would quote the system prompt";
        }
        String compact = compact(text);
        for (String secret : secrets) {
            int need = Math.min(secretChars, secret.length());
            if (compact.length() >= need && containsRunOf(compact, secret, need)) {
                return "answer would reveal a configured secret";
            }
        }
        return null;
    }

    private boolean suspicious(String text) {
        String words = comparable(text);
        if (words.isEmpty()) {
            return false;
        }
        if (prompt.contains(" " + words)) {
            return true;
        }
        String compact = compact(text);
        for (String secret : secrets) {
            if (!compact.isEmpty() && secret.contains(compact)) {
                return true;
            }
        }
        return false;
    }

    /** True when some {@code need} consecutive characters of {@code text} occur in {@code secret}. */
    private static boolean containsRunOf(String text, String secret, int need) {
        for (int i = 0; i + need <= text.length(); i++) {
            if (secret.contains(text.substring(i, i + need))) {
                return true;
            }
        }
        return false;
    }

    private static int nextWordStart(String text, int from) {
        int i = from;
        while (i < text.length() && !Character.isLetterOrDigit(text.charAt(i))) {
            i++;
        }
        while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
            i++;
        }
        return Math.max(i, from + 1);
    }

    private static int wordCount(String words) {
        return words.isEmpty() ? 0 : words.split(" ").length;
    }

    /** Lower-case words separated by single spaces; a trailing partial word stays partial. */
    static String comparable(String text) {
        StringBuilder out = new StringBuilder();
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                if (space && out.length() > 0) {
                    out.append(' ');
                }
                space = false;
                out.append(Character.toLowerCase(c));
            } else if (c != '\'' && c != '’') {
                space = true;
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static String compact(String text) {
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
