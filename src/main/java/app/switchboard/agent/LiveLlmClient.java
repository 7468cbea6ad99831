package app.switchboard.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The app's model client, replaceable while calls run: a model or base URL saved in the console
 * applies from the next model request. A stream already running stays on the client that started
 * it; replaced clients are closed with this one, not at once, so no answer is cut by a save.
 */
public final class LiveLlmClient implements LlmClient {

    private volatile LlmClient current;
    private final List<LlmClient> retired = new ArrayList<>();

    public LiveLlmClient(LlmClient first) {
        this.current = Objects.requireNonNull(first, "first");
    }

    /** Requests from now on go to {@code next}. */
    public synchronized void replace(LlmClient next) {
        Objects.requireNonNull(next, "next");
        retired.add(current);
        current = next;
    }

    /** The client new requests go to. */
    public LlmClient current() {
        return current;
    }

    @Override
    public String describe() {
        return current.describe();
    }

    @Override
    public Stream stream(Request request, Listener listener) {
        return current.stream(request, listener);
    }

    @Override
    public synchronized void close() {
        for (LlmClient old : retired) {
            closeQuietly(old);
        }
        retired.clear();
        closeQuietly(current);
    }

    private static void closeQuietly(LlmClient client) {
        try {
            client.close();
        } catch (Exception e) {
            // Closing releases threads and connections; nothing is left to report to.
        }
    }
}
