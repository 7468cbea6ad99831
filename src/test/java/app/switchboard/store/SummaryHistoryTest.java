package app.switchboard.store;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.history.CallPage;
import app.switchboard.history.HistoryQuery;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static app.switchboard.store.StoreFixtures.conversation;
import static app.switchboard.store.StoreFixtures.flushed;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A post-call summary is stored with its call, read back typed, and found by the History search. */
class SummaryHistoryTest {

    @TempDir
    Path dir;

    @Test
    void theSummaryReadsBackTypedAndItsWordsFindTheCall() throws Exception {
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        try (EventStore store = EventStore.open(dir)) {
            List<CallEvent> events = new ArrayList<>(conversation("CA1", "+15550001111", start, "hello there", true));
            long next = events.get(events.size() - 1).seq() + 1;
            EventPayload.Summary summary = new EventPayload.Summary(
                    "The caller wanted a refund for a double charge. The AI explained the process.",
                    "RESOLVED", "model", null);
            events.add(new CallEvent("CA1", next, start.plusSeconds(120), summary));
            events.forEach(store::append);
            store.append(conversation("CA2", "+15550002222", start.plusSeconds(5), "opening hours please", true)
                    .toArray(new CallEvent[0])[0]);
            flushed(store);

            List<CallEvent> back = store.events("CA1");
            assertEquals(summary, back.get(back.size() - 1).payload());
            assertEquals(EventKind.SUMMARY, back.get(back.size() - 1).kind());

            CallPage found = store.history(HistoryQuery.all(10).withText("refund"));
            assertEquals(List.of("CA1"), found.calls().stream().map(c -> c.callId()).toList());
        }
    }
}
