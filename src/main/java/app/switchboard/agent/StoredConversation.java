package app.switchboard.agent;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history a live agent would hold, rebuilt from a call's stored events (a relay restarted
 * mid-call): the caller's final prompts, and of each answer only what the caller heard, by the
 * same rules as {@link ConversationHistory#commit}: a completed answer whole, an interrupted one
 * cut at what was heard (also when the cut came after the answer was complete), a fallback or
 * refusal sentence as it was spoken, a supervisor's spoken words, the supervisor's whispers as
 * guidance. Drafts (the supervisor held the call) were never spoken and stay out; so does an
 * answer abandoned when its socket dropped, as the live agent drops it.
 *
 * <p>What the record does not keep exactly: tool rounds (the assistant's tool calls and the
 * tools' results) come back as the answer's spoken text only, and keypad entries as the
 * sentence the live collector would have made of the digits pressed before the turn.
 */
final class StoredConversation {

    final List<ChatMessage> messages = new ArrayList<>();
    final List<String> guidance = new ArrayList<>();
    /** The highest turn number recorded: the next turn continues after it. */
    long lastTurn;

    private final Map<Long, StringBuilder> spoken = new HashMap<>();
    private final Map<Long, Integer> committedAt = new HashMap<>();
    private final Set<Long> drafts = new HashSet<>();
    private final StringBuilder digits = new StringBuilder();

    static StoredConversation rebuild(List<CallEvent> events) {
        StoredConversation c = new StoredConversation();
        events.forEach(e -> c.apply(e.payload()));
        return c;
    }

    private void apply(EventPayload p) {
        if (p instanceof EventPayload.TurnEvent t) {
            lastTurn = Math.max(lastTurn, t.turn());
        }
        if (p instanceof EventPayload.Prompt prompt) {
            digits.setLength(0);
            messages.add(ChatMessage.user(prompt.text()));
        } else if (p instanceof EventPayload.Dtmf d && d.digit() != null) {
            digits.append(d.digit());
        } else if (p instanceof EventPayload.TurnStarted started) {
            if (started.draft()) {
                drafts.add(started.turn());
            }
            if (!digits.isEmpty()) {
                // The keypad entry that started this turn (DtmfCollector's sentence).
                messages.add(ChatMessage.user("(The caller pressed " + String.join(" ", digits.toString().split(""))
                        + " on the keypad.)"));
                digits.setLength(0);
            }
        } else if (p instanceof EventPayload.AgentToken token) {
            spoken.computeIfAbsent(token.turn(), k -> new StringBuilder()).append(token.token());
        } else if (p instanceof EventPayload.TurnCompleted done && !drafts.contains(done.turn())) {
            commit(done.turn(), done.text());
        } else if (p instanceof EventPayload.TurnInterrupted cut && !drafts.contains(cut.turn())) {
            Integer at = committedAt.get(cut.turn());
            if (at != null) {
                // A barge-in after the answer was complete: the caller heard only this much of it.
                String heard = strip(cut.heard());
                if (heard.isEmpty() && at == messages.size() - 1) {
                    messages.remove((int) at);
                    committedAt.remove(cut.turn());
                } else {
                    messages.set(at, ChatMessage.assistant(heard));
                }
            } else {
                commit(cut.turn(), cut.heard());
            }
        } else if (p instanceof EventPayload.Fault fault && !Boolean.TRUE.equals(fault.retry())
                && fault.fallback() != null && !drafts.contains(fault.turn())) {
            commit(fault.turn(), joined(spokenOf(fault.turn()), fault.fallback()));
        } else if (p instanceof EventPayload.GuardTripped guard && !drafts.contains(guard.turn())) {
            String before = spokenOf(guard.turn());
            commit(guard.turn(), before.isEmpty() ? guard.said() : before + " " + guard.said());
        } else if (p instanceof EventPayload.SupervisorSay say && say.text() != null) {
            messages.add(ChatMessage.assistant(say.text()));
        } else if (p instanceof EventPayload.SupervisorWhisper whisper && whisper.text() != null) {
            guidance.add(whisper.text());
        }
    }

    private String spokenOf(long turn) {
        StringBuilder b = spoken.get(turn);
        return b == null ? "" : b.toString();
    }

    private static String joined(String before, String sentence) {
        if (before.isEmpty()) {
            return sentence;
        }
        return before + (Character.isWhitespace(before.charAt(before.length() - 1)) ? "" : " ") + sentence;
    }

    /** An empty answer leaves no message, as {@link ConversationHistory#commit} leaves none. */
    private void commit(long turn, String text) {
        String heard = strip(text);
        if (!heard.isEmpty()) {
            committedAt.put(turn, messages.size());
            messages.add(ChatMessage.assistant(heard));
        }
    }

    private static String strip(String text) {
        return text == null ? "" : text.strip();
    }
}
