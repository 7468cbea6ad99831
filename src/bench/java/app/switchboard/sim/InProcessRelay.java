package app.switchboard.sim;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.LlmClient;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.SentFrames;
import app.switchboard.config.Settings;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import java.nio.file.Path;

/**
 * The relay as the benchmark runs it: the real {@link RelayServer} over TLS on loopback, the
 * offline responder as the agent, in the same JVM as the simulated calls so that both sides
 * stamp times on one {@link System#nanoTime()} clock. Each answer token is stamped twice on
 * the relay side: when the responder hands it over (before the hop to the call's executor)
 * and when the call writes its {@code text} frame ({@code FRAME_SENT}, seen by a
 * {@code CallControl} listener on the call's executor).
 */
final class InProcessRelay implements AutoCloseable {

    final OfflineResponder responder;
    final CallRegistry registry;
    final RelayServer relay;
    final TokenClock clock = new TokenClock();
    private final AutoCloseable subscription;

    InProcessRelay(Path dataDir, double tokensPerSecond, String authToken, String publicUrl) throws Exception {
        Settings settings = new Settings();
        responder = new OfflineResponder(tokensPerSecond);
        AgentSettings agent = AgentSettings.defaults();
        registry = new CallRegistry(port -> new ConversationAgent(port, stamped(responder, port.callId()), agent),
                settings.languageCodes(), "en-US");
        subscription = registry.subscribe(event -> {
            String frame = SentFrames.frameOf(event.payload());
            if (frame != null && frame.contains("\"type\":\"text\"")) {
                long now = System.nanoTime();
                OutboundMessage message = ProtocolCodec.decodeOutbound(frame);
                String token = ((OutboundMessage.Text) message).token();
                if (!token.isEmpty()) {
                    clock.written(event.callId(), now, token);
                }
            }
        });
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, publicUrl,
                new RelayConfig.TlsSource.SelfSigned(dataDir), authToken, settings), registry);
        relay.start();
    }

    /** The responder, with each token stamped as it leaves the model for the relay. */
    private LlmClient stamped(LlmClient model, String callId) {
        return new LlmClient() {
            @Override
            public String describe() {
                return model.describe();
            }

            @Override
            public Stream stream(Request request, Listener listener) {
                return model.stream(request, new Listener() {
                    @Override
                    public void onRequestSent() {
                        listener.onRequestSent();
                    }

                    @Override
                    public void onToken(String token) {
                        if (!token.isEmpty()) {
                            clock.emitted(callId, System.nanoTime(), token);
                        }
                        listener.onToken(token);
                    }

                    @Override
                    public void onToolCallStarted(String id, String name) {
                        listener.onToolCallStarted(id, name);
                    }

                    @Override
                    public void onToolCall(ToolCall call) {
                        listener.onToolCall(call);
                    }

                    @Override
                    public void onComplete() {
                        listener.onComplete();
                    }

                    @Override
                    public void onError(Throwable failure) {
                        listener.onError(failure);
                    }
                });
            }
        };
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        relay.close();
        registry.close();
        responder.close();
    }
}
