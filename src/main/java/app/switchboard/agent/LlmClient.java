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

    Stream stream(List<ChatMessage> messages, Listener listener);

    @Override
    default void close() {
    }

    /** A running answer; {@link #cancel} closes it at once and nothing more is delivered. */
    interface Stream {
        void cancel();
    }

    interface Listener {
        void onToken(String token);

        /** The answer ended normally. */
        void onComplete();

        /** The answer failed; no more callbacks follow. */
        void onError(Throwable failure);
    }
}
