package app.switchboard.agent;

import app.switchboard.agent.LlmClient.Listener;
import app.switchboard.agent.LlmClient.ToolCall;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.http.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import okhttp3.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming answer of {@link OpenAiChatClient}: the request's progress marks, the
 * server-sent events read on a stream thread, tool calls gathered from their fragments, and the
 * one end (finish or cancel) that reaches the listener.
 */
final class ChatStream {

    private static final Logger LOG = LoggerFactory.getLogger(ChatStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    final String id;
    final Listener listener;
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicBoolean finished = new AtomicBoolean();
    final AtomicBoolean sent = new AtomicBoolean();
    final AtomicBoolean responseClosed = new AtomicBoolean();
    final TreeMap<Long, String[]> toolCalls = new TreeMap<>();
    volatile Call call;
    volatile HttpResponse response;
    volatile String finishReason;

    /** Open responses of the client, and how it forgets a stream that ended. */
    private final AtomicInteger openResponses;
    private final Consumer<String> forget;

    ChatStream(String id, Listener listener, AtomicInteger openResponses, Consumer<String> forget) {
        this.id = id;
        this.listener = listener;
        this.openResponses = openResponses;
        this.forget = forget;
    }

    void requestSent() {
        if (!cancelled.get() && sent.compareAndSet(false, true)) {
            listener.onRequestSent();
        }
    }

    /**
     * Reads the server-sent events of an answer on a stream thread. openai-java has checked
     * the status (an error status arrives here as its exception); the chunks are read with
     * Jackson's streaming parser rather than openai-java's chunk model, whose Kotlin-reflection
     * creators cost more CPU than the rest of the client together.
     */
    void read(HttpResponse answer, Throwable error) {
        if (error != null) {
            finish(error);
            return;
        }
        response = answer;
        openResponses.incrementAndGet();
        if (cancelled.get()) {
            closeResponse(); // cancelled while the headers were on their way
            return;
        }
        try (var body = answer.body()) {
            new ServerSentEventReader(body).read(this::dispatch, cancelled::get);
            finish(null);
        } catch (IOException | RuntimeException e) {
            finish(e);
        } finally {
            closeResponse();
        }
    }

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    /** One event; true when the answer is over ({@code [DONE]}). */
    private boolean dispatch(String event, byte[] data, int length) throws IOException {
        if (java.util.Arrays.equals(data, 0, length, DONE, 0, DONE.length)) {
            return true;
        }
        if ("error".equals(event)) {
            throw new OpenAiChatClient.StreamError(new String(data, 0, length, StandardCharsets.UTF_8));
        }
        data(data, length);
        return false;
    }

    /** One chat-completion chunk: only choice 0's text, tool-call pieces and finish reason matter. */
    void data(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        data(bytes, bytes.length);
    }

    /** The same, from the first {@code length} bytes of {@code json} (UTF-8), as the stream delivers it. */
    void data(byte[] json, int length) throws IOException {
        if (cancelled.get() || finished.get()) {
            return;
        }
        try (JsonParser p = JSON.getFactory().createParser(json, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new OpenAiChatClient.StreamError(new String(json, 0, length, StandardCharsets.UTF_8));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("choices") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        choice(p);
                    }
                } else if (field.equals("error") && value != JsonToken.VALUE_NULL) {
                    throw new OpenAiChatClient.StreamError(new String(json, 0, length, StandardCharsets.UTF_8));
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private void choice(JsonParser p) throws IOException {
        long index = -1;
        String content = null;
        String reason = null;
        List<long[]> order = new ArrayList<>(0);
        List<String[]> tools = new ArrayList<>(0);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "index" -> index = p.getLongValue();
                case "finish_reason" -> reason = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "delta" -> {
                    if (value != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        break;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String d = p.currentName();
                        JsonToken v = p.nextToken();
                        if (d.equals("content") && v == JsonToken.VALUE_STRING) {
                            content = p.getText();
                        } else if (d.equals("tool_calls") && v == JsonToken.START_ARRAY) {
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                String[] call = new String[3];
                                long[] at = {-1};
                                toolCall(p, call, at);
                                tools.add(call);
                                order.add(at);
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (index != 0) {
            return;
        }
        if (content != null && !content.isEmpty()) {
            listener.onToken(content);
        }
        for (int i = 0; i < tools.size(); i++) {
            toolDelta(order.get(i)[0], tools.get(i));
        }
        if (reason != null) {
            finishReason = reason;
        }
    }

    /** {index, id, function: {name, arguments}} into {id, name, arguments}; absent parts stay null. */
    private void toolCall(JsonParser p, String[] call, long[] index) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("index") && value == JsonToken.VALUE_NUMBER_INT) {
                index[0] = p.getLongValue();
            } else if (field.equals("id") && value == JsonToken.VALUE_STRING) {
                call[0] = p.getText();
            } else if (field.equals("function") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if (f.equals("name") && v == JsonToken.VALUE_STRING) {
                        call[1] = p.getText();
                    } else if (f.equals("arguments") && v == JsonToken.VALUE_STRING) {
                        call[2] = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /** Tool calls stream in pieces keyed by index: id and name first, then argument fragments. */
    private void toolDelta(long index, String[] delta) {
        String[] call = toolCalls.computeIfAbsent(index, i -> new String[] {null, null, ""});
        if (delta[0] != null) {
            call[0] = delta[0];
        }
        if (delta[1] != null) {
            boolean first = call[1] == null;
            call[1] = delta[1];
            if (first) {
                listener.onToolCallStarted(call[0], delta[1]);
            }
        }
        if (delta[2] != null) {
            call[2] = call[2] + delta[2];
        }
    }

    void finish(Throwable error) {
        forget.accept(id);
        closeResponse();
        if (cancelled.get() || !finished.compareAndSet(false, true)) {
            return;
        }
        if (error != null) {
            listener.onError(OpenAiChatClient.failure(error));
            return;
        }
        if (finishReason == null) {
            listener.onError(new OpenAiChatClient.LlmException("stream cut: it ended before the answer finished", null));
            return;
        }
        for (Map.Entry<Long, String[]> e : toolCalls.entrySet()) {
            String[] c = e.getValue();
            if (c[1] != null) {
                listener.onToolCall(new ToolCall(c[0] == null ? "call_" + e.getKey() : c[0], c[1], c[2]));
            }
        }
        listener.onComplete();
    }

    void cancel() {
        if (!cancelled.compareAndSet(false, true)) {
            return;
        }
        forget.accept(id);
        Call c = call;
        if (c != null) {
            c.cancel();
        }
        closeResponse();
    }

    /**
     * Every answer's response is closed, whatever ended it. (With openai-java's own
     * {@code AsyncStreamResponse}, an unclosed response was held by a {@link java.lang.ref.Cleaner}
     * together with its handler, this handle, its listener and the agent's turn: never collected.)
     */
    void closeResponse() {
        HttpResponse r = response;
        if (r != null && responseClosed.compareAndSet(false, true)) {
            openResponses.decrementAndGet();
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing a finished model stream failed", e);
            }
        }
    }
}
