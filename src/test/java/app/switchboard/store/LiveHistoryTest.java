package app.switchboard.store;

import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallRecord;
import app.switchboard.history.HistoryQuery;
import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.EventKind;
import app.switchboard.call.RecordingConnection;
import app.switchboard.protocol.InboundMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static app.switchboard.store.StoreFixtures.assertSameEvents;
import static app.switchboard.store.StoreFixtures.flushed;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history read back from the file is the sequence of events the live calls produced. */
class LiveHistoryTest {

    @TempDir
    Path dir;

    private OfflineResponder responder;
    private CallRegistry registry;
    private EventStore store;
    /** Every event as the calls published it, per call (an ended call keeps only its tail in memory). */
    private final Map<String, List<CallEvent>> live = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        responder = new OfflineResponder(0);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                List.of("en-US", "es-ES"), "en-US", Duration.ofMillis(50), Clock.systemUTC());
        registry.subscribe(e -> live.computeIfAbsent(e.callId(),
                id -> java.util.Collections.synchronizedList(new java.util.ArrayList<>())).add(e));
        store = EventStore.open(dir).attach(registry);
    }

    @AfterEach
    void stop() {
        registry.close();
        store.close();
        responder.close();
    }

    private static InboundMessage.Setup setup(String callSid, String from) {
        return new InboundMessage.Setup("VX" + callSid, "AC0", callSid, "", from, "+18005550100", "", "", "inbound",
                "PSTN", "RINGING", Map.of("campaign", "winter"));
    }

    private boolean has(String callId, EventKind kind, int atLeast) {
        return registry.events(callId).stream().filter(e -> e.kind() == kind).count() >= atLeast;
    }

    /** A whole call with every path a supervisor and caller can take. */
    private void runCall(String callSid, String from) {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup(callSid, from), socket);
        registry.inbound(call, new InboundMessage.Prompt("what is my", "en-US", false));
        registry.inbound(call, new InboundMessage.Prompt("what is my bill", "en-US", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> has(callSid, EventKind.TURN_COMPLETED, 1));
        registry.inbound(call, new InboundMessage.Dtmf("5"));
        await().atMost(Duration.ofSeconds(10)).until(() -> has(callSid, EventKind.TURN_COMPLETED, 2)
                || has(callSid, EventKind.TURN_INTERRUPTED, 1));
        registry.inbound(call, new InboundMessage.Interrupt("Thank you. You chose", 640L));
        registry.inbound(call, new InboundMessage.Info("tokensPlayed", "Thank you."));
        registry.inbound(call, new InboundMessage.Malformed("{not json", "not a JSON object"));
        registry.inbound(call, new InboundMessage.Unknown("mystery", "{\"type\":\"mystery\"}"));
        registry.takeOver(callSid);
        registry.inbound(call, new InboundMessage.Prompt("I want a human", "en-US", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> has(callSid, EventKind.DRAFT_READY, 1));
        registry.say(callSid, "A colleague will call you back.");
        registry.whisper(callSid, "be brief");
        registry.release(callSid);
        registry.switchLanguage(callSid, "es-ES", "es-ES");
        registry.inbound(call, new InboundMessage.Prompt("hola, mi factura", "es-ES", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> has(callSid, EventKind.TURN_COMPLETED, 3)
                || has(callSid, EventKind.TURN_INTERRUPTED, 2));
        registry.interrupt(callSid);
        registry.end(callSid, "caller satisfied", false);
        registry.socketClosed(call, socket, 1000, "Closing websocket session");
        registry.actionCallback(callSid, Map.of("CallSid", callSid, "SessionStatus", "ended"), "ended");
        await().atMost(Duration.ofSeconds(10)).until(() -> has(callSid, EventKind.CALL_ENDED, 1));
    }

    @Test
    void historyFromTheStoreEqualsTheLiveEventSequence() throws Exception {
        runCall("CA100", "+15553334444");
        flushed(store);
        List<CallEvent> published = List.copyOf(live.get("CA100"));
        assertTrue(published.size() > 40, "a call with several turns: " + published.size());
        assertSameEvents(published, store.events("CA100"));
        CallRecord row = store.call("CA100").orElseThrow();
        assertEquals("+15553334444", row.from());
        assertEquals("ended", row.endReason());
        assertEquals("es-ES", row.language());
        List<AuditEntry> audit = store.auditTrail("CA100");
        assertEquals(List.of("takeover", "say", "whisper", "release", "language", "interrupt", "end"),
                audit.stream().map(AuditEntry::action).toList());
        assertTrue(audit.stream().allMatch(a -> System.getProperty("user.name").equals(a.operator())));
    }

    @Test
    void concurrentCallsKeepEachCallsOrder() throws Exception {
        List<String> ids = IntStream.range(0, 12).mapToObj(i -> "CA2" + i).toList();
        ids.parallelStream().forEach(id -> runCall(id, "+1555000" + id.substring(2)));
        flushed(store);
        for (String id : ids) {
            assertSameEvents(List.copyOf(live.get(id)), store.events(id));
        }
        assertEquals(ids.size(), store.history(HistoryQuery.all(100)).total());
    }
}
