package app.switchboard.console.detail;

import app.switchboard.call.EventKind;
import app.switchboard.call.RecordingConnection;
import app.switchboard.console.ScriptedCallers;
import app.switchboard.console.calls.CallBoard;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detail's commands against a real CallRegistry and agent; what they do is checked in the
 * frames the call wrote to its connection, and in the events that come back.
 */
class CallDetailViewModelTest {

    private final ScriptedCallers callers = new ScriptedCallers(0);
    private final CallBoard board = new CallBoard(callers.registry);
    private final ConcurrentLinkedQueue<app.switchboard.call.CallEvent> inbox = new ConcurrentLinkedQueue<>();
    private final CallDetailViewModel detail = new CallDetailViewModel(callers.registry);
    private RecordingConnection caller;

    @BeforeEach
    void connect() {
        callers.registry.subscribe(inbox::add);
        caller = callers.connect("CA1", "+14155550123");
        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.SETUP));
        pump();
        detail.callProperty().set(board.find("CA1"));
    }

    @AfterEach
    void close() {
        callers.close();
    }

    private void pump() {
        List<app.switchboard.call.CallEvent> batch = new java.util.ArrayList<>();
        app.switchboard.call.CallEvent e;
        while ((e = inbox.poll()) != null) {
            batch.add(e);
        }
        board.apply(batch);
    }

    private OutboundMessage lastFrame() {
        List<String> frames = caller.raw;
        return ProtocolCodec.decodeOutbound(frames.get(frames.size() - 1));
    }

    @Test
    void sayWritesATextFrameAndClearsTheField() {
        detail.sayTextProperty().set("One moment please.");

        assertTrue(detail.say());

        await().until(() -> !caller.raw.isEmpty());
        assertEquals(new OutboundMessage.Text("One moment please.", true, null, null, false), lastFrame());
        assertEquals("", detail.sayTextProperty().get());
    }

    @Test
    void blankSayDoesNothing() {
        detail.sayTextProperty().set("   ");

        assertFalse(detail.say());
    }

    @Test
    void whisperIsRecordedAndNeverSpoken() {
        detail.whisperTextProperty().set("offer the loyalty discount");

        detail.whisper();

        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_WHISPER));
        assertTrue(caller.raw.isEmpty());
    }

    @Test
    void switchLanguageSendsTheLanguageFrame() {
        detail.languageProperty().set("es-ES");

        detail.switchLanguage();

        await().until(() -> !caller.raw.isEmpty());
        assertEquals(new OutboundMessage.Language("es-ES", "es-ES"), lastFrame());
    }

    private void relayHasAHandoffNumber(boolean configured) {
        callers.registry.statusSource(() -> new app.switchboard.call.RelayStatus("", "", 0, "", false, "", 1, configured));
        LiveCall shown = detail.callProperty().get();
        detail.callProperty().set(null);
        detail.callProperty().set(shown); // availability is read when a call is shown
    }

    @Test
    void withoutAHandoffNumberHandingToAHumanIsUnavailableAndNeverClaimed() throws Exception {
        relayHasAHandoffNumber(false);
        assertFalse(detail.handoffAvailableProperty().get());
        detail.handToHumanProperty().set(true);

        detail.end();

        await().until(() -> !caller.raw.isEmpty());
        OutboundMessage.End end = (OutboundMessage.End) lastFrame();
        assertFalse(new ObjectMapper().readTree(end.handoffData()).get("handToHuman").asBoolean(),
                "the transcript must not say 'handed to a human' when the caller only hears goodbye");
    }

    @Test
    void endWithHandoffSendsEndWithTheReason() throws Exception {
        relayHasAHandoffNumber(true);
        assertTrue(detail.handoffAvailableProperty().get());
        detail.endReasonProperty().set("billing dispute");
        detail.handToHumanProperty().set(true);

        detail.end();

        await().until(() -> !caller.raw.isEmpty());
        OutboundMessage.End end = (OutboundMessage.End) lastFrame();
        var handoff = new ObjectMapper().readTree(end.handoffData());
        assertEquals("billing dispute", handoff.get("reason").asText());
        assertTrue(handoff.get("handToHuman").asBoolean());
    }

    @Test
    void takeOverThenSendDraftSpeaksTheEditedDraft() {
        detail.toggleTakeOver();
        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_TAKEOVER));
        callers.send("CA1", new InboundMessage.Prompt("can I pay my bill later", "en-US", true));
        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.DRAFT_READY));
        pump();
        assertTrue(detail.holdsProperty().get());
        assertTrue(detail.draftProperty().get().startsWith("Your payment is due"), detail.draftProperty().get());
        assertTrue(caller.raw.isEmpty(), "nothing is spoken while the supervisor holds the call");

        detail.draftProperty().set("Yes, you can pay by the twentieth.");
        detail.sendDraft();

        await().until(() -> !caller.raw.isEmpty());
        assertEquals(new OutboundMessage.Text("Yes, you can pay by the twentieth.", true, null, null, false), lastFrame());
        assertEquals("", detail.draftProperty().get());
    }

    @Test
    void releaseHandsTheCallBack() {
        detail.toggleTakeOver();
        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_TAKEOVER));
        pump();

        detail.toggleTakeOver();

        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_RELEASE));
        pump();
        assertFalse(detail.holdsProperty().get());
    }

    @Test
    void actionsAreOffOnceTheCallEnded() {
        callers.hangUp("CA1");
        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.CALL_ENDED));
        pump();

        assertTrue(detail.actionsDisabledProperty().get());
        detail.sayTextProperty().set("hello?");
        assertFalse(detail.say());
    }

    @Test
    void aTakeOverOfACallAnotherSupervisorHoldsNamesThemUntilAnotherCallIsSelected() {
        assertEquals(null, callers.registry.operatedBy("alice").takeOverUnlessHeld("CA1"));

        assertFalse(detail.toggleTakeOver());

        assertEquals("alice", detail.heldByOtherProperty().get());
        // In process there is no supervisor API to carry the request: asking says so, and the view hides the button.
        assertFalse(detail.canAsk());
        assertFalse(detail.askForIt());
        assertTrue(detail.askStatusProperty().get().contains("only possible from a console connected to a relay"));
        detail.callProperty().set(null);
        assertEquals("", detail.heldByOtherProperty().get());
    }
}
