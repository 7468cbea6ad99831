package app.switchboard.call;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Barge-in per call (Twilio's per-message {@code interruptible}) and configUpdated, on the call model. */
class LiveSettingsTest {

    private final OfflineResponder responder = new OfflineResponder(0);
    private final CallRegistry registry = new CallRegistry(
            ConversationAgent.factory(responder, AgentSettings.defaults()), List.of("en-US"), "en-US",
            Duration.ofMillis(200), Clock.systemUTC());
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();
    private final RecordingConnection socket = new RecordingConnection();
    private CallSession call;

    {
        registry.subscribe(events::add);
    }

    @AfterEach
    void close() {
        registry.close();
        responder.close();
    }

    private void attach(String callSid) {
        call = registry.attach(new InboundMessage.Setup("VX1", "AC1", callSid, "", "+15550100001", "+15550100002",
                "", "", "inbound", "PSTN", "RINGING", Map.of()), socket);
    }

    private List<CallEvent> eventsOf(EventKind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    private void answerOneTurn() {
        int answered = eventsOf(EventKind.TURN_COMPLETED).size();
        registry.inbound(call, new InboundMessage.Prompt("What is my bill?", "en-US", true));
        await().until(() -> eventsOf(EventKind.TURN_COMPLETED).size() > answered);
    }

    @Test
    void bargeInOffIsSentOnEveryLaterAgentTextFrame() {
        attach("CA1");
        registry.setInterruptible("CA1", false);
        await().until(() -> !eventsOf(EventKind.SUPERVISOR_INTERRUPTIBLE).isEmpty());

        answerOneTurn();

        List<OutboundMessage.Text> texts = socket.framesOf(OutboundMessage.Text.class);
        assertFalse(texts.isEmpty());
        assertTrue(texts.stream().allMatch(t -> Boolean.FALSE.equals(t.interruptible())), texts.toString());
        assertTrue(socket.invalid.isEmpty(), socket.invalid.toString());
    }

    @Test
    void untilTheSupervisorChoosesFramesLeaveInterruptibleToTheTwiml() {
        attach("CA2");

        answerOneTurn();

        assertTrue(socket.framesOf(OutboundMessage.Text.class).stream().allMatch(t -> t.interruptible() == null));
    }

    @Test
    void theChangeIsRecordedWithItsOperatorAndTheRecordRebuildsEveryFrame() {
        attach("CA3");
        registry.setInterruptible("CA3", false);
        answerOneTurn();

        EventPayload.SupervisorInterruptible change = eventsOf(EventKind.SUPERVISOR_INTERRUPTIBLE).get(0)
                .as(EventPayload.SupervisorInterruptible.class);
        assertFalse(change.interruptible());
        assertFalse(change.operator().isBlank(), "the audit trail names the operator");
        List<String> rebuilt = events.stream().filter(e -> e.callId().equals("CA3"))
                .map(e -> SentFrames.frameOf(e.payload())).filter(f -> f != null).toList();
        assertEquals(socket.raw, rebuilt, "the record says byte for byte what was written");
    }

    @Test
    void turningItBackOnSendsTrueAndTheSupervisorsWordsCarryItToo() {
        attach("CA4");
        registry.setInterruptible("CA4", false);
        registry.setInterruptible("CA4", true);
        registry.say("CA4", "One moment please.");

        await().until(() -> !socket.framesOf(OutboundMessage.Text.class).isEmpty());
        assertEquals(new OutboundMessage.Text("One moment please.", true, null, true, false),
                socket.framesOf(OutboundMessage.Text.class).get(0));
        assertEquals(List.of(false, true), eventsOf(EventKind.SUPERVISOR_INTERRUPTIBLE).stream()
                .map(e -> e.as(EventPayload.SupervisorInterruptible.class).interruptible()).toList());
    }

    @Test
    void aCallWithoutAnOpenSocketIgnoresTheChange() throws Exception {
        attach("CA5");
        socket.close(1000, "Closing websocket session");
        registry.socketClosed(call, socket, 1000, "Closing websocket session");
        await().until(() -> !eventsOf(EventKind.SESSION_CLOSED).isEmpty());

        registry.setInterruptible("CA5", false);
        // The call's executor runs tasks in order: once this one ran, the change was handled.
        java.util.concurrent.CountDownLatch handled = new java.util.concurrent.CountDownLatch(1);
        call.execute(handled::countDown);
        assertTrue(handled.await(5, java.util.concurrent.TimeUnit.SECONDS));

        assertTrue(eventsOf(EventKind.SUPERVISOR_INTERRUPTIBLE).isEmpty());
    }

    @Test
    void configUpdatedFromTwilioIsRecordedVerbatim() {
        attach("CA6");
        String raw = "{\"type\":\"info\",\"name\":\"configUpdated\",\"value\":{\"what\":\"not documented\"}}";

        registry.inbound(call, ProtocolCodec.decodeInbound(raw));

        await().until(() -> !eventsOf(EventKind.CONFIG_UPDATED).isEmpty());
        EventPayload.ConfigUpdated updated = eventsOf(EventKind.CONFIG_UPDATED).get(0).as(EventPayload.ConfigUpdated.class);
        assertEquals(raw, updated.raw());
        assertEquals(raw.length(), updated.size());
        assertTrue(eventsOf(EventKind.UNKNOWN_MESSAGE).isEmpty(), "a known name, not an unknown frame");
    }
}
