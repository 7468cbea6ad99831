package app.switchboard.store;

import app.switchboard.history.StoreHealth;
import static app.switchboard.store.StoreFixtures.conversation;
import static app.switchboard.store.StoreFixtures.assertSameEvents;
import static app.switchboard.store.StoreFixtures.event;
import static app.switchboard.store.StoreFixtures.fastRetry;
import static app.switchboard.store.StoreFixtures.flushed;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file cannot be written: calls go on, events wait, health says why, and all is written later. */
class EventStoreFailureTest {

    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    @TempDir
    Path root;

    @Test
    void readOnlyDataFolderDegradesAndWritesOnceItIsWritable() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        assumeTrue(ReadOnly.make(data), "cannot make a read-only folder here");
        List<CallEvent> call = conversation("CA-ro", "+15551110000", T0, "hello", true);
        List<StoreHealth> seen = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(data, fastRetry())) {
            store.onHealthChange(seen::add);
            call.forEach(store::append); // the call's thread: returns at once, throws nothing
            await().atMost(Duration.ofSeconds(10)).until(() -> store.health().pending() == call.size());
            StoreHealth degraded = store.health();
            assertEquals(StoreHealth.Status.DEGRADED, degraded.status());
            assertTrue(degraded.message().contains("read-only"), degraded.message());

            ReadOnly.undo(data);
            await().atMost(Duration.ofSeconds(10)).until(() -> store.health().ok());
            flushed(store);
            assertSameEvents(call, store.events("CA-ro"));
            assertTrue(seen.stream().anyMatch(h -> !h.ok()), "listeners heard of the degraded state");
            assertTrue(seen.get(seen.size() - 1).ok(), "and of the recovery");
        } finally {
            ReadOnly.undo(data);
        }
    }

    @Test
    void readOnlyHistoryFileDegradesAndWritesOnceItIsWritable() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        List<CallEvent> before = conversation("CA-a", "+15551110001", T0, "first", true);
        try (EventStore store = EventStore.open(data)) {
            before.forEach(store::append);
            flushed(store);
        }
        Path file = data.resolve(EventStore.FILE_NAME);
        assumeTrue(ReadOnly.make(file), "cannot make a read-only file here");
        List<CallEvent> after = conversation("CA-b", "+15551110002", T0.plusSeconds(30), "second", true);
        try (EventStore store = EventStore.open(data, fastRetry())) {
            after.forEach(store::append);
            await().atMost(Duration.ofSeconds(10)).until(() -> !store.health().ok());
            assertTrue(store.health().message().contains("read-only"), store.health().message());

            ReadOnly.undo(file);
            await().atMost(Duration.ofSeconds(10)).until(() -> store.health().ok());
            flushed(store);
            assertSameEvents(before, store.events("CA-a"));
            assertSameEvents(after, store.events("CA-b"));
        } finally {
            ReadOnly.undo(file);
        }
    }

    @Test
    void databaseLockedByAnotherProgramDegradesAndWritesAfterRelease() throws Exception {
        List<CallEvent> call = conversation("CA-lock", "+15552220000", T0, "hello", true);
        try (EventStore store = EventStore.open(root, fastRetry())) {
            store.append(call.get(0));
            flushed(store);
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + store.file());
                 Statement s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                call.subList(1, call.size()).forEach(store::append);
                await().atMost(Duration.ofSeconds(15)).until(() -> store.health().pending() == call.size() - 1);
                assertEquals(StoreHealth.Status.DEGRADED, store.health().status());
                assertTrue(store.health().message().contains("locked"), store.health().message());
                s.execute("ROLLBACK");
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> store.health().ok());
            flushed(store);
            assertSameEvents(call, store.events("CA-lock"));
        }
    }

    @Test
    void beyondTheBufferTheOldestEventsAreDroppedAndCounted() throws Exception {
        int capacity = 100;
        List<CallEvent> events = new ArrayList<>();
        for (long seq = 1; seq <= 150; seq++) {
            events.add(event("CA-full", seq, T0.plusMillis(seq), EventKind.AGENT_TOKEN, "turn", 1, "token", "w" + seq));
        }
        try (EventStore store = EventStore.open(root, fastRetry().withBufferCapacity(capacity))) {
            store.append(event("CA-other", 1, T0, EventKind.PROMPT, "text", "first"));
            flushed(store);
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + store.file());
                 Statement s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                store.append(events.get(0));
                await().atMost(Duration.ofSeconds(15)).until(() -> !store.health().ok());
                events.subList(1, events.size()).forEach(store::append);
                await().atMost(Duration.ofSeconds(15)).until(() -> store.stats().dropped() == 50);
                s.execute("ROLLBACK");
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> store.health().ok());
            flushed(store);
            List<Long> kept = store.events("CA-full").stream().map(CallEvent::seq).toList();
            assertEquals(LongStream.rangeClosed(51, 150).boxed().toList(), kept, "the newest events are kept");
            assertEquals(50, store.health().dropped());
        }
    }

    @Test
    void aSecondStoreOnTheSameFolderWaitsWithoutEndingTheFirstsLiveCalls() throws Exception {
        List<CallEvent> live = conversation("CA-first", "+15553330000", T0, "still talking", false);
        List<CallEvent> other = conversation("CA-second", "+15553330001", T0.plusSeconds(5), "hello", true);
        EventStore first = EventStore.open(root, fastRetry());
        try (EventStore second = awaitingFirst(first, live)) {
            other.forEach(second::append);
            await().atMost(Duration.ofSeconds(10)).until(() -> second.health().pending() == other.size());
            assertTrue(second.health().message().contains("another Switchboard"), second.health().message());
            assertTrue(!second.call("CA-first").orElseThrow().ended(), "the first store's live call is left alone");

            first.close(); // stops without ending its call, as a crash would
            await().atMost(Duration.ofSeconds(10)).until(() -> second.health().ok());
            flushed(second);
            assertSameEvents(other, second.events("CA-second"));
            assertEquals(EventStore.CRASHED, second.call("CA-first").orElseThrow().endReason(),
                    "a call its store left open is ended once the history changes hands");
        } finally {
            first.close();
        }
    }

    /** Opens a second store once the first one has written (so it holds the history). */
    private EventStore awaitingFirst(EventStore first, List<CallEvent> live) throws Exception {
        live.forEach(first::append);
        flushed(first);
        return EventStore.open(root, fastRetry());
    }
}
