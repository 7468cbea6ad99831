package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
