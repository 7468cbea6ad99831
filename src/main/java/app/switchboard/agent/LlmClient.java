package app.switchboard.agent;

import java.util.List;

/**
 * A streaming chat model. One instance serves every call; {@link #stream} must not block and
 * must deliver the listener's callbacks on its own threads (the agent hands them to the call's
 * executor).
 */
public interface LlmClient extends AutoCloseable {

    /** What the console and logs show as "the model", e.g. "offline responder". */
    String describe();

    Stream stream(Request request, Listener listener);

    @Override
    default void close() {
    }

    /** What one answer is asked from: the messages in order, and the tools the model may call. */
    record Request(List<ChatMessage> messages, List<ToolSpec> tools) {
        public Request {
            messages = List.copyOf(messages);
            tools = tools == null ? List.of() : List.copyOf(tools);
        }

        public static Request of(List<ChatMessage> messages) {
            return new Request(messages, List.of());
        }
    }

    /**
     * A function the model may call. {@code parametersJsonSchema} is the JSON schema of its
     * arguments object, as a JSON string.
     */
    record ToolSpec(String name, String description, String parametersJsonSchema) {
    }

    /** A complete function call as the model asked for it; {@code argumentsJson} is raw, possibly invalid, JSON. */
    record ToolCall(String id, String name, String argumentsJson) {
    }

    /** A running answer; {@link #cancel} closes it at once and nothing more is delivered. */
    interface Stream {
        void cancel();
    }

    interface Listener {
        /** The request left for the model (the HTTP request was written); optional, for latency marks. */
        default void onRequestSent() {
        }

        void onToken(String token);

        /** A function call began streaming (its name is known, its arguments not yet); optional. */
        default void onToolCallStarted(String id, String name) {
        }

        /** The model asked for a function call; delivered, complete, before {@link #onComplete}. */
        default void onToolCall(ToolCall call) {
        }

        /** The answer ended normally. */
        void onComplete();

        /** The answer failed; no more callbacks follow. */
        void onError(Throwable failure);
    }
}
