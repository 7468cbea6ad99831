package app.switchboard.store;

import app.switchboard.history.CallPage;
import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import static app.switchboard.store.StoreFixtures.conversation;
import static app.switchboard.store.StoreFixtures.event;
import static app.switchboard.store.StoreFixtures.flushed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Search and export over a few thousand stored calls. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistorySearchExportTest {

    private static final int CALLS = 3000;
    private static final Instant BASE = Instant.parse("2026-08-01T00:00:00Z");

    private Path dir;

    private EventStore store;
    private long totalEvents;

    private static String callId(int i) {
        return String.format("CA%05d", i);
    }

    private static Instant start(int i) {
        return BASE.plus(Duration.ofMinutes(43L * i)); // about 90 days for 3000 calls
    }

    private static String from(int i) {
        return String.format("+1 (555) %03d-%04d", i % 1000, i);
    }

    @BeforeAll
    void fill(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        store = EventStore.open(dir);
        for (int i = 0; i < CALLS; i++) {
            String said = i % 100 == 7 ? "my zebra print invoice" : "question number " + i;
            List<CallEvent> events = new ArrayList<>(conversation(callId(i), from(i), start(i), said, true));
            if (i == 42) {
                events.add(event(callId(i), 100, start(i).plusSeconds(30), EventKind.PROMPT,
                        "text", "=HYPERLINK(\"http://x\",\"a, b\")", "lang", "en-US"));
                events.add(event(callId(i), 101, start(i).plusSeconds(31), EventKind.TURN_COMPLETED,
                        "turn", 3, "text", "Su última factura, señor"));
            }
            events.forEach(store::append);
            totalEvents += events.size();
        }
        flushed(store);
    }

    @AfterAll
    void close() {
        store.close();
    }

    @Test
    void pagesListEveryCallOnceNewestFirst() {
        Set<String> seen = new HashSet<>();
        Instant previous = Instant.MAX;
        HistoryQuery query = HistoryQuery.all(250);
        CallPage page;
        do {
            page = store.history(query);
            assertEquals(CALLS, page.total());
            for (CallRecord c : page.calls()) {
                assertTrue(seen.add(c.callId()), "listed twice: " + c.callId());
                assertFalse(c.startedAt().isAfter(previous), "newest first");
                previous = c.startedAt();
            }
            query = query.page(query.offset() + page.calls().size());
        } while (page.hasMore());
        assertEquals(CALLS, seen.size());
        assertEquals(callId(CALLS - 1), store.history(HistoryQuery.all(1)).calls().get(0).callId());
    }

    @Test
    void numberSearchIgnoresFormatting() {
        CallPage page = store.history(HistoryQuery.all(10).withNumber("555 123-1123"));
        assertEquals(List.of(callId(1123)), page.calls().stream().map(CallRecord::callId).toList());
        assertEquals(CALLS, store.history(HistoryQuery.all(10).withNumber("18005550100")).total(), "the called number too");
    }

    @Test
    void dateRangeSelectsCallsStartedWithinIt() {
        Instant from = start(1000);
        Instant until = start(1100);
        CallPage page = store.history(HistoryQuery.all(500).between(from, until));
        assertEquals(100, page.total());
        assertEquals(callId(1099), page.calls().get(0).callId());
        assertEquals(callId(1000), page.calls().get(99).callId());
    }

    @Test
    void textSearchFindsWordsSaidByEitherSide() {
        assertEquals(30, store.history(HistoryQuery.all(100).withText("zebra")).total(), "the caller's words");
        assertEquals(30, store.history(HistoryQuery.all(100).withText("zeb INVOICE")).total(), "word prefixes, any case");
        assertEquals(CALLS, store.history(HistoryQuery.all(1).withText("twenty dollars")).total(), "the agent's answers");
        assertEquals(CALLS, store.history(HistoryQuery.all(1).withText("colleague")).total(), "the supervisor's words");
        assertEquals(CALLS, store.history(HistoryQuery.all(1).withText("roaming")).total(), "what the caller heard");
        assertEquals(30, store.history(HistoryQuery.all(1).withText("zebra colleague")).total(),
                "every word somewhere in the call, said by anyone");
        assertEquals(0, store.history(HistoryQuery.all(1).withText("five")).total(), "what was cut off was never said");
        assertEquals(List.of(callId(42)), store.history(HistoryQuery.all(5).withText("ultima factura"))
                .calls().stream().map(CallRecord::callId).toList(), "accents ignored");
        assertEquals(30, store.history(HistoryQuery.all(1).withText("\"(zebra*")).total(),
                "query syntax in the text is taken as words, not operators");
    }

    @Test
    void filtersCombine() {
        HistoryQuery q = HistoryQuery.all(100).withText("zebra").between(start(0), start(1500)).withNumber("555 107-0107");
        assertEquals(List.of(callId(107)), store.history(q).calls().stream().map(CallRecord::callId).toList());
    }

    @Test
    void jsonExportOfASearchResultHoldsEveryEventAndReportsProgress() throws Exception {
        Path target = dir.resolve("exports/zebra.json");
        List<long[]> progress = new ArrayList<>();
        long written = store.export(HistoryQuery.all(10).withText("zebra"), ExportFormat.JSON, target,
                (done, total) -> progress.add(new long[] {done, total}));
        JsonNode root = EventJson.MAPPER.readTree(target.toFile());
        assertEquals(30, root.get("history").size());
        long events = 0;
        for (JsonNode call : root.get("history")) {
            events += call.get("events").size();
            assertEquals(store.events(call.get("callId").asText()).size(), call.get("events").size());
        }
        assertEquals(events, written);
        long[] last = progress.get(progress.size() - 1);
        assertEquals(written, last[0]);
        assertEquals(written, last[1]);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0], "progress only grows");
        }
    }

    @Test
    void csvExportHasALinePerEventAndDefusesFormulas() throws Exception {
        Path target = dir.resolve("all.csv");
        long written = store.export(HistoryQuery.all(10), ExportFormat.CSV, target, ExportProgress.NONE);
        assertEquals(totalEvents, written);
        List<String> lines = Files.readAllLines(target, StandardCharsets.UTF_8);
        assertEquals(totalEvents + 1, lines.size(), "a header and one line per event (no text holds a line break)");
        assertTrue(lines.get(0).startsWith("\uFEFFcall_id,from,to,"));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",caller,\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\",")),
                "a formula is prefixed with an apostrophe and quoted");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(callId(1123) + ",+1 (555) 123-1123,")),
                "a phone number keeps its plus");
    }

    @Test
    void singleCallExportMatchesItsEvents() throws Exception {
        Path target = dir.resolve("one.json");
        long written = store.exportCall(callId(5), ExportFormat.JSON, target, ExportProgress.NONE);
        assertEquals(store.events(callId(5)).size(), written);
        JsonNode call = EventJson.MAPPER.readTree(target.toFile()).get("history").get(0);
        assertEquals(from(5), call.get("from").asText());
        assertEquals("SETUP", call.get("events").get(1).get("kind").asText());
    }

    @Test
    void aCancelledExportLeavesNoFile() throws Exception {
        Path target = dir.resolve("cancelled.json");
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class,
                    () -> store.export(HistoryQuery.all(10), ExportFormat.JSON, target, ExportProgress.NONE));
        } finally {
            Thread.interrupted();
        }
        assertFalse(Files.exists(target));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")), "no part file left");
        }
    }
}
