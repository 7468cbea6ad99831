package app.switchboard.console.floor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The band's words for a snapshot, and no work when nothing new was computed. */
class FloorViewModelTest {

    private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void aSnapshotIsShownAsTheBandReadsIt() {
        FloorSnapshot s = new FloorSnapshot(T, 5, 2, 1, 8, 6, 1, Duration.ofSeconds(185), 320.0, 910.0, 3,
                List.of(new FloorSnapshot.Bucket(T, 4, 700.0), new FloorSnapshot.Bucket(T.plusSeconds(300), 0, null)));
        FloorViewModel model = new FloorViewModel(() -> s, () -> { });

        model.refresh();

        assertEquals("5", model.liveProperty().get());
        assertEquals("2", model.waitingProperty().get());
        assertTrue(model.someoneWaitingProperty().get());
        assertEquals("75%", model.containmentProperty().get());
        assertEquals("6 of 8 ended", model.containmentDetailProperty().get());
        assertEquals("3:05", model.handleTimeProperty().get());
        assertEquals("320 / 910 ms", model.latencyProperty().get());
        assertEquals("3", model.faultsProperty().get());
        assertArrayEquals(new double[] {4, 0}, model.callsPerSliceProperty().get());
        assertTrue(Double.isNaN(model.latencyPerSliceProperty().get()[1]));
        assertEquals("4 calls in the last hour", model.hourSummaryProperty().get());
    }

    @Test
    void aQuietDayShowsDashesNotZeroPercent() {
        FloorViewModel model = new FloorViewModel(() -> FloorSnapshot.empty(T), () -> { });
        model.refresh();

        assertEquals("\u2014", model.containmentProperty().get());
        assertEquals("no call ended today", model.containmentDetailProperty().get());
        assertEquals("\u2014", model.latencyProperty().get());
    }

    @Test
    void theSameSnapshotIsNotCopiedAgain() {
        AtomicReference<FloorSnapshot> latest = new AtomicReference<>(FloorSnapshot.empty(T));
        FloorViewModel model = new FloorViewModel(latest::get, () -> { });
        java.util.concurrent.atomic.AtomicInteger redraws = new java.util.concurrent.atomic.AtomicInteger();
        // Each copy sets a new series array: a change the charts redraw on.
        model.callsPerSliceProperty().addListener((obs, old, now) -> redraws.incrementAndGet());
        model.refresh();
        model.refresh();
        model.refresh();
        assertEquals(1, redraws.get());

        latest.set(new FloorSnapshot(T.plusSeconds(1), 1, 0, 0, 0, 0, 0, null, null, null, 0, List.of()));
        model.refresh();
        assertEquals("1", model.liveProperty().get());
    }
}
