package app.switchboard.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer.Finish;
import app.switchboard.agent.FakeOpenAiServer.Gate;
import app.switchboard.agent.FakeOpenAiServer.Reply;
import app.switchboard.agent.FakeOpenAiServer.Token;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallState;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.relay.CallTokens;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallResumption;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twilio's application reconnect end to end: the simulator plays Twilio over real TLS sockets
 * against the real relay, the agent answers through openai-java from the local model server,
 * and the call's record goes to a real SQLite file. A dropped socket that Twilio reconnects
 * (the same callSid and parameters in a new setup) continues the same call: one gap-free seq,
 * and the next model request carries the whole conversation, also when the relay in between was
 * stopped and a new one started on the same data directory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApplicationReconnectTest {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String PUBLIC_URL = "https://calls.example.test/prefix";

    @TempDir
    Path dataDir;

    private FakeOpenAiServer model;
    private OpenAiChatClient llm;
    private Node node;
    /** Twilio's side: outlives the relays (its certificate is kept in the data directory, so one pin fits all). */
    private SimClient client;

    /** One relay process as the app assembles it: store, registry with reconnect on, TLS relay. */
    private final class Node implements AutoCloseable {
        final EventStore store;
        final CallRegistry registry;
        final RelayServer relay;
        final List<CallEvent> events = new CopyOnWriteArrayList<>();

        Node(Duration reconnectWait) throws Exception {
            Settings settings = new Settings();
            settings.applicationReconnect = true;
            store = EventStore.open(dataDir);
            registry = new CallRegistry(ConversationAgent.factory(llm,
                    AgentSettings.defaults().withProtectedSecrets(List.of(OpenAiAgentTest.API_KEY))),
                    settings.languageCodes(), "en-US");
            store.attach(registry);
            registry.subscribe(events::add);
            registry.reconnects(new CallRegistry.Reconnects(true, reconnectWait, new StoreCallResumption(store)));
            relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC_URL,
                    new RelayConfig.TlsSource.SelfSigned(dataDir), TOKEN, settings, CallTokens.loadOrCreate(dataDir)),
                    registry);
            relay.start();
            if (client == null) {
                client = SimClient.pinned(relay.fingerprint());
            }
        }

        SimulatedCall.Builder caller() {
            URI action = URI.create(relay.localBaseUrl() + "/action");
            return SimulatedCall.builder(client, URI.create(relay.localRelayUrl()))
                    .signedUrl(relay.relayUrl())
                    .authToken(TOKEN)
                    .action(action, relay.actionUrl())
                    .voiceWebhookBesideAction()
                    .timeout(Duration.ofSeconds(20));
        }

        List<CallEvent> events(String callId, EventKind kind) {
            return events.stream().filter(e -> e.callId().equals(callId) && e.kind() == kind).toList();
        }

        /** The call's record as the store has it, once everything recorded so far is written. */
        List<CallEvent> stored(String callId) throws InterruptedException {
            assertTrue(store.flush(Duration.ofSeconds(10)), "the store wrote what it was given");
            return store.events(callId);
        }

        @Override
        public void close() throws Exception {
            relay.close();
            registry.close();
            store.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        model = new FakeOpenAiServer();
        llm = new OpenAiChatClient(OpenAiAgentTest.API_KEY, model.baseUrl(), "fake-model", 256);
        llm.warmUp();
        OpenAiAgentTest.warmRequest(llm, model);
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (client != null) {
            client.close();
        }
        llm.close();
        model.close();
    }

    private static void assertGapFree(List<CallEvent> record) {
        List<Long> seqs = record.stream().map(CallEvent::seq).toList();
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= seqs.size(); s++) {
            expected.add(s);
        }
        assertEquals(expected, seqs, "one seq, 1 to n without gaps or repeats");
    }

    /** The (role: content) pairs of a model request, system messages left out. */
    private static List<String> conversation(FakeOpenAiServer.Recorded request) {
        return request.messages().stream().filter(m -> !m[0].equals("system")).map(m -> m[0] + ": " + m[1]).toList();
    }

    @Test
    void aDroppedSocketReconnectsToTheSameCallAndTheNextRequestCarriesTheWholeConversation() throws Exception {
        node = new Node(Duration.ofSeconds(30));
        model.script(r -> r.index == 0 ? Reply.tokens("We are open", " nine to five.") : Reply.tokens("Yes, on Saturdays too."));
        SimulatedCall call = node.caller().build().open();
        call.say("When are you open", "en-US");
        assertEquals("We are open nine to five.", call.awaitTurn(0).text());

        SimulatedCall.Close dropped = call.drop().get(10, TimeUnit.SECONDS);
        assertTrue(dropped.bySimulator() && dropped.code() != 1000, dropped.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> !node.events(call.callSid(), EventKind.SESSION_CLOSED).isEmpty());
        // The caller spoke while the socket was down: Twilio held the prompt and replays it after the setup.
        SimulatedCall again = call.reconnect(new InboundMessage.Prompt("Saturdays too", "en-US", true));
        assertEquals("Yes, on Saturdays too.", again.awaitTurn(0).text());

        assertEquals(List.of("user: When are you open", "assistant: We are open nine to five.", "user: Saturdays too"),
                conversation(model.request(1)));
        assertEquals(1, node.registry.calls().stream().filter(c -> c.callId().equals(call.callSid())).count());
        EventPayload.SessionReconnected reconnected = node.events(call.callSid(), EventKind.SESSION_RECONNECTED).get(0)
                .as(EventPayload.SessionReconnected.class);
        assertEquals(EventPayload.SessionReconnected.FROM_MEMORY, reconnected.source());
        assertEquals(call.setup().sessionId(), reconnected.previousSessionId());
        assertTrue(node.events(call.callSid(), EventKind.CALL_ENDED).isEmpty(), "the call never ended");
        assertTrue(node.events(call.callSid(), EventKind.ACTION_CALLBACK).isEmpty(),
                "a drop Twilio reconnects is not reported to the action URL (the simulator posts none)");
        List<EventPayload.Setup> setups = node.events(call.callSid(), EventKind.SETUP).stream()
                .map(e -> e.as(EventPayload.Setup.class)).toList();
        assertEquals(2, setups.size());
        assertEquals(setups.get(0).customParameters(), setups.get(1).customParameters(),
                "the reconnect's setup repeats the TwiML's parameters");
        assertGapFree(node.stored(call.callSid()));
    }

    @Test
    void aReconnectWithAForgedTokenIsRefusedAndTheCallEndsAfterTheWait() throws Exception {
        node = new Node(Duration.ofSeconds(2));
        model.script(r -> Reply.tokens("We are open nine to five."));
        SimulatedCall call = node.caller().build().open();
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        call.drop();

        // Someone who saw the callSid and a captured upgrade signature, but not the TwiML's token.
        SimulatedCall forged = SimulatedCall.builder(client, URI.create(node.relay.localRelayUrl()))
                .signedUrl(node.relay.relayUrl()).authToken(TOKEN).callSid(call.callSid()).callStatus("IN_PROGRESS")
                .customParameters(Map.of(CallTokens.PARAMETER, "forged-token")).timeout(Duration.ofSeconds(20))
                .build().open();
        SimulatedCall.Close refused = forged.awaitClosed();
        assertEquals(1008, refused.code());
        assertEquals("Setup without a valid relay token for this call", refused.reason());

        await().atMost(Duration.ofSeconds(15)).until(() -> !node.events(call.callSid(), EventKind.CALL_ENDED).isEmpty());
        assertTrue(node.events(call.callSid(), EventKind.SESSION_RECONNECTED).isEmpty());
        assertEquals(1, node.events(call.callSid(), EventKind.SESSION_STARTED).size());
        String reason = node.events(call.callSid(), EventKind.CALL_ENDED).get(0).as(EventPayload.CallEnded.class).reason();
        assertTrue(reason.startsWith("relay session lost"), reason);
    }

    @Test
    void withoutAReconnectWithinTheWaitTheCallEndsAsBefore() throws Exception {
        node = new Node(Duration.ofMillis(1500));
        model.script(r -> Reply.tokens("We are open nine to five."));
        SimulatedCall call = node.caller().build().open();
        call.say("When are you open", "en-US");
        call.awaitTurn(0);
        long droppedAt = System.nanoTime();
        call.drop();

        await().atMost(Duration.ofSeconds(15)).until(() -> !node.events(call.callSid(), EventKind.CALL_ENDED).isEmpty());
        assertTrue(System.nanoTime() - droppedAt >= Duration.ofMillis(1500).toNanos(), "the call waited for the reconnect");
        assertEquals(CallState.ENDED, node.registry.calls().get(0).state());

        // A reconnect after the call ended does not bring it back: it starts over as a new call would.
        SimulatedCall late = call.reconnect();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.events(call.callSid(), EventKind.SESSION_STARTED).size() == 2);
        late.roundTrip();
        assertTrue(node.events(call.callSid(), EventKind.SESSION_RECONNECTED).isEmpty());
        assertEquals(1, node.events(call.callSid(), EventKind.SESSION_STARTED).get(1).seq(), "a new call's record");
    }

    @Test
    void aRelayStoppedAndStartedOnTheSameDataDirectoryResumesTheCallFromTheStore() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        model.script(r -> switch (r.index) {
            case 0 -> Reply.tokens("We are open", " nine to five.");
            case 1 -> Reply.stream(new Token("That"), new Token(" will"), new Token(" be"), new Token(" $20"),
                    new Token(" today"), new Token(", and"), new Gate(never), new Token(" more later."), new Finish("stop"));
            default -> Reply.tokens("It is the monthly fee.");
        });
        node = new Node(Duration.ofSeconds(30));
        SimulatedCall call = node.caller().build().open();
        call.say("When are you open", "en-US");
        assertEquals("We are open nine to five.", call.awaitTurn(0).text());
        int mark = call.mark();
        call.say("How much do I owe", "en-US");
        call.awaitFrame(mark, f -> f.isText() && f.text().token().contains("today"));
        // The caller talks over the answer: only what was heard joins the history.
        call.send(new InboundMessage.Interrupt("That will be twenty dollars", 900L));
        await().atMost(Duration.ofSeconds(10)).until(() -> !node.events(call.callSid(), EventKind.TURN_INTERRUPTED).isEmpty());
        List<CallEvent> before = node.stored(call.callSid());
        long lastSeqBefore = before.get(before.size() - 1).seq();

        node.close();
        call.awaitClosed();
        node = new Node(Duration.ofSeconds(30));

        // The new relay listens on another port; Twilio's URL (and what it signs) stays the same.
        SimulatedCall again = call.reconnectVia(URI.create(node.relay.localRelayUrl()));
        again.say("Why so much", "en-US");
        assertEquals("It is the monthly fee.", again.awaitTurn(0).text());

        assertEquals(List.of("user: When are you open", "assistant: We are open nine to five.",
                        "user: How much do I owe", "assistant: That will be $20", "user: Why so much"),
                conversation(model.request(2)));
        List<CallEvent> record = node.stored(call.callSid());
        assertGapFree(record);
        CallEvent resumed = record.stream().filter(e -> e.kind() == EventKind.SESSION_RECONNECTED).findFirst().orElseThrow();
        EventPayload.SessionReconnected r = resumed.as(EventPayload.SessionReconnected.class);
        assertEquals(EventPayload.SessionReconnected.FROM_STORE, r.source());
        assertEquals(resumed.seq() - 1, r.afterSeq());
        assertTrue(r.afterSeq() > lastSeqBefore, "the stopped relay's own end of the call came before the reconnect");
        assertEquals(CallRegistry.RELAY_STOPPED, record.get((int) r.afterSeq() - 1).as(EventPayload.CallEnded.class).reason());
        assertEquals(3, node.events(call.callSid(), EventKind.TURN_STARTED).get(0).as(EventPayload.TurnStarted.class).turn(),
                "turn numbers go on after the stored ones");
        assertTrue(node.store.call(call.callSid()).orElseThrow().endedAt() == null, "the call is live again in the history");
    }

    @Test
    void aCallLeftLiveByACrashedRelayResumesFromWhatReachedTheStore() throws Exception {
        model.script(r -> r.index == 0 ? Reply.tokens("We are open", " nine to five.") : Reply.tokens("Yes, on Saturdays too."));
        node = new Node(Duration.ofSeconds(30));
        SimulatedCall call = node.caller().build().open();
        call.say("When are you open", "en-US");
        assertEquals("We are open nine to five.", call.awaitTurn(0).text());
        // The caller hears the last word a moment before the relay records the turn as complete.
        await().atMost(Duration.ofSeconds(10)).until(() -> !node.events(call.callSid(), EventKind.TURN_COMPLETED).isEmpty());
        List<CallEvent> before = node.stored(call.callSid());

        // A crash: the history file keeps what was committed, and nothing of the call's end is written.
        Node crashed = node;
        crashed.store.close();
        crashed.relay.close();
        crashed.registry.close();
        node = new Node(Duration.ofSeconds(30));

        SimulatedCall again = call.reconnectVia(URI.create(node.relay.localRelayUrl()),
                new InboundMessage.Prompt("Saturdays too", "en-US", true));
        assertEquals("Yes, on Saturdays too.", again.awaitTurn(0).text());
        assertEquals(List.of("user: When are you open", "assistant: We are open nine to five.", "user: Saturdays too"),
                conversation(model.request(1)));
        List<CallEvent> record = node.stored(call.callSid());
        assertGapFree(record);
        EventPayload.CallEnded recovered = record.get(before.size()).as(EventPayload.CallEnded.class);
        assertEquals(EventStore.CRASHED, recovered.reason(), "the next start recorded the crash right after the last stored event");
        assertEquals(Boolean.TRUE, recovered.recovered());
        assertEquals(EventKind.SESSION_RECONNECTED, record.get(before.size() + 1).kind());
    }
}
