package app.switchboard.store;

import static app.switchboard.store.StoreFixtures.conversation;
import static app.switchboard.store.StoreFixtures.flushed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.history.HistoryQuery;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A call's recording status callbacks, stored after its end, give its History row a recording status. */
class RecordingHistoryTest {

    private static final String SID = "RE0123456789abcdef0123456789abcdef";
    private static final String URL = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Recordings/" + SID;

    @TempDir
    Path dir;

    private static CallEvent after(List<CallEvent> events, int seconds, EventPayload payload) {
        CallEvent last = events.get(events.size() - 1);
        CallEvent next = new CallEvent(last.callId(), last.seq() + 1, last.time().plusSeconds(seconds), payload);
        events.add(next);
        return next;
    }

    @Test
    void aRecordingCompletedAfterTheEndIsTheRowsStatusAlsoWhenReopened() throws Exception {
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        List<CallEvent> events = new ArrayList<>(conversation("CA1", "+15550001111", start, "hello", true));
        after(events, 1, new EventPayload.Recording(SID, "in-progress", null, null, null));
        after(events, 5, new EventPayload.Recording(SID, "completed", URL, 42, null));
        // Callbacks may arrive out of order: a late in-progress does not undo the completed one.
        after(events, 6, new EventPayload.Recording(SID, "in-progress", null, null, null));
        try (EventStore store = EventStore.open(dir)) {
            events.forEach(store::append);
            flushed(store);
            assertEquals("completed", store.call("CA1").orElseThrow().recording());
        }
        try (EventStore reopened = EventStore.open(dir)) {
            assertEquals("completed", reopened.history(HistoryQuery.all(10)).calls().get(0).recording());
            CallEvent stored = reopened.events("CA1").get(events.size() - 2);
            assertEquals(new EventPayload.Recording(SID, "completed", URL, 42, null), stored.payload());
        }
    }

    @Test
    void aCallThatWasNotRecordedHasNoRecordingStatus() throws Exception {
        try (EventStore store = EventStore.open(dir)) {
            conversation("CA2", "+15550002222", Instant.parse("2026-12-01T11:00:00Z"), "hi", true).forEach(store::append);
            flushed(store);
            assertNull(store.call("CA2").orElseThrow().recording());
        }
    }
}
