package app.switchboard.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A local OpenAI-compatible model server for tests: a real HTTP server (Jetty 12 core handler on
 * 127.0.0.1, a free port) answering {@code POST /v1/chat/completions} with server-sent events in
 * the chat-completions chunk format. Each request is recorded (headers, parsed body) and
 * answered by a per-test script: tokens, tool calls, pauses, gates the test opens, HTTP errors, a
 * stream cut mid-answer, a stall or a hang. While streaming it notices when the client goes
 * away, and records that as a disconnect.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server received it. */
    public static final class Recorded {
        public final int index;
        public final JsonNode body;
        public final Map<String, String> headers;
        public final AtomicBoolean disconnected = new AtomicBoolean();
        public final AtomicBoolean finished = new AtomicBoolean();
        public final CountDownLatch started = new CountDownLatch(1);

        Recorded(int index, JsonNode body, Map<String, String> headers) {
            this.index = index;
            this.body = body;
            this.headers = headers;
        }

        /** The messages of the request as (role, content) pairs. */
        public List<String[]> messages() {
            List<String[]> out = new ArrayList<>();
            for (JsonNode m : body.path("messages")) {
                out.add(new String[] {m.path("role").asText(), m.path("content").isTextual() ? m.path("content").asText() : ""});
            }
            return out;
        }

        /** The content of the last message with this role, or null. */
        public String last(String role) {
            String found = null;
            for (String[] m : messages()) {
                if (m[0].equals(role)) {
                    found = m[1];
                }
            }
            return found;
        }

        public List<String> toolNames() {
            List<String> names = new ArrayList<>();
            for (JsonNode t : body.path("tools")) {
                names.add(t.path("function").path("name").asText());
            }
            return names;
        }
    }

    /** One step of a scripted answer. */
    public sealed interface Step {
    }

    public record Token(String text) implements Step {
    }

    public record ToolCallStep(int index, String id, String name, String arguments) implements Step {
    }

    public record Finish(String reason) implements Step {
    }

    /** Pauses the stream until the test opens the gate. */
    public record Gate(CountDownLatch latch) implements Step {
    }

    /** Pauses the stream for a while (pacing for benchmarks; tests use gates). */
    public record Pause(long millis) implements Step {
    }

    /** Keeps the stream open without tokens (SSE comments only) until the client goes away. */
    public record Stall() implements Step {
    }

    /** Writes this text into the event stream as it is (events the other steps cannot shape). */
    public record Raw(String text) implements Step {
    }

    /** Aborts the connection mid-response (no clean end of the chunked body). */
    public record Cut() implements Step {
    }

    /** A script's answer: an HTTP status (200: the steps are streamed), or a hang with no answer at all. */
    public record Reply(int status, List<Step> steps, boolean hangs) {
        public static Reply stream(Step... steps) {
            return new Reply(200, List.of(steps), false);
        }

        /** Tokens followed by a normal finish and [DONE]. */
        public static Reply tokens(String... tokens) {
            List<Step> steps = new ArrayList<>();
            for (String t : tokens) {
                steps.add(new Token(t));
            }
            steps.add(new Finish("stop"));
            return new Reply(200, steps, false);
        }

        public static Reply status(int status) {
            return new Reply(status, List.of(), false);
        }

        /** Accepts the request and never answers (no status line). */
        public static Reply hang() {
            return new Reply(200, List.of(), true);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Recorded, Reply> script = r -> Reply.tokens("Hello", " there.");

    public FakeOpenAiServer() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(400, 8);
        threads.setName("fake-openai");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(256);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    /** e.g. {@code http://127.0.0.1:41234/v1} */
    public String baseUrl() {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/v1";
    }

    public void script(Function<Recorded, Reply> script) {
        this.script = script;
    }

    /** Forgets the requests recorded so far (after a warm-up request). */
    public void reset() {
        synchronized (requests) {
            requests.clear();
        }
    }

    public List<Recorded> requests() {
        return Collections.unmodifiableList(requests);
    }

    public Recorded request(int index) {
        return requests.get(index);
    }

    private void serve(Request request, Response response, Callback callback) throws Exception {
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.put(f.getName().toLowerCase(), f.getValue());
        }
        Recorded rec;
        synchronized (requests) {
            rec = new Recorded(requests.size(), JSON.readTree(body), headers);
            requests.add(rec);
        }
        rec.started.countDown();
        if (!request.getHttpURI().getPath().endsWith("/chat/completions")) {
            Response.writeError(request, response, callback, 404);
            return;
        }
        Reply reply = script.apply(rec);
        if (reply.hangs()) {
            closing.await(60, TimeUnit.SECONDS);
            callback.failed(new IOException("server closing"));
            return;
        }
        if (reply.status() != 200) {
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            String error = "{\"error\":{\"message\":\"scripted " + reply.status() + "\",\"type\":\"test\",\"code\":\"scripted_"
                    + reply.status() + "\"}}";
            Content.Sink.write(response, true, error, callback);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        try {
            for (Step step : reply.steps()) {
                if (step instanceof Token t) {
                    write(response, event(delta().put("content", t.text()), null));
                } else if (step instanceof ToolCallStep c) {
                    ObjectNode delta = delta();
                    ObjectNode call = delta.putArray("tool_calls").addObject();
                    call.put("index", c.index());
                    if (c.id() != null) {
                        call.put("id", c.id());
                        call.put("type", "function");
                    }
                    ObjectNode fn = call.putObject("function");
                    if (c.name() != null) {
                        fn.put("name", c.name());
                    }
                    fn.put("arguments", c.arguments() == null ? "" : c.arguments());
                    write(response, event(delta, null));
                } else if (step instanceof Finish f) {
                    write(response, event(JSON.createObjectNode(), f.reason()));
                    write(response, "data: [DONE]\n\n");
                } else if (step instanceof Gate g) {
                    // Keep the line alive while waiting, so a client that leaves is noticed.
                    while (!g.latch().await(20, TimeUnit.MILLISECONDS)) {
                        write(response, ": waiting\n\n");
                    }
                } else if (step instanceof Pause p) {
                    if (p.millis() > 0) {
                        Thread.sleep(p.millis());
                    }
                } else if (step instanceof Stall) {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (System.nanoTime() < end) {
                        write(response, ": stalling\n\n");
                        if (closing.await(20, TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    }
                } else if (step instanceof Raw raw) {
                    write(response, raw.text());
                } else if (step instanceof Cut) {
                    callback.failed(new IOException("scripted cut"));
                    return;
                }
            }
            rec.finished.set(true);
            Content.Sink.write(response, true, "", callback);
        } catch (IOException e) {
            rec.disconnected.set(true);
            callback.failed(e);
        }
    }

    private static ObjectNode delta() {
        return JSON.createObjectNode();
    }

    private static String event(ObjectNode delta, String finishReason) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", "chatcmpl-fake");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", 1_700_000_000L);
        chunk.put("model", "fake-model");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return "data: " + chunk + "\n\n";
    }

    /** Writes one piece and waits until it left; a client that went away makes this throw. */
    private static void write(Response response, String text) throws IOException {
        FutureCallback done = new FutureCallback();
        Content.Sink.write(response, false, text, done);
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException("client gone: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        closing.countDown();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IOException("fake model server did not stop: " + e.getMessage(), e);
        }
    }
}
