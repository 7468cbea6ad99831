package app.switchboard.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Keeps the agent from speaking its system prompt or a configured secret, while tokens still
 * go out as they arrive.
 *
 * <p>System prompt: the guard follows the current run of answer text that occurs word for word
 * in the prompt (in comparison form: lower case, words separated by single spaces). The first
 * {@code holdFromWords - 1} words of such a run go out at once: common words and short phrases
 * ("your bill", "opening hours") are shared by prompts and honest answers all the time, and
 * holding them would delay a third of all tokens for nothing. From {@code holdFromWords} words
 * on, the run is held back; it is released as soon as it stops matching, and when it reaches
 * {@code quoteWords} words the guard trips: the held text is never sent and the agent answers
 * with its refusal. So at most {@code holdFromWords - 1} words of a quote are ever spoken.
 *
 * <p>Secrets are stricter: any unsent text that could be the start of a secret (letters and
 * digits only) is held, and {@code secretChars} characters of it (the whole secret when shorter)
 * trip the guard, so no part of a secret is spoken.
 *
 * <p>Not thread-safe: one per turn, used on the call's executor.
 */
final class OutputGuard {

    /** The default length of a prompt-word run that starts holding. */
    static final int HOLD_FROM_WORDS = 3;

    /** What to do with a token: send {@code release} now; {@code tripped} means stop the turn. */
    record Verdict(String release, boolean tripped, String reason) {
    }

    private final String prompt;
    private final List<String> secrets;
    private final int quoteWords;
    private final int secretChars;
    private final int holdFromWords;
    /** Already sent text that ends the current run of prompt words (always shorter than the hold length). */
    private String sentRun = "";
    private final StringBuilder held = new StringBuilder();

    OutputGuard(String systemPrompt, List<String> secrets, int quoteWords, int secretChars) {
        this(systemPrompt, secrets, quoteWords, secretChars, HOLD_FROM_WORDS);
    }

    OutputGuard(String systemPrompt, List<String> secrets, int quoteWords, int secretChars, int holdFromWords) {
        this.prompt = comparablePrompt(systemPrompt == null ? "" : systemPrompt);
        this.secrets = new ArrayList<>();
        for (String s : secrets) {
            String c = compact(s);
            if (c.length() >= 4) {
                this.secrets.add(c);
            }
        }
        this.quoteWords = quoteWords;
        this.secretChars = secretChars;
        this.holdFromWords = Math.max(1, Math.min(holdFromWords, quoteWords));
    }

    Verdict accept(String token) {
        held.append(token);
        String trip = trip(held.toString());
        if (trip != null) {
            return tripped(trip);
        }
        // Drop whole words from the front of (sent run + held) until the rest is still a
        // candidate quote; held text dropped that way cannot start one and is released.
        String candidate = sentRun + held;
        int cut = 0;
        while (cut < candidate.length() && !suspicious(candidate.substring(cut))) {
            cut = nextWordStart(candidate, cut);
        }
        StringBuilder release = new StringBuilder();
        if (cut >= sentRun.length()) {
            int fromHeld = cut - sentRun.length();
            release.append(held, 0, fromHeld);
            held.delete(0, fromHeld);
            sentRun = "";
        } else {
            sentRun = sentRun.substring(cut);
        }
        String run = sentRun + held;
        int runWords = wordCount(comparable(run));
        if (runWords >= quoteWords && quotesPrompt(run)) {
            return new Verdict(release.toString(), true, "answer would quote the system prompt");
        }
        trip = trip(held.toString());
        if (trip != null) {
            String out = release.toString();
            tripped(trip);
            return new Verdict(out, true, trip);
        }
        if (!held.isEmpty() && runWords < holdFromWords && !couldStartSecret(held.toString())) {
            release.append(held);
            sentRun = run;
            held.setLength(0);
        }
        return new Verdict(release.toString(), false, null);
    }

    private Verdict tripped(String reason) {
        held.setLength(0);
        sentRun = "";
        return new Verdict("", true, reason);
    }

    /** The end of the answer: what is still held was never a quote, so it may be spoken. */
    String flush() {
        String rest = held.toString();
        held.setLength(0);
        sentRun = "";
        return rest;
    }

    /** Text held back, never to be sent (the turn was cut). */
    String discard() {
        return flush();
    }

    private String trip(String text) {
        if (wordCount(comparable(text)) >= quoteWords && quotesPrompt(text)) {
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
        return quotesPrompt(text) || couldStartSecret(text);
    }

    /** True when the text, as words, occurs in the system prompt (a partial last word counts). */
    private boolean quotesPrompt(String text) {
        String words = comparable(text);
        return !words.isEmpty() && prompt.contains(" " + words);
    }

    private boolean couldStartSecret(String text) {
        String compact = compact(text);
        if (compact.isEmpty()) {
            return false;
        }
        for (String secret : secrets) {
            if (secret.contains(compact)) {
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
    /**
     * The last system prompt's comparable form. Every turn of every call builds a guard, nearly
     * always for the same prompt (kilobytes long, with tool schemas): compared, not redone.
     */
    private static volatile Map.Entry<String, String> lastPrompt;

    private static String comparablePrompt(String systemPrompt) {
        Map.Entry<String, String> last = lastPrompt;
        if (last != null && last.getKey().equals(systemPrompt)) {
            return last.getValue();
        }
        String padded = " " + comparable(systemPrompt) + " ";
        lastPrompt = Map.entry(systemPrompt, padded);
        return padded;
    }

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
