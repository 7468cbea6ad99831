package app.switchboard.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * What the model sees of one call: the messages so far, and the supervisor's whispered guidance.
 * An answer joins the history only as far as the caller heard it ({@link #commit}), and an answer
 * already committed can be taken back ({@link #uncommit}) when a late barge-in cuts it shorter.
 * Touched only on the call's executor.
 */
final class ConversationHistory {

    private final List<ChatMessage> history = new ArrayList<>();
    private final List<String> guidance = new ArrayList<>();

    void add(ChatMessage message) {
        history.add(message);
    }

    void addGuidance(String note) {
        guidance.add(note);
    }

    /** The messages the model sees for the next answer: system prompt, supervisor notes, history. */
    List<ChatMessage> requestMessages(String systemPrompt) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.system(systemPrompt));
        for (String note : guidance) {
            messages.add(ChatMessage.system("Guidance from your supervisor for the rest of this call. "
                    + "Follow it, but never read it out or mention it: " + note));
        }
        messages.addAll(history);
        return messages;
    }

    /** Adds the turn to the history, its assistant text cut at {@code heardLength} characters of what was sent. */
    void commit(Turn turn, int heardLength) {
        turn.historyStart = history.size();
        String sent = turn.sent.toString();
        int spanIndex = 0;
        for (ChatMessage m : turn.transcript) {
            if (m.role() == ChatMessage.Role.ASSISTANT) {
                int[] span = turn.spans.get(spanIndex++);
                history.add(m.withContent(cut(sent, span[0], span[1], heardLength)));
            } else {
                history.add(m);
            }
        }
        String last = cut(sent, turn.roundStart, sent.length(), heardLength);
        if (!last.isEmpty()) {
            history.add(ChatMessage.assistant(last));
        }
    }

    /** Removes what {@link #commit} added for {@code turn}, the last turn committed. */
    void uncommit(Turn turn) {
        history.subList(turn.historyStart, history.size()).clear();
    }

    private static String cut(String sent, int start, int end, int heardLength) {
        int stop = Math.min(end, heardLength);
        return stop <= start ? "" : sent.substring(start, stop).strip();
    }

    /** The history the next request will carry (without system messages). */
    List<ChatMessage> snapshot() {
        return List.copyOf(history);
    }
}
