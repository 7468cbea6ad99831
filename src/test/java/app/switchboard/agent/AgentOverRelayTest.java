package app.switchboard.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer.Finish;
import app.switchboard.agent.FakeOpenAiServer.Gate;
import app.switchboard.agent.FakeOpenAiServer.Reply;
import app.switchboard.agent.FakeOpenAiServer.Token;
import app.switchboard.agent.FakeOpenAiServer.ToolCallStep;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: Twilio's side played by a real WebSocket client over TLS against the real relay,
 * the agent answering through openai-java from the local model server.
 */
public class AgentOverRelayTest {

    @TempDir
    Path dataDir;

    private FakeOpenAiServer model;
    private OpenAiChatClient llm;
    private CallRegistry registry;
    private RelayServer relay;
    private HttpClient http;
    private WebSocketClient ws;

    @BeforeEach
    void start() throws Exception {
        model = new FakeOpenAiServer();
        llm = new OpenAiChatClient(OpenAiAgentTest.API_KEY, model.baseUrl(), "fake-model", 256);
        llm.warmUp();
        OpenAiAgentTest.warmRequest(llm, model);
        Settings settings = new Settings();
        registry = new CallRegistry(ConversationAgent.factory(llm,
                AgentSettings.defaults().withProtectedSecrets(List.of(OpenAiAgentTest.API_KEY))),
                settings.languageCodes(), "en-US");
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, null,
                new RelayConfig.TlsSource.SelfSigned(dataDir), null, settings), registry);
        relay.start();
        http = new HttpClient();
        http.setSslContextFactory(new SslContextFactory.Client(true));
        ws = new WebSocketClient(http);
        ws.start();
    }

    @AfterEach
    void stop() throws Exception {
        ws.stop();
        relay.close();
        registry.close();
        llm.close();
        model.close();
    }

    /** Twilio's end of one relay session (public: Jetty looks its listener methods up reflectively). */
    public static final class Twilio extends Session.Listener.AbstractAutoDemanding {
        final List<OutboundMessage> frames = new CopyOnWriteArrayList<>();
        final List<String> invalid = new CopyOnWriteArrayList<>();

        @Override
        public void onWebSocketText(String message) {
            try {
                frames.add(ProtocolCodec.decodeOutbound(message));
            } catch (RuntimeException e) {
                invalid.add(message);
            }
        }

        void send(InboundMessage message) {
            getSession().sendText(ProtocolCodec.encodeInbound(message), Callback.NOOP);
        }

        String spoken() {
            StringBuilder b = new StringBuilder();
            frames.stream().filter(f -> f instanceof OutboundMessage.Text).forEach(f -> b.append(((OutboundMessage.Text) f).token()));
            return b.toString();
        }

        long finals() {
            return frames.stream().filter(f -> f instanceof OutboundMessage.Text t && t.last()).count();
        }
    }

    private Twilio connect(String callSid) throws Exception {
        Twilio twilio = new Twilio();
        ws.connect(twilio, URI.create(relay.localRelayUrl())).get(10, TimeUnit.SECONDS);
        twilio.send(new InboundMessage.Setup("VX" + callSid.substring(2), "AC" + "0".repeat(32), callSid, "", "+15550001111",
                "+15550002222", "", "", "inbound", "PSTN", "RINGING", Map.of()));
        return twilio;
    }

    @Test
    void callerBargesInOverTheRelayAndTheNextTurnCarriesOnlyWhatWasHeard() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        model.script(r -> r.index == 0
                ? Reply.stream(new Token("That"), new Token(" will"), new Token(" be"), new Token(" $20"), new Token(" today"),
                        new Token(", and"), new Gate(never), new Token(" more later."), new Finish("stop"))
                : Reply.tokens("Sure."));
        Twilio twilio = connect("CA00000000000000000000000000000e2e");
        twilio.send(new InboundMessage.Prompt("How much do I owe?", "en-US", true));
        await().atMost(Duration.ofSeconds(15)).until(() -> twilio.spoken().contains("today"));

        twilio.send(new InboundMessage.Interrupt("That will be twenty dollars", 900L));
        await().atMost(Duration.ofSeconds(10)).untilTrue(model.request(0).disconnected);
        twilio.send(new InboundMessage.Prompt("Why so much?", "en-US", true));
        await().atMost(Duration.ofSeconds(15)).until(() -> twilio.finals() >= 1);

        List<String[]> m = model.request(1).messages();
        assertEquals("assistant", m.get(2)[0]);
        assertEquals("That will be $20", m.get(2)[1]);
        assertTrue(twilio.spoken().endsWith("Sure."));
        assertFalse(twilio.spoken().contains("more later"));
        assertTrue(twilio.invalid.isEmpty(), twilio.invalid.toString());
    }

    @Test
    void transferToHumanEndsTheSessionWithHandoffDataOverTheRelay() throws Exception {
        model.script(r -> Reply.stream(new Token("One moment, I will connect you."),
                new ToolCallStep(0, "call_h", "transfer_to_human", "{\"summary\":\"Wants a refund\"}"), new Finish("tool_calls")));
        Twilio twilio = connect("CA00000000000000000000000000000e2f");
        twilio.send(new InboundMessage.Prompt("Let me talk to a person", "en-US", true));
        await().atMost(Duration.ofSeconds(15)).until(() -> twilio.frames.stream().anyMatch(f -> f instanceof OutboundMessage.End));

        OutboundMessage.End end = (OutboundMessage.End) twilio.frames.get(twilio.frames.size() - 1);
        var handoff = new ObjectMapper().readTree(end.handoffData());
        assertTrue(handoff.path("handToHuman").asBoolean());
        assertEquals("Wants a refund", handoff.path("summary").asText());
        assertEquals(1, twilio.finals(), "the talk cycle was closed before the end");
    }
}
