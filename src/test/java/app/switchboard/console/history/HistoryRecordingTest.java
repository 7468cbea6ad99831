package app.switchboard.console.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSession;
import app.switchboard.call.EventPayload;
import app.switchboard.console.RecordedCalls;
import app.switchboard.history.CallRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/**
 * A call's recording in History, from a real store: the list's recording cell, the opened call's
 * recording line, and its link handed to the browser (never one that is not Twilio's https URL).
 */
class HistoryRecordingTest {

    static final String SID = "RE0123456789abcdef0123456789abcdef";
    static final String URL = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Recordings/" + SID;

    @TempDir
    Path dir;

    private RecordedCalls recorded;
    private HistoryViewModel viewModel;
    private final List<String> browsed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startFx() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    /** Records Twilio's recording callbacks on a call that has ended, as the relay does. */
    static void recordingCallbacks(RecordedCalls calls, String callSid, EventPayload.Recording... callbacks) throws Exception {
        CallSession session = calls.callers.registry.find(callSid);
        for (EventPayload.Recording r : callbacks) {
            session.execute(() -> session.record(r));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> calls.liveEvents(callSid).stream()
                .filter(e -> e.payload() instanceof EventPayload.Recording).count() == callbacks.length);
        calls.flushed();
    }

    @BeforeEach
    void record() throws Exception {
        recorded = new RecordedCalls(dir.resolve("data"));
        recorded.record("CA001", "+15550000001", "what is my bill");
        recorded.record("CA002", "+15550000002", "my parcel never arrived");
        recordingCallbacks(recorded, "CA001",
                new EventPayload.Recording(SID, "in-progress", URL, null, null),
                new EventPayload.Recording(SID, "completed", URL, 83, null));
        viewModel = fx(() -> new HistoryViewModel(recorded.history(), ZoneId.of("UTC"), 10));
        fx(() -> {
            viewModel.browser(browsed::add);
            return viewModel.search();
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.calls().size()) == 2);
    }

    @AfterEach
    void close() {
        if (viewModel != null) {
            viewModel.close();
        }
        recorded.close();
    }

    private static <T> T fx(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    private CallRecord row(String callId) throws Exception {
        return fx(() -> viewModel.calls().stream().filter(c -> c.callId().equals(callId)).findFirst().orElseThrow());
    }

    private void open(String callId) throws Exception {
        CallRecord record = row(callId);
        fx(() -> viewModel.open(record));
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.openedRecordProperty().get() == record));
    }

    @Test
    void theListShowsWhichCallsWereRecorded() throws Exception {
        assertEquals("recorded", CallRecordings.recordingCell(row("CA001")));
        assertEquals("", CallRecordings.recordingCell(row("CA002")));
    }

    @Test
    void theOpenedCallShowsItsRecordingAndOpensItsLinkInTheBrowser() throws Exception {
        open("CA001");
        EventPayload.Recording shown = fx(() -> viewModel.recordingProperty().get());
        assertEquals(new EventPayload.Recording(SID, "completed", URL, 83, null), shown);
        assertEquals("Recording " + SID + " \u00b7 completed \u00b7 1:23", CallRecordings.recordingText(shown));
        assertTrue(fx(viewModel::openRecording));
        assertEquals(List.of(URL), browsed);
    }

    @Test
    void aCallWithoutARecordingOpensNothing() throws Exception {
        open("CA002");
        assertNull(fx(() -> viewModel.recordingProperty().get()));
        assertFalse(fx(viewModel::openRecording));
        assertTrue(browsed.isEmpty());
        assertEquals("This call was not recorded.", fx(() -> viewModel.statusProperty().get()));
    }

    @Test
    void aCompletedRecordingStaysCompletedWhenAnEarlierStatusArrivesLate() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        EventPayload.Recording completed = new EventPayload.Recording(SID, "completed", URL, 83, null);
        List<CallEvent> events = List.of(
                new CallEvent("CA9", 1, t, completed),
                new CallEvent("CA9", 2, t.plusSeconds(1), new EventPayload.Recording(SID, "in-progress", URL, null, null)));
        assertEquals(completed, CallRecordings.recording(events));
    }

    @Test
    void onlyTwiliosHttpsLinksWithoutCredentialsGoToTheBrowser() {
        assertTrue(CallRecordings.browsable(URL));
        assertTrue(CallRecordings.browsable("https://api.dublin.ie1.twilio.com/2010-04-01/Recordings/" + SID));
        assertFalse(CallRecordings.browsable("http://api.twilio.com/2010-04-01/Recordings/" + SID));
        assertFalse(CallRecordings.browsable("https://AC1:token@api.twilio.com/2010-04-01/Recordings/" + SID));
        assertFalse(CallRecordings.browsable("https://api.twilio.com.evil.example/" + SID));
        assertFalse(CallRecordings.browsable("javascript:alert(1)"));
        assertFalse(CallRecordings.browsable("file:///etc/passwd"));
        assertFalse(CallRecordings.browsable(null));
    }
}
