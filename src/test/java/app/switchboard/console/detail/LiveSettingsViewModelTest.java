package app.switchboard.console.detail;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.RecordingConnection;
import app.switchboard.console.ScriptedCallers;
import app.switchboard.console.calls.CallBoard;
import app.switchboard.console.calls.ConversationEntry;
import app.switchboard.console.calls.TranscriptEntry;
import app.switchboard.console.calls.TranscriptReducer;
import app.switchboard.protocol.OutboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Voice & barge-in…" in the call detail, against a real CallRegistry: the choice reaches the
 * call's frames, the menu shows only what the call recorded, and the transcript says it.
 */
class LiveSettingsViewModelTest {

    private final ScriptedCallers callers = new ScriptedCallers(0);
    private final CallBoard board = new CallBoard(callers.registry);
    private final ConcurrentLinkedQueue<CallEvent> inbox = new ConcurrentLinkedQueue<>();
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

    /** What the console's event pump does once per frame. */
    private void pump() {
        List<CallEvent> batch = new ArrayList<>();
        CallEvent e;
        while ((e = inbox.poll()) != null) {
            batch.add(e);
        }
        board.apply(batch);
    }

    private void awaitRecorded() {
        await().until(() -> callers.registry.events("CA1").stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_INTERRUPTIBLE));
        pump();
    }

    @Test
    void beforeAnyChoiceTheMenuTicksNeither() {
        assertNull(detail.interruptibleProperty().get());
    }

    @Test
    void bargeInOffReachesTheCallsNextFrame() {
        assertTrue(detail.setInterruptible(false));
        awaitRecorded();
        detail.sayTextProperty().set("One moment please.");

        detail.say();

        await().until(() -> !caller.frames.isEmpty());
        assertEquals(new OutboundMessage.Text("One moment please.", true, null, false, false), caller.frames.get(0));
    }

    @Test
    void theMenuFollowsWhatTheCallRecordedNotTheClick() {
        detail.setInterruptible(false);
        assertNull(detail.interruptibleProperty().get(), "not claimed before the call recorded it");

        awaitRecorded();

        assertEquals(Boolean.FALSE, detail.interruptibleProperty().get());
    }

    @Test
    void theTranscriptSaysItAndThatTwilioSendsNoReply() {
        detail.setInterruptible(false);
        awaitRecorded();

        ConversationEntry line = board.find("CA1").entries().stream()
                .filter(e -> e.kind() == ConversationEntry.Kind.SUPERVISOR).reduce((a, b) -> b).orElseThrow();
        assertEquals("barge-in off: the caller cannot interrupt the AI", line.text());
        assertTrue(line.detail().contains("Twilio sends no reply"), line.detail());
    }

    @Test
    void aConfigUpdatedShowsWithTheFrameTwilioSent() {
        TranscriptReducer reducer = new TranscriptReducer();
        String raw = "{\"type\":\"configUpdated\",\"whatever\":1}";

        reducer.apply(new CallEvent("CA1", 1, java.time.Instant.EPOCH, new EventPayload.ConfigUpdated(raw, raw.length())));

        TranscriptEntry line = reducer.entries().get(0);
        assertEquals("Twilio", line.speaker());
        assertEquals("configuration updated", line.text());
        assertEquals(raw, line.detail());
    }

    @Test
    void noCallSelectedSendsNothing() {
        detail.callProperty().set(null);

        assertFalse(detail.setInterruptible(true));
        assertNull(detail.interruptibleProperty().get());
    }

    @Test
    void theVoiceItemSaysWhyItIsOff() {
        assertTrue(CallDetailViewModel.VOICE_UNAVAILABLE.contains("docs/live-settings.md"));
    }
}
