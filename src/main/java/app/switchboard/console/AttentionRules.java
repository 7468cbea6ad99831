package app.switchboard.console;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides from a call's events whether it needs the supervisor: the caller asks for a person,
 * repeats themselves, a fault occurs, or the AI keeps getting cut off. Each reason is kept once
 * (by category), in the order it first happened. An {@code ATTENTION} event from the core is
 * honoured too, so the rules can move there later without changing the console.
 */
final class AttentionRules {

    static final int INTERRUPTS_BEFORE_FLAG = 3;

    // English and Spanish (the demo's two languages); matched on the caller's final words only.
    private static final Pattern ASKS_FOR_PERSON = Pattern.compile(
            "\\b(human|manager|supervisor|agent|person|representative|operator|real person"
                    + "|humano|persona|gerente|agente|supervisora?)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final Map<String, String> reasons = new LinkedHashMap<>();
    private final Deque<Set<String>> recentPrompts = new ArrayDeque<>();
    private int callerInterrupts;

    /** Looks at one event; true when the set of reasons changed. */
    boolean observe(CallEvent event) {
        EventKind kind = event.kind();
        if (kind == EventKind.PROMPT) {
            String text = event.text("text");
            if (text == null || text.isBlank()) {
                return false;
            }
            boolean changed = false;
            if (ASKS_FOR_PERSON.matcher(text).find()) {
                changed |= add("person", "asked for a person");
            }
            Set<String> words = words(text);
            for (Set<String> earlier : recentPrompts) {
                if (similar(words, earlier)) {
                    changed |= add("repeat", "caller repeated themselves");
                    break;
                }
            }
            recentPrompts.addFirst(words);
            if (recentPrompts.size() > 3) {
                recentPrompts.removeLast();
            }
            return changed;
        }
        if (kind == EventKind.FAULT) {
            return add("fault", "fault: " + orElse(event.text("reason"), "the AI failed"));
        }
        if (kind == EventKind.TWILIO_ERROR) {
            return add("twilio-error", "Twilio error: " + orElse(event.text("description"), "unknown"));
        }
        if (kind == EventKind.TURN_INTERRUPTED) {
            String reason = orElse(event.text("reason"), "caller");
            if (!reason.startsWith("supervisor")) {
                callerInterrupts++;
                if (callerInterrupts >= INTERRUPTS_BEFORE_FLAG) {
                    reasons.remove("interrupts");
                    add("interrupts", "AI interrupted " + callerInterrupts + " times");
                    return true;
                }
            }
            return false;
        }
        if (kind == EventKind.ATTENTION) {
            String reason = orElse(event.text("reason"), "flagged by the relay");
            return add("core:" + reason, reason);
        }
        return false;
    }

    List<String> reasons() {
        return List.copyOf(reasons.values());
    }

    private boolean add(String category, String reason) {
        if (reasons.containsKey(category)) {
            return false;
        }
        reasons.put(category, reason);
        return true;
    }

    /** Same words, or nearly (Jaccard ≥ 0.75), in an utterance of at least two words. */
    static boolean similar(Set<String> a, Set<String> b) {
        if (a.size() < 2 || b.size() < 2) {
            return false;
        }
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        return common.size() >= 0.75 * union.size();
    }

    static Set<String> words(String text) {
        return Arrays.stream(NOT_WORD.split(text.toLowerCase(Locale.ROOT)))
                .filter(w -> !w.isBlank())
                .collect(Collectors.toSet());
    }

    private static String orElse(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value;
    }
}
