package app.switchboard.store;

import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallRecord;
import app.switchboard.history.HistoryQuery;
import static app.switchboard.store.StoreFixtures.assertSameEvents;
import static app.switchboard.store.StoreFixtures.conversation;
import static app.switchboard.store.StoreFixtures.event;
import static app.switchboard.store.StoreFixtures.fastRetry;
import static app.switchboard.store.StoreFixtures.flushed;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.CallState;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.call.EventPayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:15:30.123456789Z");

    @TempDir
    Path dir;

    @Test
    void everyEventKindRoundTripsWithEveryComponentSet() throws Exception {
        List<CallEvent> live = new ArrayList<>();
        long seq = 0;
        for (EventKind kind : EventKind.values()) {
            seq++;
            live.add(new CallEvent("CA-roundtrip", seq, T0.plusNanos(seq * 1_000_001), everyComponentSet(kind, seq)));
        }
        try (EventStore store = EventStore.open(dir)) {
            live.forEach(store::append);
            flushed(store);
            assertSameEvents(live, store.events("CA-roundtrip"));
        }
        try (EventStore reopened = EventStore.open(dir)) {
            assertSameEvents(live, reopened.events("CA-roundtrip"));
        }
    }

    @Test
    void callRowIsDerivedFromTheEvents() throws Exception {
        List<CallEvent> call = conversation("CA1", "+1 (555) 010-2030", T0, "what is my bill", true);
        try (EventStore store = EventStore.open(dir)) {
            call.forEach(store::append);
            flushed(store);
            CallRecord row = store.call("CA1").orElseThrow();
            assertEquals("CA1", row.callSid());
            assertEquals(List.of("VXCA1"), row.sessionIds());
            assertEquals("+1 (555) 010-2030", row.from());
            assertEquals("+18005550100", row.to());
            assertEquals(call.get(0).time().toEpochMilli(), row.startedAt().toEpochMilli());
            assertEquals(call.get(call.size() - 1).time().toEpochMilli(), row.endedAt().toEpochMilli());
            assertEquals("completed", row.endReason());
            assertEquals("es-ES", row.language(), "the supervisor's language switch came after the caller's en-US");
            assertEquals(2, row.turns());
            assertEquals(1, row.interruptions());
            assertEquals(List.of("HUMAN_REQUESTED"), row.attention());
            assertEquals(call.size(), row.eventCount());
        }
    }

    @Test
    void liveCallKeepsItsRowOpenAcrossBatches() throws Exception {
        List<CallEvent> call = conversation("CA2", "+15550001111", T0, "hello", false);
        try (EventStore store = EventStore.open(dir)) {
            for (CallEvent e : call) {
                store.append(e);
                flushed(store); // one event per commit: the row must accumulate, not restart
            }
            CallRecord row = store.call("CA2").orElseThrow();
            assertFalse(row.ended());
            assertEquals(2, row.turns());
            assertEquals(call.size(), row.eventCount());
        }
    }

    @Test
    void callsLeftLiveByThePreviousRunAreEndedAsRelayCrashed() throws Exception {
        List<CallEvent> live = conversation("CA-live", "+15550002222", T0, "hello", false);
        List<CallEvent> done = conversation("CA-done", "+15550003333", T0, "bye", true);
        try (EventStore store = EventStore.open(dir)) {
            live.forEach(store::append);
            done.forEach(store::append);
            flushed(store);
        }
        try (EventStore restarted = EventStore.open(dir)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> restarted.call("CA-live").orElseThrow().ended());
            CallRecord row = restarted.call("CA-live").orElseThrow();
            assertEquals(EventStore.CRASHED, row.endReason());
            assertEquals(live.get(live.size() - 1).time().toEpochMilli(), row.endedAt().toEpochMilli(),
                    "the last thing heard from the call is the best estimate of when it was lost");
            List<CallEvent> events = restarted.events("CA-live");
            CallEvent last = events.get(events.size() - 1);
            assertEquals(EventKind.CALL_ENDED, last.kind());
            assertEquals(live.size() + 1, last.seq());
            EventPayload.CallEnded ended = last.as(EventPayload.CallEnded.class);
            assertEquals(EventStore.CRASHED, ended.reason());
            assertEquals(Boolean.TRUE, ended.recovered());
            assertEquals("completed", restarted.call("CA-done").orElseThrow().endReason());
            assertEquals(done.size(), restarted.events("CA-done").size(), "an ended call gets no extra event");
        }
    }

    @Test
    void theSameEventAppendedTwiceIsStoredOnce() throws Exception {
        CallEvent e = event("CA3", 1, T0, EventKind.PROMPT, "text", "hello", "lang", "en-US");
        try (EventStore store = EventStore.open(dir)) {
            store.append(e);
            flushed(store);
            store.append(e);
            flushed(store);
            assertEquals(1, store.events("CA3").size());
            assertEquals(1, store.call("CA3").orElseThrow().eventCount());
        }
    }

    @Test
    void aCallIdReusedAfterItsEndKeepsBothSessionsInOrder() throws Exception {
        List<CallEvent> first = conversation("CA4", "+15550004444", T0, "first", true);
        Instant later = T0.plusSeconds(60);
        List<CallEvent> second = List.of(
                event("CA4", 1, later, EventKind.SESSION_STARTED, "sessionId", "VXsecond"),
                event("CA4", 2, later.plusMillis(5), EventKind.SETUP, "sessionId", "VXsecond", "callSid", "CA4",
                        "from", "+15550004444", "to", "+18005550100"),
                event("CA4", 3, later.plusMillis(9), EventKind.PROMPT, "text", "again", "lang", "en-US"));
        try (EventStore store = EventStore.open(dir)) {
            first.forEach(store::append);
            second.forEach(store::append);
            flushed(store);
            List<CallEvent> all = new ArrayList<>(first);
            all.addAll(second);
            assertSameEvents(all, store.events("CA4"));
            CallRecord row = store.call("CA4").orElseThrow();
            assertFalse(row.ended(), "the new session reopened the call");
            assertEquals(List.of("VXCA4", "VXsecond"), row.sessionIds());
        }
    }

    @Test
    void auditTrailListsSupervisorActionsWithTheOperator() throws Exception {
        try (EventStore store = EventStore.open(dir)) {
            conversation("CA5", "+15550005555", T0, "hi", true).forEach(store::append);
            flushed(store);
            List<AuditEntry> trail = store.auditTrail("CA5");
            assertEquals(List.of("takeover", "say", "language"), trail.stream().map(AuditEntry::action).toList());
            assertTrue(trail.stream().allMatch(a -> "alice".equals(a.operator())));
            assertEquals("A colleague will call you back tomorrow.", trail.get(1).details().get("text"));
        }
    }

    @Test
    void retentionDeletesCallsThatEndedBeforeTheCutoffWithTheirWords() throws Exception {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        try (EventStore store = EventStore.open(dir, EventStore.Options.defaults().withClock(clock))) {
            conversation("CA-old", "+15550006666", now.minus(Duration.ofDays(40)), "ancient billing", true)
                    .forEach(store::append);
            conversation("CA-recent", "+15550007777", now.minus(Duration.ofDays(5)), "recent billing", true)
                    .forEach(store::append);
            conversation("CA-oldlive", "+15550008888", now.minus(Duration.ofDays(40)), "still talking", false)
                    .forEach(store::append);
            flushed(store);
            assertEquals(0, store.applyRetention(0).get(), "0 keeps everything");
            assertEquals(1, store.applyRetention(30).get());
            assertTrue(store.call("CA-old").isEmpty());
            assertTrue(store.events("CA-old").isEmpty());
            assertEquals(0, store.history(HistoryQuery.all(10).withText("ancient")).total());
            assertEquals(1, store.history(HistoryQuery.all(10).withText("recent")).total());
            assertTrue(store.call("CA-oldlive").isPresent(), "a call that has not ended is never deleted");
        }
    }

    @Test
    void configuredRetentionRunsWhenTheStoreOpens() throws Exception {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        EventStore.Options keepAll = EventStore.Options.defaults().withClock(Clock.fixed(now, ZoneOffset.UTC));
        try (EventStore store = EventStore.open(dir, keepAll)) {
            conversation("CA-old", "+15550006666", now.minus(Duration.ofDays(40)), "ancient", true).forEach(store::append);
            flushed(store);
        }
        try (EventStore store = EventStore.open(dir, keepAll.withRetention(() -> 30))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> store.call("CA-old").isEmpty());
        }
    }

    @Test
    void aDamagedFileIsKeptAsideAndANewHistoryStarts() throws Exception {
        byte[] garbage = new byte[16384];
        new Random(7).nextBytes(garbage);
        Files.write(dir.resolve(EventStore.FILE_NAME), garbage);
        List<CallEvent> call = conversation("CA6", "+15550009999", T0, "hello", true);
        try (EventStore store = EventStore.open(dir, fastRetry())) {
            call.forEach(store::append);
            flushed(store);
            assertSameEvents(call, store.events("CA6"));
            // The notice is published right after the write that follows the recovery.
            await().atMost(Duration.ofSeconds(10)).until(() -> store.health().message() != null);
            assertTrue(store.health().ok());
            assertTrue(store.health().message().contains("damaged"), store.health().message());
        }
        try (var files = Files.list(dir)) {
            Path kept = files.filter(p -> p.getFileName().toString().startsWith("switchboard-damaged-")
                    && p.toString().endsWith(".db")).findFirst().orElseThrow();
            assertArrayEquals(garbage, Files.readAllBytes(kept), "the damaged file is kept as it was");
        }
    }

    @Test
    void aFileFromANewerVersionIsNotWritten() throws Exception {
        Path file = dir.resolve(EventStore.FILE_NAME);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        try (EventStore store = EventStore.open(dir, fastRetry())) {
            store.append(event("CA7", 1, T0, EventKind.PROMPT, "text", "hi"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !store.health().ok());
            assertTrue(store.health().message().contains("newer Switchboard"), store.health().message());
            assertEquals(1, store.health().pending());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
            assertEquals(0, r.getInt(1), "no table was created in the newer file");
        }
    }

    @Test
    void schemaIsAtTheLatestVersionInWalMode() throws Exception {
        try (EventStore store = EventStore.open(dir)) {
            store.append(event("CA8", 1, T0, EventKind.PROMPT, "text", "hi"));
            flushed(store);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
                 Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                    assertEquals(Schema.LATEST, r.getInt(1));
                    assertEquals(2, Schema.LATEST, "1: the first release's tables; 2: calls.recording");
                }
                try (ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
                    assertEquals("wal", r.getString(1));
                }
                assertTrue(Schema.saidIsFullText(c), "the driver has FTS5, so words are indexed with it");
            }
        }
    }

    @Test
    void aDamagedStoredPayloadReadsBackAsUnreadableAndTheRestOfTheCallStays() throws Exception {
        try (EventStore store = EventStore.open(dir)) {
            store.append(event("CA9", 1, T0, EventKind.PROMPT, "text", "before"));
            store.append(event("CA9", 2, T0.plusMillis(1), EventKind.TOOL_CALL, "turn", 1, "name", "lookup"));
            store.append(event("CA9", 3, T0.plusMillis(2), EventKind.PROMPT, "text", "still recording"));
            store.append(event("CA9", 4, T0.plusMillis(3), EventKind.CALL_ENDED, "reason", "completed"));
            flushed(store);
        }
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(EventStore.FILE_NAME));
             java.sql.Statement s = db.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE events SET fields = '{\"turn\": \"not a number\"' WHERE seq = 2"));
        }
        try (EventStore store = EventStore.open(dir)) {
            List<CallEvent> events = store.events("CA9");
            assertEquals(4, events.size());
            assertEquals("before", events.get(0).as(EventPayload.Prompt.class).text());
            EventPayload.Unreadable damaged = events.get(1).as(EventPayload.Unreadable.class);
            assertNotNull(damaged, events.get(1).toString());
            assertEquals(EventKind.TOOL_CALL, events.get(1).kind());
            assertEquals("{\"turn\": \"not a number\"", damaged.raw());
            assertEquals("still recording", events.get(2).as(EventPayload.Prompt.class).text());
        }
    }

    @Test
    void closingWritesWhatWaitsAndLeavesNoLogFileBehind() throws Exception {
        List<CallEvent> call = conversation("CA10", "+15550001010", T0, "goodbye", true);
        EventStore store = EventStore.open(dir);
        call.forEach(store::append);
        store.close();
        assertFalse(Files.exists(dir.resolve(EventStore.FILE_NAME + "-wal")), "the WAL was checkpointed and removed");
        try (EventStore reopened = EventStore.open(dir)) {
            assertSameEvents(call, reopened.events("CA10"));
        }
    }

    @Test
    void aHistoryDeletedWhileInUseIsStartedAgain() throws Exception {
        List<CallEvent> before = conversation("CA11", "+15550001111", T0, "before", true);
        List<CallEvent> after = conversation("CA12", "+15550001212", T0.plusSeconds(9), "after", true);
        try (EventStore store = EventStore.open(dir)) {
            before.forEach(store::append);
            flushed(store);
            for (String name : List.of(EventStore.FILE_NAME, EventStore.FILE_NAME + "-wal", EventStore.FILE_NAME + "-shm")) {
                Files.deleteIfExists(dir.resolve(name));
            }
            // The writer looks for its file at most once a second; keep the calls coming until it has.
            long[] seq = {100};
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
                store.append(event("CA-tick", ++seq[0], T0.plusSeconds(seq[0]), EventKind.INFO, "name", "tick"));
                return store.flush(Duration.ofSeconds(5)) && Files.exists(dir.resolve(EventStore.FILE_NAME));
            });
            after.forEach(store::append);
            flushed(store);
            assertSameEvents(after, store.events("CA12"));
            assertTrue(store.events("CA11").isEmpty(), "the deleted history stays deleted");
        }
    }

    @Test
    void withoutFts5WordsAreSearchedWithLike() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(EventStore.FILE_NAME))) {
            Schema.migrate(c, false);
            assertFalse(Schema.saidIsFullText(c));
        }
        try (EventStore store = EventStore.open(dir)) {
            conversation("CA13", "+15550001313", T0, "my zebra invoice", true).forEach(store::append);
            conversation("CA14", "+15550001414", T0.plusSeconds(60), "opening hours", true).forEach(store::append);
            flushed(store);
            assertEquals(List.of("CA13"), store.history(HistoryQuery.all(10).withText("Zebra colleague"))
                    .calls().stream().map(CallRecord::callId).toList());
            assertEquals(0, store.history(HistoryQuery.all(10).withText("100%")).total(), "% is a character, not a wildcard");
        }
    }

    /** A payload of {@code kind} with every component set to a value that is not its default. */
    private static EventPayload everyComponentSet(EventKind kind, long seq) throws ReflectiveOperationException {
        Class<? extends EventPayload> type = EventPayloadJson.typeOf(kind);
        java.lang.reflect.RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> t = components[i].getType();
            types[i] = t;
            String name = components[i].getName();
            if (t == String.class) {
                values[i] = name + ": Olá, ¿qué tal? \"quoted\" \u65e5\u672c " + seq;
            } else if (t == long.class || t == Long.class) {
                values[i] = Long.MAX_VALUE - seq;
            } else if (t == int.class || t == Integer.class) {
                values[i] = (int) (1000 + seq);
            } else if (t == double.class || t == Double.class) {
                values[i] = 0.25 * seq;
            } else if (t == boolean.class || t == Boolean.class) {
                values[i] = Boolean.TRUE;
            } else if (t == Map.class) {
                Map<String, String> m = new java.util.LinkedHashMap<>();
                m.put("zeta", "last key first");
                m.put("alpha", "\u00e9 & <x>");
                values[i] = m;
            } else if (t == CallState.class) {
                values[i] = CallState.values()[(int) (seq % CallState.values().length)];
            } else {
                throw new AssertionError("no sample for " + t + " in " + type.getSimpleName());
            }
        }
        return type.getDeclaredConstructor(types).newInstance(values);
    }
}
