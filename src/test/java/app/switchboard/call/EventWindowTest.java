package app.switchboard.call;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A call's window of newest events: bounded, cut once to a tail when the call ended. */
class EventWindowTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

    private static CallEvent event(long seq) {
        return new CallEvent("CA1", seq, T0.plusMillis(seq), new EventPayload.Info("roundTripDelayMs", "148"));
    }

    private static List<Long> seqs(EventWindow window) {
        return window.snapshot().stream().map(CallEvent::seq).toList();
    }

    @Test
    void keepsOnlyTheNewestEventsOldestFirstWhileCountingThemAll() {
        EventWindow window = new EventWindow();
        for (long seq = 1; seq <= EventWindow.SIZE + 5; seq++) {
            window.add(event(seq));
        }

        List<Long> kept = seqs(window);
        assertEquals(EventWindow.SIZE, kept.size());
        assertEquals(6L, kept.get(0));
        assertEquals(EventWindow.SIZE + 5L, kept.get(kept.size() - 1));
        assertEquals(6L, window.firstSeq());
        assertEquals(EventWindow.SIZE + 5, window.count());
    }

    @Test
    void anEmptyWindowStartsAtSeqOne() {
        assertEquals(1L, new EventWindow().firstSeq());
    }

    @Test
    void theTailIsCutOnceSoEventsAfterTheEndStay() {
        EventWindow window = new EventWindow();
        for (long seq = 1; seq <= 10; seq++) {
            window.add(event(seq));
        }

        window.cutToTail(3);
        assertEquals(List.of(8L, 9L, 10L), seqs(window));

        window.add(event(11)); // the post-call summary, recorded after the cut
        window.cutToTail(3);
        assertEquals(List.of(8L, 9L, 10L, 11L), seqs(window));
        assertEquals(11, window.count());
    }

    @Test
    void aResumedCallIsSeededWithTheNewestOfItsRecord() {
        List<CallEvent> stored = new ArrayList<>();
        for (long seq = 1; seq <= EventWindow.SIZE + 10; seq++) {
            stored.add(event(seq));
        }
        EventWindow window = new EventWindow();

        window.seed(stored);
        window.add(event(EventWindow.SIZE + 11L));

        assertEquals(12L, window.firstSeq());
        assertEquals(EventWindow.SIZE, window.snapshot().size());
        assertEquals(EventWindow.SIZE + 1, window.count());
    }

    @Test
    void aSnapshotGivesBackTheRecordedEventsAsTheyWere() {
        EventWindow window = new EventWindow();
        CallEvent recorded = new CallEvent("CA7", 41, Instant.parse("2026-03-04T05:06:07.123456789Z"),
                new EventPayload.Info("agentSpeaking", "on"));
        window.add(recorded);

        CallEvent seen = window.snapshot().get(0);
        assertEquals(recorded, seen);
        assertEquals(recorded.time(), seen.time());
    }

    /**
     * Issue 10: an idle live call holds its window, so the window keeps each event's payload and
     * no more; the recorded CallEvent and its Instant (about 60 bytes a token) are left to the GC.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theWindowKeepsThePayloadButNotTheRecordedEvent() {
        EventWindow window = new EventWindow();
        EventPayload payload = new EventPayload.Info("roundTripDelayMs", "148");
        CallEvent recorded = new CallEvent("CA1", 1, T0, payload);
        WeakReference<CallEvent> event = new WeakReference<>(recorded);
        window.add(recorded);
        recorded = null;

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return event.get() == null;
        });
        assertEquals(payload, window.snapshot().get(0).payload());
    }

    /** The ring grows with the call (half again each time), so a short call does not pay for {@link EventWindow#SIZE}. */
    @Test
    void aTenTurnCallsWindowIsSizedToItsEventsNotToTheLimit() {
        EventWindow window = new EventWindow();
        int events = 376; // what a ten-turn call of the benchmark records
        for (long seq = 1; seq <= events; seq++) {
            window.add(event(seq));
        }

        assertEquals(events, window.snapshot().size());
        assertTrue(window.capacity() < events * 3 / 2, "capacity " + window.capacity());
        window.cutToTail(3);
        assertEquals(3, window.capacity());
    }

    @Test
    void theRingWrapsAndStillListsOldestFirst() {
        EventWindow window = new EventWindow();
        for (long seq = 1; seq <= 2L * EventWindow.SIZE + 7; seq++) {
            window.add(event(seq));
        }

        List<Long> kept = seqs(window);
        assertEquals(EventWindow.SIZE + 8L, kept.get(0));
        assertEquals(2L * EventWindow.SIZE + 7, kept.get(kept.size() - 1));
        assertEquals(EventWindow.SIZE, window.capacity());
        window.cutToTail(2);
        assertEquals(List.of(2L * EventWindow.SIZE + 6, 2L * EventWindow.SIZE + 7), seqs(window));
    }

    /** The ring keeps only the first seq while they run without a gap; a gap still reads back as recorded. */
    @Test
    void seqsWithAGapAreKeptAsRecorded() {
        EventWindow window = new EventWindow();
        for (long seq : new long[] {5, 6, 7, 20, 21}) {
            window.add(event(seq));
        }

        assertEquals(List.of(5L, 6L, 7L, 20L, 21L), seqs(window));
        window.cutToTail(2);
        assertEquals(List.of(20L, 21L), seqs(window));
        assertEquals(20L, window.firstSeq());
    }

    @Test
    void aCutWindowGoesOnCountingSeqsFromItsTail() {
        EventWindow window = new EventWindow();
        for (long seq = 1; seq <= 10; seq++) {
            window.add(event(seq));
        }
        window.cutToTail(3);
        window.add(event(11));

        assertEquals(8L, window.firstSeq());
        assertEquals(List.of(8L, 9L, 10L, 11L), seqs(window));
        assertEquals(List.of(T0.plusMillis(8), T0.plusMillis(11)),
                List.of(window.snapshot().get(0).time(), window.snapshot().get(3).time()));
    }
}
