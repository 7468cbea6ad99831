package app.switchboard.store;

import app.switchboard.history.StoreHealth;
import static app.switchboard.store.StoreFixtures.conversation;
import static app.switchboard.store.StoreFixtures.assertSameEvents;
import static app.switchboard.store.StoreFixtures.fastRetry;
import static app.switchboard.store.StoreFixtures.flushed;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The store never stops saving silently: a failing writer, lost events and damaged pages all show in its health. */
@Timeout(60)
class EventStoreHealthTest {

    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aFailureInsideTheWriterIsReportedAndTheWriterRestarts() throws Exception {
        List<StoreHealth> seen = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(dir, fastRetry())) {
            store.onHealthChange(seen::add);
            store.runOnWriter(() -> {
                throw new OutOfMemoryError("simulated: the writer's own work ran out of memory");
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream()
                    .anyMatch(h -> h.status() == StoreHealth.Status.FAILED && h.message().contains("writer failed")));
            List<CallEvent> call = conversation("CA-after", "+15550001111", T0, "still saved?", true);
            call.forEach(store::append);
            await().atMost(Duration.ofSeconds(10)).until(() -> store.health().ok());
            flushed(store);
            assertSameEvents(call, store.events("CA-after"));
            assertEquals(1, store.writerRestarts());
        }
    }

    @Test
    void eventsDroppedFromAFullBufferMakeTheStoreFailedNotJustDegraded() throws Exception {
        try (EventStore holder = EventStore.open(dir)) {
            holder.append(conversation("CA-holder", "+15550002222", T0, "hi", true).get(0));
            flushed(holder);
            try (EventStore blocked = EventStore.open(dir, fastRetry().withBufferCapacity(5))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> blocked.health().status() == StoreHealth.Status.DEGRADED);
                conversation("CA-lost", "+15550003333", T0, "this overflows the buffer", true).forEach(blocked::append);
                await().atMost(Duration.ofSeconds(10)).until(() -> blocked.health().status() == StoreHealth.Status.FAILED);
                assertTrue(blocked.health().dropped() > 0);
                assertTrue(blocked.health().message().contains("dropped"), blocked.health().message());
            }
        }
    }

    @Test
    void pagesDamagedBetweenRunsAreFoundAtStartAndTheFileIsKeptAside() throws Exception {
        List<CallEvent> before = new ArrayList<>();
        try (EventStore store = EventStore.open(dir)) {
            for (int i = 0; i < 60; i++) {
                List<CallEvent> call = conversation("CA-old" + i, "+1555000" + (1000 + i), T0.plusSeconds(i),
                        "question number " + i + " about my bill and my plan", true);
                call.forEach(store::append);
                before.addAll(call);
            }
            flushed(store);
        }
        Path file = dir.resolve(EventStore.FILE_NAME);
        long pages = Files.size(file) / 4096;
        assertTrue(pages > 8, "a file of several pages: " + pages);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] noise = new byte[4096];
            new Random(42).nextBytes(noise);
            raf.seek((pages / 2) * 4096);
            raf.write(noise);
        }

        try (EventStore store = EventStore.open(dir)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> store.health().message() != null);
            assertTrue(store.health().ok(), "a fresh file is written: " + store.health());
            assertTrue(store.health().message().contains("damaged"), store.health().message());
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("switchboard-damaged-")
                        && p.getFileName().toString().endsWith(".db")).count(), "the damaged file is kept for repair");
            }
            List<CallEvent> after = conversation("CA-new", "+15550009999", T0.plusSeconds(100), "hello again", true);
            after.forEach(store::append);
            flushed(store);
            assertSameEvents(after, store.events("CA-new"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            assertTrue(r.next());
            assertEquals("ok", r.getString(1), "the new history file is sound");
        }
    }
}
