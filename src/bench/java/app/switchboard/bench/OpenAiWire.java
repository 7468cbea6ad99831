package app.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The OpenAI chat-completions wire shapes {@link ModelServer} answers with, spelled out field by
 * field as OpenAI sends them: a stream's {@code chat.completion.chunk} events (role, token,
 * finish, usage), a whole {@code chat.completion}, and the error object.
 */
final class OpenAiWire {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fields every chunk of one streamed reply shares. */
    record Reply(String id, String model, long created, boolean usage) {
    }

    private OpenAiWire() {
    }

    /** The first chunk: the assistant's role, empty content. */
    static String roleChunk(Reply reply) {
        ObjectNode delta = JSON.createObjectNode();
        delta.put("role", "assistant");
        delta.put("content", "");
        delta.putNull("refusal");
        return chunk(reply, delta, null);
    }

    static String tokenChunk(Reply reply, String token) {
        ObjectNode delta = JSON.createObjectNode();
        delta.put("content", token);
        return chunk(reply, delta, null);
    }

    static String finishChunk(Reply reply) {
        return chunk(reply, JSON.createObjectNode(), "stop");
    }

    private static String chunk(Reply reply, ObjectNode delta, String finishReason) {
        ObjectNode chunk = header(reply);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (reply.usage()) {
            chunk.putNull("usage");
        }
        return "data: " + chunk + "\n\n";
    }

    /** The chunk {@code stream_options.include_usage} asks for: no choices, the token counts. */
    static String usageChunk(Reply reply, int promptTokens, int completionTokens) {
        ObjectNode chunk = header(reply);
        chunk.putArray("choices");
        usage(chunk, promptTokens, completionTokens);
        return "data: " + chunk + "\n\n";
    }

    private static ObjectNode header(Reply reply) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", reply.id());
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", reply.created());
        chunk.put("model", reply.model());
        chunk.put("service_tier", "default");
        chunk.put("system_fingerprint", "fp_bench");
        return chunk;
    }

    /** A non-streaming reply. */
    static String completion(String id, String model, String text, int promptTokens, int completionTokens) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion");
        c.put("created", System.currentTimeMillis() / 1000);
        c.put("model", model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", text);
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        usage(c, promptTokens, completionTokens);
        return c.toString();
    }

    private static void usage(ObjectNode on, int promptTokens, int completionTokens) {
        ObjectNode u = on.putObject("usage");
        u.put("prompt_tokens", promptTokens);
        u.put("completion_tokens", completionTokens);
        u.put("total_tokens", promptTokens + completionTokens);
    }

    static String error(String message, String type) {
        ObjectNode e = JSON.createObjectNode();
        ObjectNode err = e.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.putNull("param");
        err.putNull("code");
        return e.toString();
    }
}
