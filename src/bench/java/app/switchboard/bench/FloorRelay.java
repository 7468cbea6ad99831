package app.switchboard.bench;

import app.switchboard.agent.ChatMessage;
import app.switchboard.agent.LlmClient;
import app.switchboard.agent.OpenAiChatClient;
import app.switchboard.call.SentFrames;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import app.switchboard.relay.CallTokens;
import app.switchboard.relay.TlsConnector;
import app.switchboard.relay.TlsMaterial;
import app.switchboard.relay.TwilioSignatures;
import app.switchboard.relay.TwimlFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A measured floor for issue 10 (relay CPU per turn), not a product: the simplest relay that keeps
 * exactly the parts the issue requires, run by {@link RelayBench} {@code --relay-main} in place of
 * the product, so the notes can say what those parts alone cost on the same machine.
 *
 * <p>Kept: Jetty 12 over TLS (the product's self-signed certificate from the data directory, its
 * connector settings and thread pool, so handshakes and records cost the same); Twilio signatures
 * on {@code /twiml}, the {@code /relay} upgrade and {@code /action} (the twilio SDK's validator,
 * via the product's {@link TwilioSignatures}); the product's TwiML ({@link TwimlFactory}, twilio's
 * builders) with its per-call {@link CallTokens} token, checked on {@code setup}; the protocol's
 * one codec ({@link ProtocolCodec}) and the product's token frames ({@link SentFrames}); the model
 * through the product's own {@link OpenAiChatClient} (openai-java, streaming chat completions,
 * built as the app builds it), the conversation sent whole each turn.
 *
 * <p>Left out, which is the point: call sessions and their executors, events, the store, consoles,
 * alerts, the output guard, tools, metrics, rate limits. {@code --floor-store} adds back a minimal
 * store: one SQLite row per utterance (prompt and whole reply), group-committed on a writer thread
 * of its own, never on a socket or model thread.
 *
 * <p>Command line as {@link BenchProcesses} starts a relay ({@code --headless --port 0 --data-dir
 * DIR}, other flags ignored); secrets from {@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY},
 * {@code TWILIO_AUTH_TOKEN}; the product's start-up lines on stdout.
 */
public final class FloorRelay {

    private static final String END_OF_TURN = ProtocolCodec.encode(new OutboundMessage.Text("", true, null, null, true));

    private final Settings settings;
    private final LlmClient llm;
    private final TwilioSignatures signatures;
    private final CallTokens tokens;
    private final FloorStore store;
    private String publicBase;
    private TwimlFactory twiml;

    private FloorRelay(Settings settings, LlmClient llm, String authToken, CallTokens tokens, FloorStore store) {
        this.settings = settings;
        this.llm = llm;
        this.signatures = new TwilioSignatures(List.of(authToken));
        this.tokens = tokens;
        this.store = store;
    }

