package app.switchboard.call;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallSessionTest {

    private final OfflineResponder responder = new OfflineResponder(0);
    private final CallRegistry registry = new CallRegistry(
            ConversationAgent.factory(responder, AgentSettings.defaults()), List.of("en-US", "es-ES"), "en-US",
            Duration.ofMillis(200), Clock.systemUTC());
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();

    {
        registry.subscribe(events::add);
    }

    @AfterEach
    void close() {
        registry.close();
        responder.close();
    }

    private static InboundMessage.Setup setup(String callSid, String sessionId, String status) {
        return new InboundMessage.Setup(sessionId, "AC1", callSid, "", "+15550100001", "+15550100002", "", "",
                "inbound", "PSTN", status, Map.of("callerNumber", "+15550100001"));
    }

    private List<CallEvent> eventsOf(String callId, EventKind kind) {
        return events.stream().filter(e -> e.callId().equals(callId) && e.kind() == kind).toList();
    }

    @Test
    void finalPromptIsAnsweredAndTheTurnEndsWithLast() {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup("CA1", "VX1", "RINGING"), socket);
        registry.inbound(call, new InboundMessage.Prompt("What is my bill?", "en-US", true));
        await().until(() -> socket.framesOf(OutboundMessage.Text.class).stream().anyMatch(OutboundMessage.Text::last));
        String spoken = socket.framesOf(OutboundMessage.Text.class).stream().map(OutboundMessage.Text::token)
                .reduce("", String::concat);
        assertTrue(spoken.contains("twenty dollars"), spoken);
        assertEquals(1, eventsOf("CA1", EventKind.TURN_COMPLETED).size());
    }

    /** An ended call stays listed a while; the closed socket (a TLS engine and buffers on a real relay) must not. */
    @Test
    void aCallWhoseSocketClosedLetsGoOfTheSocket() {
        java.lang.ref.WeakReference<RecordingConnection> socket = attachAndClose("CA-closed");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return socket.get() == null;
        });
        assertNotNull(registry.find("CA-closed"), "the ended call is still listed");
    }

    /**
     * Issue 10: the end grace (Twilio's action webhook usually comes first, 10 s on the relay) must
     * not hold the closed socket either: on a busy relay the sockets closed in the last seconds
     * outnumbered the open calls.
     */
    @Test
    void theEndGraceDoesNotHoldTheClosedSocket() {
        CallRegistry patient = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                List.of("en-US"), "en-US", Duration.ofHours(1), Clock.systemUTC());
        try {
            java.lang.ref.WeakReference<RecordingConnection> socket = attachAndClose(patient, "CA-grace");
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                System.gc();
                return socket.get() == null;
            });
            assertNull(patient.find("CA-grace").endedAt(), "the call still waits out its grace");
        } finally {
            patient.close();
        }
    }

    private java.lang.ref.WeakReference<RecordingConnection> attachAndClose(CallRegistry registry, String callSid) {
        RecordingConnection socket = new RecordingConnection();
        List<CallEvent> closes = new CopyOnWriteArrayList<>();
        registry.subscribe(e -> {
            if (e.kind() == EventKind.SESSION_CLOSED) {
                closes.add(e);
            }
        });
        CallSession call = registry.attach(setup(callSid, "VX-grace", "RINGING"), socket);
        socket.close(1000, "Closing websocket session");
        registry.socketClosed(call, socket, 1000, "Closing websocket session");
        await().until(() -> !closes.isEmpty());
        return new java.lang.ref.WeakReference<>(socket);
    }

    private java.lang.ref.WeakReference<RecordingConnection> attachAndClose(String callSid) {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup(callSid, "VX-closed", "RINGING"), socket);
        registry.socketClosed(call, socket, 1000, "Closing websocket session");
        await().until(() -> !eventsOf(callSid, EventKind.SESSION_CLOSED).isEmpty());
        return new java.lang.ref.WeakReference<>(socket);
    }

    @Test
    void partialPromptsStartNoTurn() {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup("CA2", "VX2", "RINGING"), socket);
        registry.inbound(call, new InboundMessage.Prompt("What", "en-US", false));
        registry.inbound(call, new InboundMessage.Prompt("What is my", "en-US", false));
        registry.inbound(call, new InboundMessage.Dtmf("5")); // a marker: once recorded, the partials were handled
        await().until(() -> !eventsOf("CA2", EventKind.DTMF).isEmpty());
        assertEquals(2, eventsOf("CA2", EventKind.PROMPT_PARTIAL).size());
        assertTrue(eventsOf("CA2", EventKind.TURN_STARTED).stream().allMatch(e -> e.seq() > eventsOf("CA2", EventKind.DTMF).get(0).seq()),
                "only the keypress may start a turn");
    }

    /**
     * Issue 10: an idle call's window holds every partial. Each frame decodes its own strings; the
     * language the partials repeat, and the final prompt's repeat of the last partial, are held once.
     */
    @Test
    void partialsAndTheirFinalPromptHoldOneCopyOfRepeatedText() {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup("CA-held", "VX-held", "RINGING"), socket);
        registry.inbound(call, new InboundMessage.Prompt("What", new String("en-US"), false));
        registry.inbound(call, new InboundMessage.Prompt("What is my bill", new String("en-US"), false));
        registry.inbound(call, new InboundMessage.Prompt(new String("What is my bill"), new String("en-US"), true));
        await().until(() -> !eventsOf("CA-held", EventKind.PROMPT).isEmpty());

        List<EventPayload.PromptPartial> partials = eventsOf("CA-held", EventKind.PROMPT_PARTIAL).stream()
                .map(e -> e.as(EventPayload.PromptPartial.class)).toList();
        EventPayload.Prompt prompt = eventsOf("CA-held", EventKind.PROMPT).get(0).as(EventPayload.Prompt.class);
        assertEquals(new EventPayload.Prompt("What is my bill", "en-US"), prompt);
        assertSame(partials.get(0).lang(), partials.get(1).lang());
        assertSame(partials.get(0).lang(), prompt.lang());
        assertSame(partials.get(1).text(), prompt.text());
    }

    @Test
    void malformedAndUnknownFramesAreRecordedAndTheCallGoesOn() {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup("CA3", "VX3", "RINGING"), socket);
        for (int i = 0; i < 10; i++) {
            registry.inbound(call, ProtocolCodec.decodeInbound("garbage " + i));
        }
        registry.inbound(call, ProtocolCodec.decodeInbound("{\"type\":\"mystery\",\"x\":1}"));
        registry.inbound(call, new InboundMessage.Prompt("What are your hours?", "en-US", true));
        await().until(() -> !eventsOf("CA3", EventKind.TURN_COMPLETED).isEmpty());
        assertEquals(10, eventsOf("CA3", EventKind.MALFORMED_FRAME).size());
        assertEquals("mystery", eventsOf("CA3", EventKind.UNKNOWN_MESSAGE).get(0).as(EventPayload.UnknownMessage.class).type());
        assertTrue(socket.isOpen());
    }

    @Test
    void largeBadFramesAreRecordedByABoundedPrefixAndTheirSize() {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup("CA9", "VX9", "RINGING"), socket);
        String malformed = "{" + "m".repeat(20_000);
        // A surrogate pair straddling the cut: the prefix must not end on its first half.
        String unknown = "{\"type\":\"" + "t".repeat(200) + "\",\"pad\":\"" + "u".repeat(511 - 218) + "\uD83D\uDE00" + "v".repeat(5000) + "\"}";
        registry.inbound(call, ProtocolCodec.decodeInbound(malformed));
        registry.inbound(call, ProtocolCodec.decodeInbound(unknown));
        await().until(() -> !eventsOf("CA9", EventKind.UNKNOWN_MESSAGE).isEmpty());

        EventPayload.MalformedFrame m = eventsOf("CA9", EventKind.MALFORMED_FRAME).get(0).as(EventPayload.MalformedFrame.class);
        assertEquals(malformed.substring(0, 512), m.raw());
        assertEquals(20_001, m.size());
        assertTrue(m.reason().length() <= 512, m.reason());
        EventPayload.UnknownMessage u = eventsOf("CA9", EventKind.UNKNOWN_MESSAGE).get(0).as(EventPayload.UnknownMessage.class);
        assertEquals("t".repeat(64), u.type());
        assertEquals(unknown.substring(0, 511), u.raw());
        assertEquals(unknown.length(), u.size());
    }

    @Test
    void reconnectOnTheSameCallContinuesItsHistoryAndSequence() {
        RecordingConnection first = new RecordingConnection();
        CallSession call = registry.attach(setup("CA4", "VX4a", "RINGING"), first);
        registry.inbound(call, new InboundMessage.Prompt("What is my bill?", "en-US", true));
        await().until(() -> !eventsOf("CA4", EventKind.TURN_COMPLETED).isEmpty());
        first.close(1006, "dropped");
        registry.socketClosed(call, first, 1006, "dropped");
        registry.actionCallback("CA4", Map.of("CallSid", "CA4", "SessionStatus", "failed", "ErrorCode", "64105"), "reconnect");

        RecordingConnection second = new RecordingConnection();
        CallSession resumed = registry.attach(setup("CA4", "VX4b", "IN_PROGRESS"), second);
        assertTrue(resumed == call, "the same call continues");
        registry.inbound(resumed, new InboundMessage.Prompt("And when is it due?", "en-US", true));
        await().until(() -> eventsOf("CA4", EventKind.TURN_COMPLETED).size() == 2);

        List<CallEvent> sessions = eventsOf("CA4", EventKind.SESSION_STARTED);
        assertEquals(2, sessions.size());
        assertTrue(sessions.get(1).as(EventPayload.SessionStarted.class).resumed());
        List<CallEvent> all = registry.events("CA4");
        assertEquals(LongStream.rangeClosed(1, all.size()).boxed().toList(), all.stream().map(CallEvent::seq).toList(),
                "one gap-free sequence across both sessions");
        assertTrue(eventsOf("CA4", EventKind.CALL_ENDED).isEmpty());
    }

    @Test
    void aReconnectThatOvertakesTheOldSocketsCloseIsStillRecordedAsOne() {
        registry.reconnects(new CallRegistry.Reconnects(true, Duration.ofSeconds(30), CallResumption.NONE));
        RecordingConnection first = new RecordingConnection();
        CallSession call = registry.attach(setup("CA7", "VX7a", "RINGING"), first);
        registry.inbound(call, new InboundMessage.Prompt("What is my bill?", "en-US", true));
        await().until(() -> !eventsOf("CA7", EventKind.TURN_COMPLETED).isEmpty());
        first.close(1006, "dropped"); // gone, but the relay has not reported it yet

        RecordingConnection second = new RecordingConnection();
        CallSession resumed = registry.attach(setup("CA7", "VX7a", "IN_PROGRESS"), second);
        await().until(() -> !eventsOf("CA7", EventKind.SESSION_RECONNECTED).isEmpty());
        assertTrue(resumed == call);
        assertEquals(1006, eventsOf("CA7", EventKind.SESSION_CLOSED).get(0).as(EventPayload.SessionClosed.class).code());
        List<CallEvent> all = registry.events("CA7");
        assertTrue(all.indexOf(eventsOf("CA7", EventKind.SESSION_CLOSED).get(0))
                < all.indexOf(eventsOf("CA7", EventKind.SESSION_RECONNECTED).get(0)), "closed, then reconnected");

        // The relay's late report of the first socket changes nothing: the call goes on on the second.
        registry.socketClosed(call, first, 1006, "dropped");
        registry.inbound(resumed, new InboundMessage.Prompt("And when is it due?", "en-US", true));
        await().until(() -> eventsOf("CA7", EventKind.TURN_COMPLETED).size() == 2);
        assertEquals(1, eventsOf("CA7", EventKind.SESSION_CLOSED).size());
        assertTrue(eventsOf("CA7", EventKind.CALL_ENDED).isEmpty());
        assertEquals(CallState.LISTENING, registry.calls().stream().filter(c -> c.callId().equals("CA7"))
                .findFirst().orElseThrow().state());
    }

    @Test
    void callWithoutAnActionCallbackEndsAfterTheGracePeriod() {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup("CA5", "VX5", "RINGING"), socket);
        socket.close(1000, "bye");
        registry.socketClosed(call, socket, 1000, "bye");
        await().until(() -> !eventsOf("CA5", EventKind.CALL_ENDED).isEmpty());
        assertEquals(CallState.ENDED, registry.calls().get(0).state());
    }

    @Test
    void supervisorEndSendsHandoffDataAsAJsonString() throws Exception {
        RecordingConnection socket = new RecordingConnection();
        registry.attach(setup("CA6", "VX6", "RINGING"), socket);
        registry.end("CA6", "caller wants a refund", true);
        await().until(() -> !socket.framesOf(OutboundMessage.End.class).isEmpty());
        var handoff = new ObjectMapper().readTree(socket.framesOf(OutboundMessage.End.class).get(0).handoffData());
        assertEquals("caller wants a refund", handoff.get("reason").asText());
        assertTrue(handoff.get("handToHuman").asBoolean());
        CallEvent audit = eventsOf("CA6", EventKind.SUPERVISOR_END).get(0);
        assertFalse(audit.as(EventPayload.SupervisorEnd.class).operator().isBlank(), "audit trail names the operator");
    }

    @Test
    void languageSwitchSendsTheLanguageMessage() {
        RecordingConnection socket = new RecordingConnection();
        registry.attach(setup("CA7", "VX7", "RINGING"), socket);
        registry.switchLanguage("CA7", "es-ES", "es-ES");
        await().until(() -> !socket.framesOf(OutboundMessage.Language.class).isEmpty());
        assertEquals(new OutboundMessage.Language("es-ES", "es-ES"), socket.framesOf(OutboundMessage.Language.class).get(0));
        await().until(() -> "es-ES".equals(registry.calls().get(0).language()));
    }

    @Test
    void takeoverTurnsAnswersIntoDraftsThatAreNotSpoken() {
        RecordingConnection socket = new RecordingConnection();
        CallSession call = registry.attach(setup("CA8", "VX8", "RINGING"), socket);
        registry.takeOver("CA8");
        registry.inbound(call, new InboundMessage.Prompt("What is my bill?", "en-US", true));
        await().until(() -> !eventsOf("CA8", EventKind.DRAFT_READY).isEmpty());
        assertTrue(socket.framesOf(OutboundMessage.Text.class).isEmpty(), "nothing spoken while held");
        String draft = eventsOf("CA8", EventKind.DRAFT_READY).get(0).as(EventPayload.DraftReady.class).text();
        registry.say("CA8", draft);
        await().until(() -> !socket.framesOf(OutboundMessage.Text.class).isEmpty());
        OutboundMessage.Text said = socket.framesOf(OutboundMessage.Text.class).get(0);
        assertEquals(draft, said.token());
        assertTrue(said.last());
    }
}
