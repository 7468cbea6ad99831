package app.switchboard.agent;

import app.switchboard.concurrent.Threads;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model over any OpenAI-compatible server: streaming chat completions through openai-java.
 * One instance serves every call of the app.
 *
 * <p><b>Concurrency.</b> openai-java's own OkHttp client caps asynchronous calls with OkHttp's
 * {@link Dispatcher}: 64 in all, and (openai-java raises OkHttp's default per-host limit of 5 to
 * that) 64 per host, since every call goes to one host. Beyond that, streams would queue silently
 * while callers wait. So this class builds the OkHttp client itself, with a dispatcher allowing
 * {@code maxConcurrentStreams} requests in all and per host and a connection pool that keeps as
 * many idle connections, and hands it to openai-java ({@code OpenAIOkHttpClient.Builder.okHttpClient}).
 *
 * <p><b>Reading.</b> openai-java builds and sends the request and checks the answer's status
 * ({@code withRawResponse()}); the event stream itself is read here, on {@code streamThreads},
 * with Jackson's streaming parser. openai-java's chunk model costs ~25 µs of Kotlin reflection per
 * chunk (jackson-module-kotlin asking each creator parameter {@code isOptional}/{@code type}), most
 * of the client's CPU; the agent needs three fields of each chunk. Every response is closed when
 * its answer ends, however it ends.
 *
 * <p><b>Cancelling.</b> Closing a response only helps once it has arrived; a request still
 * waiting for the server's headers would go on. Each request therefore carries an internal
 * header naming its stream; an interceptor removes it before the request leaves and remembers the
 * OkHttp {@link Call}, which {@link Stream#cancel()} cancels: the socket is closed at once, at any
 * stage.
 *
 * <p><b>Latency.</b> OkHttp does not set TCP_NODELAY, and it writes a request in 8 KiB pieces: a
 * chat request past that size (a long system prompt, a long call) left as two writes, and Nagle
 * held the second until the server's delayed ACK of the first, 40 ms later on every such turn.
 * {@link NoDelaySocketFactory} turns Nagle off on every socket this client opens.
 *
 * <p><b>Faults.</b> openai-java's own retries are off (the agent decides whether a retry is safe).
 * A stream that ends without a {@code finish_reason} counts as cut. Error messages carry the HTTP
 * status and the server's message, never the request's headers (so never the API key).
 */
public final class OpenAiChatClient implements LlmClient {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatClient.class);
    private static final String STREAM_HEADER = "X-Switchboard-Stream";
    public static final String DEFAULT_MODEL = "gpt-4o-mini";
    public static final int DEFAULT_MAX_STREAMS = 256;

    private final String model;
    private final String baseUrl;
    /** Sampling temperature sent with every request; null: the server's default. */
    private final Double temperature;
    private final OkHttpClient http;
    private final ExecutorService httpThreads;
    private final ExecutorService streamThreads;
    private final OpenAIClient client;
    private final ChatRequestParams requests;
    private final Map<String, ChatStream> handles = new ConcurrentHashMap<>();
    /** Stream responses opened and not yet closed: zero once every answer has ended. */
    private final AtomicInteger openResponses = new AtomicInteger();

    /**
     * @param apiKey                 sent as the bearer token; never logged
     * @param baseUrl                an OpenAI-compatible base URL (…/v1); null: OpenAI's
     * @param model                  model name; null: {@link #DEFAULT_MODEL}
     * @param maxConcurrentStreams   answers that may stream at once (all calls together)
     */
    public OpenAiChatClient(String apiKey, String baseUrl, String model, int maxConcurrentStreams) {
        this(apiKey, baseUrl, model, maxConcurrentStreams, null);
    }

    /** As above, with a sampling temperature for every request (null: the server's default). */
    public OpenAiChatClient(String apiKey, String baseUrl, String model, int maxConcurrentStreams, Double temperature) {
        this.temperature = temperature;
        this.model = model == null || model.isBlank() ? DEFAULT_MODEL : model;
        this.baseUrl = baseUrl;
        this.requests = new ChatRequestParams(this.model, temperature);
        this.httpThreads = threads("openai-http-");
        this.streamThreads = threads("openai-stream-");
        Dispatcher dispatcher = new Dispatcher(httpThreads);
        dispatcher.setMaxRequests(maxConcurrentStreams);
        dispatcher.setMaxRequestsPerHost(maxConcurrentStreams);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(maxConcurrentStreams, 5, TimeUnit.MINUTES))
                .connectTimeout(Duration.ofSeconds(5))
                // A stream may pause between tokens; the agent's first-token deadline covers silence.
                .readTimeout(Duration.ofSeconds(30))
                .writeTimeout(Duration.ofSeconds(10))
                .callTimeout(Duration.ZERO)
                .retryOnConnectionFailure(false)
                .socketFactory(new NoDelaySocketFactory())
                .addInterceptor(this::track)
                .eventListenerFactory(this::events)
                .build();
        OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder()
                .okHttpClient(http)
                .streamHandlerExecutor(streamThreads)
                .apiKey(apiKey)
                .maxRetries(0);
        if (baseUrl != null && !baseUrl.isBlank()) {
            builder.baseUrl(baseUrl);
        }
        this.client = builder.build();
    }

    /** The model client the app runs with: openai-java with a key, else the offline responder (said loudly). */
    public static LlmClient create(Secrets secrets, Settings settings) {
        if (!secrets.hasOpenAiKey()) {
            LOG.warn("No OPENAI_API_KEY set: calls are answered by the offline responder (demo mode)");
            return new OfflineResponder(settings.responderTokensPerSecond);
        }
        String base = secrets.openAiBaseUrl() != null ? secrets.openAiBaseUrl() : settings.baseUrl;
        String name = secrets.openAiModel() != null ? secrets.openAiModel() : settings.model;
        OpenAiChatClient c = new OpenAiChatClient(secrets.openAiApiKey(), base, name, DEFAULT_MAX_STREAMS);
        Threads.start("openai-warm-up", c::warmUp);
        LOG.info("Model: {} (API key {})", c.describe(), Secrets.masked(secrets.openAiApiKey()));
        return c;
    }

    /**
     * Loads what the first request needs (openai-java's request and chunk models, their JSON
     * mappings, the error types) without any network traffic. On a cold JVM that takes seconds;
     * without it the first caller of the day would wait for class loading, or even hit the
     * first-token deadline. {@link #create} runs it in the background at start-up.
     */
    public void warmUp() {
        try {
            ToolCall call = new ToolCall("call_0", AgentTools.SEND_DIGITS, "{\"digits\":\"1\"}");
            ChatCompletionCreateParams p = requests.build(new Request(List.of(ChatMessage.system("s"), ChatMessage.user("u"),
                    ChatMessage.assistant("a", List.of(call)), ChatMessage.tool("call_0", "t"), ChatMessage.assistant("a")),
                    AgentTools.specs(List.of("en-US"))), STREAM_HEADER, "warm-up");
            ObjectMappers.jsonMapper().writeValueAsString(p._body());
            ChatStream probe = new ChatStream("warm-up", new Listener() {
                @Override
                public void onToken(String token) {
                }

                @Override
                public void onComplete() {
                }

                @Override
                public void onError(Throwable failure) {
                }
            }, new AtomicInteger(), id -> { });
            probe.data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\",\"tool_calls\":[{\"index\":0,\"id\":\"i\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"n\",\"arguments\":\"{}\"}}]},"
                    + "\"finish_reason\":\"stop\"}]}");
            failure(com.openai.errors.RateLimitException.builder().headers(com.openai.core.http.Headers.builder().build())
                    .build());
        } catch (Exception | LinkageError e) {
            LOG.debug("Warm-up of the model client failed; the first request will be slower", e);
        }
    }

    @Override
    public String describe() {
        return model + " at " + (baseUrl == null ? "api.openai.com" : baseUrl);
    }

    /** The dispatcher's limits, for the record and tests: {maxRequests, maxRequestsPerHost}. */
    int[] dispatcherLimits() {
        return new int[] {http.dispatcher().getMaxRequests(), http.dispatcher().getMaxRequestsPerHost()};
    }

    /** For tests and diagnostics: stream responses not yet closed (each live answer holds one). */
    int openResponses() {
        return openResponses.get();
    }

    @Override
    public Stream stream(Request request, Listener listener) {
        String id = UUID.randomUUID().toString();
        ChatStream handle = new ChatStream(id, listener, openResponses, handles::remove);
        handles.put(id, handle);
        try {
            client.async().chat().completions().withRawResponse().createStreaming(requests.build(request, STREAM_HEADER, id))
                    .whenCompleteAsync(handle::read, streamThreads);
        } catch (RuntimeException e) {
            handle.finish(e);
        }
        return handle::cancel;
    }

    // ---- OkHttp hooks ----

    private okhttp3.Response track(Interceptor.Chain chain) throws IOException {
        okhttp3.Request request = chain.request();
        String id = request.header(STREAM_HEADER);
        if (id == null) {
            return chain.proceed(request);
        }
        ChatStream handle = handles.get(id);
        if (handle != null) {
            handle.call = chain.call();
            if (handle.cancelled.get()) {
                chain.call().cancel();
                throw new IOException("Canceled");
            }
        }
        return chain.proceed(request.newBuilder().removeHeader(STREAM_HEADER).build());
    }

    private EventListener events(Call call) {
        String id = call.request().header(STREAM_HEADER);
        ChatStream handle = id == null ? null : handles.get(id);
        if (handle == null) {
            return EventListener.NONE;
        }
        return new EventListener() {
            @Override
            public void requestBodyEnd(Call c, long byteCount) {
                handle.requestSent();
            }
        };
    }

    /** The server reported an error inside the event stream; the message is its JSON, cut short. */
    static final class StreamError extends IOException {
        private static final long serialVersionUID = 1L;

        StreamError(String data) {
            super(data.length() > 300 ? data.substring(0, 300) + "…" : data);
        }
    }

    /** A model failure with a reason fit for the console: status and message, no headers, no key. */
    public static final class LlmException extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        LlmException(String message, Throwable cause) {
            this(message, cause, true);
        }

        LlmException(String message, Throwable cause, boolean retryable) {
            super(message, cause);
            this.retryable = retryable;
        }

        /** False when asking again cannot help (a refused key, a bad request). */
        public boolean retryable() {
            return retryable;
        }
    }

    static LlmException failure(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof OpenAIServiceException s) {
            String kind = s.statusCode() == 429 ? "rate limited" : s.statusCode() >= 500 ? "server error"
                    : s.statusCode() == 401 || s.statusCode() == 403 ? "not authorised" : "refused";
            boolean retryable = s.statusCode() == 429 || s.statusCode() == 408 || s.statusCode() >= 500;
            return new LlmException("HTTP " + s.statusCode() + " (" + kind + ")" + s.code().map(c -> ": " + c).orElse(""),
                    null, retryable);
        }
        if (t instanceof StreamError) {
            return new LlmException("stream error: " + t.getMessage(), null);
        }
        if (t instanceof SseException) {
            return new LlmException("stream error: " + t.getMessage(), null);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return new LlmException("connection failed: " + c.getMessage(), null);
            }
            if (c instanceof InterruptedIOException) {
                return new LlmException("timed out: " + c.getMessage(), null);
            }
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new LlmException("stream cut: " + message, null);
    }

    @Override
    public void close() {
        handles.values().forEach(ChatStream::cancel);
        client.close();
        http.dispatcher().cancelAll();
        http.connectionPool().evictAll();
        httpThreads.shutdownNow();
        streamThreads.shutdownNow();
    }

    /** Plain sockets with Nagle off; OkHttp layers TLS over them, so HTTPS gets it too. */
    static final class NoDelaySocketFactory extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            return noDelay(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(new Socket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(new Socket(address, port, localAddress, localPort));
        }

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }

    private static ExecutorService threads(String prefix) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), Threads.numbered(prefix));
    }
}