    public static void main(String[] args) throws Exception {
        String host = null;
        int port = 0;
        Path root = null;
        boolean withStore = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--data-dir" -> root = Path.of(args[++i]);
                case "--floor-store" -> withStore = true;
                default -> { } // --headless and whatever else the product's command line takes
            }
        }
        Secrets secrets = Secrets.fromEnvironment();
        if (root == null || !secrets.hasOpenAiKey() || !secrets.verifiesSignatures()) {
            System.err.println("usage: FloorRelay --data-dir DIR [--port N] [--host H] [--floor-store]; "
                    + "OPENAI_API_KEY and TWILIO_AUTH_TOKEN must be set (OPENAI_BASE_URL for a local model server)");
            System.exit(2);
        }
        Path data = root.resolve("data");
        Settings settings = Settings.load(root.resolve("config"));
        FloorStore store = withStore ? new FloorStore(data.resolve("floor-utterances.db")) : null;
        FloorRelay relay = new FloorRelay(settings, OpenAiChatClient.create(secrets, settings), secrets.twilioAuthToken(),
                CallTokens.loadOrCreate(data), store);
        Server server = relay.start(TlsMaterial.selfSigned(data), host != null ? host : settings.host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception ignored) {
                // exiting anyway
            }
            relay.llm.close();
            if (store != null) {
                store.close();
            }
        }, "floor-relay-shutdown"));
        server.join();
    }

    private Server start(TlsMaterial tls, String host, int port) throws Exception {
        // The product's thread pool (as RelayServer sizes it) and its own TLS connector.
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("relay");
        Server server = new Server(threads);
        ServerConnector connector = TlsConnector.create(server, tls, host, port);
        server.addConnector(connector);

        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxTextMessageSize(settings.maxFrameBytes);
            container.setIdleTimeout(Duration.ofSeconds(settings.idleTimeoutSeconds));
            container.addMapping("/relay", (request, response, callback) -> {
                if (!signatures.validUpgrade(relayUrl() + query(request), request.getHeaders().get(TwilioSignatures.HEADER))) {
                    Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "Invalid Twilio signature");
                    return null;
                }
                return new CallSocket();
            });
        });
        upgrades.setHandler(new Webhooks());
        context.setHandler(upgrades);
        server.setHandler(context);
        server.start();

        String shownHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        publicBase = "https://" + shownHost + ":" + connector.getLocalPort();
        twiml = new TwimlFactory(settings, relayUrl(), publicBase + "/action", tokens);
        System.out.println("Switchboard relay listening on " + relayUrl());
        System.out.println("TwiML webhook: " + publicBase + "/twiml");
        System.out.println("TLS certificate SHA-256: " + tls.fingerprint());
        System.out.println("Model: " + llm.describe());
        System.out.println("Floor relay for issue 10 (no call sessions, events, console)"
                + (store == null ? "" : "; utterances stored in " + store.file));
        System.out.flush();
        return server;
    }

    private String relayUrl() {
        return "wss://" + publicBase.substring("https://".length()) + "/relay";
    }

    private static String query(Request request) {
        String q = request.getHttpURI().getQuery();
        return q == null || q.isEmpty() ? "" : "?" + q;
    }

    private static void error(String what) {
        // " ERROR " is what the bench counts in a relay's output.
        System.err.println(Instant.now() + " ERROR floor-relay " + what);
    }

    /** {@code POST /twiml} and {@code POST /action}, signed over the public URL; anything else 404. */
    private final class Webhooks extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (!(path.equals("/twiml") || path.equals("/action")) || !HttpMethod.POST.is(request.getMethod())) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            Map<String, String> form = new LinkedHashMap<>();
            for (Fields.Field f : FormFields.getFields(request)) {
                form.put(f.getName(), f.getValue());
            }
            if (!signatures.validWebhook(publicBase + path + query(request), form,
                    request.getHeaders().get(TwilioSignatures.HEADER))) {
                Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "Invalid Twilio signature");
                return true;
            }
            String body = path.equals("/twiml") ? twiml.connect(form) : twiml.action(form).twiml();
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    /**
     * One relay socket and its call (public: Jetty finds its methods by a public lookup). Frames
     * arrive on Jetty's threads, tokens on the model client's stream thread; the monitor keeps a
     * token and an interrupt (or the next prompt) from racing. Jetty queues outgoing frames in
     * order, so sending under it never waits.
     */
    public final class CallSocket implements Session.Listener.AutoDemanding {
        private volatile Session session;
        // Guarded by this.
        private String callSid;
        private final List<ChatMessage> conversation = new ArrayList<>();
        private LlmClient.Stream answer;
        private StringBuilder said;
        private String prompt;
        /** The turn whose tokens may still be sent; a cancelled turn's late tokens are dropped. */
        private long turn;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String text) {
            InboundMessage message = ProtocolCodec.decodeInbound(text);
            synchronized (this) {
                if (message instanceof InboundMessage.Setup setup && callSid == null) {
                    if (!tokens.valid(setup.callSid(), setup.customParameters().get(CallTokens.PARAMETER))) {
                        session.close(StatusCode.POLICY_VIOLATION, "Setup without a valid relay token for this call",
                                org.eclipse.jetty.websocket.api.Callback.NOOP);
                        return;
                    }
                    callSid = setup.callSid();
                    conversation.add(ChatMessage.system(settings.systemPrompt));
                } else if (message instanceof InboundMessage.Prompt p && p.last() && callSid != null) {
                    stopAnswer(null);
                    conversation.add(ChatMessage.user(p.voicePrompt()));
                    ask(p.voicePrompt());
                } else if (message instanceof InboundMessage.Interrupt i) {
                    stopAnswer(i.utteranceUntilInterrupt());
                }
            }
        }

        /** Sends the whole conversation; each token goes out as the product's token frame. */
        private void ask(String userText) {
            long mine = ++turn;
            said = new StringBuilder();
            prompt = userText;
            answer = llm.stream(LlmClient.Request.of(conversation), new LlmClient.Listener() {
                @Override
                public void onToken(String token) {
                    synchronized (CallSocket.this) {
                        if (turn == mine) {
                            said.append(token);
                            send(ProtocolCodec.encode(SentFrames.agentTokenFrame(token)));
                        }
                    }
                }

                @Override
                public void onComplete() {
                    synchronized (CallSocket.this) {
                        if (turn == mine) {
                            send(END_OF_TURN);
                            finishTurn(said.toString());
                        }
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    synchronized (CallSocket.this) {
                        if (turn == mine) {
                            error("model stream failed on call " + callSid + ": " + failure);
                            send(END_OF_TURN);
                            finishTurn(said.toString());
                        }
                    }
                }
            });
        }

        /** Cancels a running answer; the conversation keeps what the caller heard of it. */
        private void stopAnswer(String heard) {
            if (answer == null) {
                return;
            }
            answer.cancel();
            finishTurn(heard != null && !heard.isEmpty() ? heard : said.toString());
        }

        private void finishTurn(String reply) {
            turn++;
            answer = null;
            conversation.add(ChatMessage.assistant(reply));
            if (store != null) {
                store.add(callSid, prompt, reply);
            }
        }

        private void send(String frame) {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.sendText(frame, org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
            synchronized (this) {
                if (answer != null) {
                    answer.cancel();
                    turn++;
                    answer = null;
                }
            }
            callback.succeed();
        }
    }
}
