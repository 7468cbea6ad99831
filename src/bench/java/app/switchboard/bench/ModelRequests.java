package app.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link ModelServer} reads from a chat-completions request (the last user message, whether
 * it is the relay's post-call summary) and the words of its reply.
 */
final class ModelRequests {

    private static final String[] WORDS = {
        "Sure", "I", "can", "help", "with", "that", "right", "away", "your", "account", "looks", "fine",
        "and", "the", "last", "payment", "arrived", "on", "time", "so", "there", "is", "nothing", "more",
        "to", "do", "today", "please", "let", "me", "know", "if", "anything", "else", "comes", "up",
    };

    private ModelRequests() {
    }

    static boolean isSummary(JsonNode json) {
        JsonNode first = json.path("messages").path(0);
        return "system".equals(first.path("role").asText())
                && first.path("content").asText("").equals(app.switchboard.agent.PostCallSummaries.SYSTEM_PROMPT);
    }

    static String lastUser(JsonNode json) {
        String found = "";
        for (JsonNode m : json.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                JsonNode content = m.path("content");
                if (content.isTextual()) {
                    found = content.asText();
                } else if (content.isArray()) {
                    StringBuilder b = new StringBuilder();
                    content.forEach(part -> b.append(part.path("text").asText("")));
                    found = b.toString();
                }
            }
        }
        return found;
    }

    /** The reply's tokens: plain words (no digits, which the agent would spell out), a full stop at the end. */
    static List<String> reply(String user, int tokensPerReply) {
        List<String> tokens = new ArrayList<>(tokensPerReply);
        int offset = Math.floorMod(user.hashCode(), WORDS.length);
        for (int i = 0; i < tokensPerReply; i++) {
            String word = WORDS[(offset + i) % WORDS.length];
            String token = i == 0 ? word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1) : " " + word;
            tokens.add(i == tokensPerReply - 1 ? token + "." : token);
        }
        return tokens;
    }
}
