package app.switchboard.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/** The functions the agent offers the model; each one is carried out through the relay protocol. */
final class AgentTools {

    static final String END_CALL = "end_call";
    static final String TRANSFER_TO_HUMAN = "transfer_to_human";
    static final String SEND_DIGITS = "send_digits";
    static final String SWITCH_LANGUAGE = "switch_language";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentTools() {
    }

    static List<LlmClient.ToolSpec> specs(List<String> languages) {
        return List.of(
                new LlmClient.ToolSpec(END_CALL,
                        "End the call after you have said goodbye, when the caller is done or asks to hang up.",
                        schema("reason", "Why the call ends, in a few words.", null)),
                new LlmClient.ToolSpec(TRANSFER_TO_HUMAN,
                        "Hand the caller to a human colleague, when they ask for a person or you cannot help.",
                        schema("summary", "What the caller needs, in one or two sentences for the colleague.", null)),
                new LlmClient.ToolSpec(SEND_DIGITS,
                        "Send DTMF tones on the line, e.g. to navigate a phone menu. Allowed: 0-9, *, # and w (half a second pause).",
                        schema("digits", "The digits to send, e.g. \"1w2#\".", null)),
                new LlmClient.ToolSpec(SWITCH_LANGUAGE,
                        "Switch speech and transcription to another language when the caller prefers it.",
                        schema("code", "The language code.", languages)));
    }

    private static String schema(String property, String description, List<String> allowed) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "object");
        ObjectNode prop = root.putObject("properties").putObject(property);
        prop.put("type", "string");
        prop.put("description", description);
        if (allowed != null && !allowed.isEmpty()) {
            ArrayNode values = prop.putArray("enum");
            allowed.forEach(values::add);
        }
        root.putArray("required").add(property);
        root.put("additionalProperties", false);
        return root.toString();
    }

    /** The string argument {@code name} of a call, or null when the arguments lack it or are not JSON. */
    static String argument(LlmClient.ToolCall call, String name) throws IOException {
        String raw = call.argumentsJson() == null || call.argumentsJson().isBlank() ? "{}" : call.argumentsJson();
        JsonNode node = JSON.readTree(raw);
        if (node == null || !node.isObject()) {
            throw new IOException("arguments are not a JSON object");
        }
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** handoffData for {@code end}: a JSON object the action webhook reads. */
    static String handoff(String reason, boolean handToHuman, String summary) {
        ObjectNode node = JSON.createObjectNode();
        node.put("reason", reason);
        node.put("handToHuman", handToHuman);
        node.put("by", "agent");
        if (summary != null) {
            node.put("summary", summary);
        }
        return node.toString();
    }
}
