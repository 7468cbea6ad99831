package app.switchboard.call;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides when a call needs the supervisor: the caller asks for a person, says the same thing
 * again, the agent faults, or keeps being interrupted. Each reason is raised once per call, as
 * an {@link EventKind#ATTENTION} event, so the console and the store see the same flags.
 * Confined to the call's executor.
 */
final class Attention {

    enum Reason {
        HUMAN_REQUESTED("asked for a person"),
        REPEATED("repeats themselves"),
        FAULT("agent fault"),
        INTERRUPTED("interrupted the agent several times"),
        /** Someone opened a second relay socket for this live call; it was refused. */
        SESSION_REFUSED("a second relay session for this call was refused");

        final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    static final int INTERRUPTS_BEFORE_FLAG = 3;
    private static final Pattern ASKS_FOR_PERSON = Pattern.compile(
            "\\b(human|real person|a person|someone|manager|supervisor|representative|operator|agent"
                    + "|humano|persona|gerente|supervisora?|agente)\\b");

    private final Set<Reason> raised = EnumSet.noneOf(Reason.class);
    private final Deque<Set<String>> recentPrompts = new ArrayDeque<>();
    private int interrupts;

    /** Raises {@code reason} unless this call already raised it; true the first time. */
    boolean raise(Reason reason) {
        return raised.add(reason);
    }

    /** The reason this event raises, or null. */
    Reason observe(CallEvent event) {
        Reason reason = switch (event.kind()) {
            case PROMPT -> event.payload() instanceof EventPayload.Prompt p ? onPrompt(p.text()) : null;
            case FAULT -> Reason.FAULT;
            case INTERRUPT -> ++interrupts >= INTERRUPTS_BEFORE_FLAG ? Reason.INTERRUPTED : null;
            default -> null;
        };
        return reason != null && raised.add(reason) ? reason : null;
    }

    /**
     * Every word {@link #ASKS_FOR_PERSON} can match contains one of these: a prompt without any is
     * not scanned (the regex ran on every prompt of every call, a tenth of a turn's CPU in a profile).
     */
    private static final List<String> PERSON_WORDS = List.of(
            "human", "person", "someone", "manager", "supervisor", "representative", "operator", "agent", "gerente");

    private Reason onPrompt(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        Set<String> words = words(lower);
        boolean repeated = words.size() >= 2 && recentPrompts.stream().anyMatch(previous -> similar(previous, words));
        recentPrompts.addLast(words);
        if (recentPrompts.size() > 3) {
            recentPrompts.removeFirst();
        }
        if (PERSON_WORDS.stream().anyMatch(lower::contains) && ASKS_FOR_PERSON.matcher(lower).find()) {
            return Reason.HUMAN_REQUESTED;
        }
        return repeated ? Reason.REPEATED : null;
    }

    /** The words of {@code text}: runs of letters and numbers (the regex {@code [\p{L}\p{N}]+}, without one). */
    static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (wordPart(cp)) {
                if (start < 0) {
                    start = i;
                }
            } else if (start >= 0) {
                words.add(text.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    private static boolean wordPart(int codePoint) {
        if (Character.isLetter(codePoint)) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    /** Jaccard similarity of the word sets: rephrasings with the same words count as repeats. */
    private static boolean similar(Set<String> a, Set<String> b) {
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        return !union.isEmpty() && (double) common.size() / union.size() >= 0.7;
    }
}
