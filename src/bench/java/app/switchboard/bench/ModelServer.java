package app.switchboard.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An OpenAI-compatible model server for benchmarks, meant to run as its own process: a real
 * HTTP/1.1 server (Jetty 12) that reads each whole request, then answers
 * {@code POST /v1/chat/completions} with a streamed reply whose chunks are shaped like
 * OpenAI's ({@code chat.completion.chunk}: a role chunk, one chunk per token, a finish chunk,
 * a usage chunk when {@code stream_options.include_usage} asks for one, {@code data: [DONE]}).
 * Non-streaming requests get a {@code chat.completion} object. The first token leaves after
 * {@code --first-token-ms}, the rest at {@code --tokens-per-second} (0: as fast as the socket
 * takes them), each chunk a separate write, as a fast model would stream.
 *
 * <p>Nothing blocks a thread while pacing: writes are chained on a small scheduler, so 500
 * concurrent streams cost no more than their bytes.
 *
 * <p>For the benchmark's per-token latency it records when it handed each token's chunk to the
 * socket ({@link System#nanoTime()}, which on Linux is {@code CLOCK_MONOTONIC}, one clock for
 * every process on the machine), keyed by the last user message. {@code GET /bench/sends}
 * returns and forgets them; {@code GET /bench/clock} returns the clock, so a client can check
 * that it shares it.
 *
 * <p>The OpenAI wire shapes (chunks, usage, completion, errors) are {@link OpenAiWire}'s; what a
 * request asks and the reply's words, {@link ModelRequests}'.
 */
@Command(name = "switchboard-model-server", mixinStandardHelpOptions = true,
        description = "OpenAI-compatible streaming chat-completions server for benchmarks.")
public final class ModelServer implements AutoCloseable, Callable<Integer> {

    public static final String READY = "Model server listening on ";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--first-token-ms", defaultValue = "0", description = "Time to first token (default: ${DEFAULT-VALUE}).")
    long firstTokenMillis;

    @Option(names = "--tokens-per-second", defaultValue = "0",
            description = "Token pace after the first; 0 streams as fast as the socket takes them (default: ${DEFAULT-VALUE}).")
    double tokensPerSecond;

    @Option(names = "--tokens", defaultValue = "20", description = "Tokens per reply (default: ${DEFAULT-VALUE}).")
    int tokensPerReply = 20;

    /** When each token of one reply was handed to the socket. */
    public record Sends(String user, List<String> tokens, long[] nanos) {
    }

    private Server server;
    private ServerConnector connector;
    private ScheduledThreadPoolExecutor pacer;
    private final ConcurrentLinkedQueue<Sends> sends = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong summaries = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ModelServer()).execute(args));
    }

    /** Starts a server in this JVM (tests). */
    public static ModelServer start(long firstTokenMillis, double tokensPerSecond, int tokensPerReply) throws Exception {
        ModelServer s = new ModelServer();
        s.firstTokenMillis = firstTokenMillis;
        s.tokensPerSecond = tokensPerSecond;
        s.tokensPerReply = tokensPerReply;
        s.start();
        return s;
    }

    @Override
    public Integer call() throws Exception {
        start();
        System.out.println(READY + baseUrl());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }, "model-server-shutdown"));
        // Run as a child: when the parent goes away (stdin closes) so does this server.
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // discard
                }
            } catch (IOException ignored) {
                // treated as closed
            }
            System.exit(0);
        }, "model-server-stdin");
        watcher.setDaemon(true);
        watcher.start();
        stopped.await();
        return 0;
    }

    void start() throws Exception {
        pacer = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "model-pacer");
            t.setDaemon(true);
            return t;
        });
        pacer.setRemoveOnCancelPolicy(true);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("model-http");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
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
        return "http://" + host + ":" + connector.getLocalPort() + "/v1";
    }

    public long requests() {
        return requests.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Returns and forgets the recorded sends. */
    public List<Sends> drainSends() {
        List<Sends> out = new ArrayList<>();
        for (Sends s; (s = sends.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    private void serve(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        // A real server reads the whole request before it answers, whatever the answer is.
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        if (path.startsWith("/bench/")) {
            serveBench(path, request, response, callback);
            return;
        }
        if (!path.equals("/v1/chat/completions")) {
            error(response, callback, 404, "Unknown path " + path, "invalid_request_error");
            return;
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            error(response, callback, 405, "Use POST", "invalid_request_error");
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            error(response, callback, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
            return;
        }
        if (json == null || !json.path("messages").isArray()) {
            error(response, callback, 400, "Missing required parameter: 'messages'.", "invalid_request_error");
            return;
        }
        // A call's post-call summary is the relay's work too, but not a turn: counted apart, never paired.
        boolean summary = ModelRequests.isSummary(json);
        (summary ? summaries : requests).incrementAndGet();
        String id = "chatcmpl-bench" + ids.incrementAndGet();
        String model = json.path("model").asText("bench-model");
        String user = ModelRequests.lastUser(json);
        List<String> tokens = ModelRequests.reply(user, tokensPerReply);
        int promptTokens = Math.max(1, body.length() / 4);
        response.getHeaders().put("x-request-id", "req_" + id);
        if (!json.path("stream").asBoolean(false)) {
            complete(response, callback, id, model, String.join("", tokens), promptTokens, tokens.size());
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        boolean usage = json.path("stream_options").path("include_usage").asBoolean(false);
        Stream stream = new Stream(response, callback, id, model, tokens, usage, promptTokens,
                summary ? null : new Sends(user, tokens, new long[tokens.size()]));
        long start = System.nanoTime();
        stream.firstAt = start + TimeUnit.MILLISECONDS.toNanos(firstTokenMillis);
        if (firstTokenMillis > 0) {
            pacer.schedule(() -> stream.write(0), firstTokenMillis, TimeUnit.MILLISECONDS);
        } else {
            stream.write(0);
        }
    }

    /** One reply being streamed: each write is started when the previous one has completed. */
    private final class Stream {
        final Response response;
        final Callback done;
        final OpenAiWire.Reply reply;
        final List<String> tokens;
        final int promptTokens;
        final Sends record;
        long firstAt;

        Stream(Response response, Callback done, String id, String model, List<String> tokens, boolean usage,
               int promptTokens, Sends record) {
            this.response = response;
            this.done = done;
            this.reply = new OpenAiWire.Reply(id, model, System.currentTimeMillis() / 1000, usage);
            this.tokens = tokens;
            this.promptTokens = promptTokens;
            this.record = record;
        }

        void write(int i) {
            try {
                if (i == tokens.size()) {
                    StringBuilder end = new StringBuilder(OpenAiWire.finishChunk(reply));
                    if (reply.usage()) {
                        end.append(OpenAiWire.usageChunk(reply, promptTokens, tokens.size()));
                    }
                    end.append("data: [DONE]\n\n");
                    if (record != null) {
                        sends.add(record);
                    }
                    Content.Sink.write(response, true, end.toString(), Callback.from(() -> {
                        completed.incrementAndGet();
                        done.succeeded();
                    }, this::fail));
                    return;
                }
                String text = (i == 0 ? OpenAiWire.roleChunk(reply) : "") + OpenAiWire.tokenChunk(reply, tokens.get(i));
                if (record != null) {
                    record.nanos()[i] = System.nanoTime();
                }
                Content.Sink.write(response, false, text, Callback.from(() -> next(i + 1), this::fail));
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void next(int i) {
            if (tokensPerSecond <= 0 || i >= tokens.size()) {
                write(i);
                return;
            }
            // Paced against the schedule, not the previous write, so the pace does not drift.
            long due = firstAt + (long) (i * 1e9 / tokensPerSecond);
            long wait = due - System.nanoTime();
            if (wait <= 0) {
                write(i);
            } else {
                pacer.schedule(() -> write(i), wait, TimeUnit.NANOSECONDS);
            }
        }

        private void fail(Throwable failure) {
            failed.incrementAndGet();
            done.failed(failure);
        }
    }

    private void complete(Response response, Callback callback, String id, String model, String text,
                          int promptTokens, int completionTokens) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        completed.incrementAndGet();
        Content.Sink.write(response, true, OpenAiWire.completion(id, model, text, promptTokens, completionTokens), callback);
    }

    private void serveBench(String path, Request request, Response response, Callback callback) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        switch (path) {
            case "/bench/clock" -> out.put("nanos", System.nanoTime());
            case "/bench/sends" -> {
                out.put("requests", requests.get());
                out.put("summaries", summaries.get());
                out.put("completed", completed.get());
                out.put("failed", failed.get());
                ArrayNode list = out.putArray("sends");
                for (Sends s : drainSends()) {
                    ObjectNode o = list.addObject();
                    o.put("user", s.user());
                    ArrayNode tokens = o.putArray("tokens");
                    s.tokens().forEach(tokens::add);
                    ArrayNode nanos = o.putArray("nanos");
                    for (long n : s.nanos()) {
                        nanos.add(n);
                    }
                }
            }
            default -> {
                error(response, callback, 404, "Unknown path " + path, "invalid_request_error");
                return;
            }
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, out.toString(), callback);
    }

    private static void error(Response response, Callback callback, int status, String message, String type) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, OpenAiWire.error(message, type), callback);
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("model server did not stop: " + e.getMessage(), e);
        } finally {
            if (pacer != null) {
                pacer.shutdownNow();
            }
        }
    }
}
