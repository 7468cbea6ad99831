package app.switchboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer;
import app.switchboard.agent.FakeOpenAiServer.Finish;
import app.switchboard.agent.FakeOpenAiServer.Gate;
import app.switchboard.agent.FakeOpenAiServer.Reply;
import app.switchboard.agent.FakeOpenAiServer.Token;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.cluster.ClusterOptions;
import app.switchboard.cluster.RedisServer;
import app.switchboard.cluster.RedisTarget;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's node loss with application reconnect, with a real process killed: one relay node is
 * a child JVM ({@code Launcher --headless --cluster}), the two others run in this JVM as the app
 * assembles them; all answer through openai-java from the local model server and share one
 * redis-server. The child is killed with SIGKILL while it streams an answer; its call shows
 * "relay node lost" on the others, the simulator reconnects it (as Twilio does, through the load
 * balancer) to a surviving node, and the next model request carries the whole conversation.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterNodeKillTest {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String PUBLIC_URL = "https://calls.example.test";
    static final String API_KEY = "sk-test-kill-0123456789";

    @TempDir
    Path dir;
    private RedisServer redis;
    private FakeOpenAiServer model;
    private final CountDownLatch answerHeld = new CountDownLatch(1);
    private final List<AutoCloseable> open = new ArrayList<>();
    private Process child;

    @AfterEach
    void stop() throws Exception {
        answerHeld.countDown();
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (model != null) {
            model.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private SwitchboardApp survivor(String id) throws Exception {
        AppDirectories dirs = AppDirectories.under(dir.resolve(id)).create();
        Settings settings = new Settings();
        settings.host = "127.0.0.1";
        settings.port = 0;
        settings.publicUrl = PUBLIC_URL;
        settings.applicationReconnect = true;
        // Behind one load balancer the nodes present one certificate: the first node's, copied to the others.
        Path shared = dir.resolve("node-b").resolve("data");
        if (!id.equals("node-b")) {
            copyCertificate(shared, dirs.data());
        }
        Secrets secrets = new Secrets(API_KEY, model.baseUrl(), "fake-model", TOKEN, null, null, null, null);
        ClusterOptions options = ClusterOptions.defaults(id).withTimings(Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofSeconds(3), Duration.ofSeconds(15));
        SwitchboardApp app = SwitchboardApp.start(settings, settings, secrets, dirs,
                new RelayConfig.TlsSource.SelfSigned(dirs.data()), 0,
                new SwitchboardApp.ClusterSetup(RedisTarget.parse(redis.uri(), Map.of()), options));
        open.add(app::close);
        return app;
    }

    private static void copyCertificate(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("relay-tls.")).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** The node that will be killed: its own JVM, started as an operator would start a node. */
    private URI startChild(String id) throws Exception {
        Path root = dir.resolve(id);
        Settings settings = new Settings();
        settings.applicationReconnect = true;
        settings.save(root.resolve("config"));
        copyCertificate(dir.resolve("node-b").resolve("data"), root.resolve("data"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName(),
                "--headless", "--host", "127.0.0.1", "--port", "0", "--public-url", PUBLIC_URL,
                "--data-dir", root.toString(), "--cluster", redis.uri(), "--node-id", id);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TWILIO_AUTH_TOKEN", TOKEN);
        pb.environment().put("OPENAI_API_KEY", API_KEY);
        pb.environment().put("OPENAI_BASE_URL", model.baseUrl());
        pb.environment().put("OPENAI_MODEL", "fake-model");
        pb.redirectError(root.resolve("stderr.txt").toFile());
        child = pb.start();
        ProcessLines out = ProcessLines.of(child);
        String first = out.next(Duration.ofSeconds(90));
        String prefix = "Switchboard relay listening on ";
        assertTrue(first != null && first.startsWith(prefix), "first line: " + first + " (stderr in " + root + ")");
        return URI.create(first.substring(prefix.length()).strip());
    }

    private static void assertGapFree(List<CallEvent> record) {
        List<Long> seqs = record.stream().map(CallEvent::seq).toList();
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= seqs.size(); s++) {
            expected.add(s);
        }
        assertEquals(expected, seqs, "one seq, 1 to n without gaps or repeats");
    }

    private static boolean nodeLost(CallControl console, String callId) {
        return console.events(callId).stream().anyMatch(e -> e.payload() instanceof EventPayload.AttentionRaised a
                && "RELAY_NODE_LOST".equals(a.reason()));
    }

    @Test
    void aNodeKilledMidAnswerIsMarkedLostAndItsCallGoesOnOnAnotherNodeWithTheWholeConversation() throws Exception {
        redis = RedisServer.startOwn();
        model = new FakeOpenAiServer();
        model.script(r -> switch (r.index) {
            case 0 -> Reply.tokens("We are open", " nine to five.");
            case 1 -> Reply.stream(new Token("That"), new Token(" will"), new Token(" be"), new Token(" $20"),
                    new Token(" today"), new Gate(answerHeld), new Token(" and more."), new Finish("stop"));
            default -> Reply.tokens("It is the monthly fee.");
        });
        SwitchboardApp b = survivor("node-b");
        SwitchboardApp c = survivor("node-c");
        URI childRelay = startChild("node-a");

        SimClient twilio = SimClient.pinned(b.relay().fingerprint());
        open.add(twilio::close);
        SimulatedCall call = SimulatedCall.builder(twilio, childRelay)
                .signedUrl(b.relay().relayUrl())
                .authToken(TOKEN)
                .action(URI.create(childRelay.toString().replace("wss://", "https://").replace("/relay", "/action")),
                        b.relay().actionUrl())
                .voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(30))
                .build().open();
        open.add(call::close);
        call.say("When are you open", "en-US");
        assertEquals("We are open nine to five.", call.awaitTurn(0).text());
        int mark = call.mark();
        call.say("How much do I owe", "en-US");
        call.awaitFrame(mark, f -> f.isText() && f.text().token().contains("today"));
        // The answer is mid-stream (the model holds the rest) and the other nodes have read it so far.
        await().atMost(Duration.ofSeconds(20)).until(() -> c.control().events(call.callSid()).stream()
                .anyMatch(e -> e.payload() instanceof EventPayload.AgentToken t && t.token().contains("today")));

        child.destroyForcibly(); // SIGKILL: no goodbye to Redis, no call ended, sockets just gone
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        call.awaitClosed();
        for (SwitchboardApp survivor : List.of(b, c)) {
            // The child heart-beats with the production TTL (5 s): lost within TTL + check + read.
            await().atMost(Duration.ofSeconds(20)).until(() -> nodeLost(survivor.control(), call.callSid()));
        }

        // Twilio reconnects through the load balancer, which picks node B.
        SimulatedCall again = call.reconnectVia(URI.create(b.relay().localRelayUrl()));
        open.add(again::close);
        again.say("Why so much", "en-US");
        assertEquals("It is the monthly fee.", again.awaitTurn(0).text());

        List<String> history = model.request(2).messages().stream().filter(m -> !m[0].equals("system"))
                .map(m -> m[0] + ": " + m[1]).toList();
        assertEquals(List.of("user: When are you open", "assistant: We are open nine to five.",
                "user: How much do I owe", "user: Why so much"), history,
                "the next request carries the conversation held on the killed node (its unfinished answer was never"
                        + " completed, so it is not in the history)");

        assertNotNull(b.registry().find(call.callSid()), "node B holds the call");
        EventPayload.SessionReconnected resumed = b.registry().events(call.callSid()).stream()
                .filter(e -> e.kind() == EventKind.SESSION_RECONNECTED).findFirst().orElseThrow()
                .as(EventPayload.SessionReconnected.class);
        assertEquals(EventPayload.SessionReconnected.FROM_CLUSTER, resumed.source());
        // One seq across both nodes, in the surviving node's console view and in its record.
        assertGapFree(b.control().events(call.callSid()));
        assertTrue(b.store().flush(Duration.ofSeconds(10)));
        List<CallEvent> record = b.store().events(call.callSid());
        assertGapFree(record);
        assertEquals(1, record.get(0).seq());
        assertTrue(record.stream().anyMatch(e -> e.kind() == EventKind.TURN_STARTED), "node A's turns are in B's record");
        long lastOnB = b.registry().events(call.callSid()).get(b.registry().events(call.callSid()).size() - 1).seq();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.control().events(call.callSid()).size() == lastOnB);
        assertGapFree(c.control().events(call.callSid()));
    }
}
