package app.switchboard.console.floor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import app.switchboard.call.AlertRule;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The alert sound and desktop notification on a machine without an audio device or a tray (CI,
 * headless): nothing throws, the tone reports whether it played, and announcing keeps working.
 */
@Timeout(30)
class AlertAnnouncerTest {

    private static AlertsViewModel.OpenAlert alert() {
        return new AlertsViewModel.OpenAlert("CA1", 7, Instant.now(), "quiet", "SILENCE", AlertRule.Severity.INFO,
                "no speech for 31 s", "+15550100001");
    }

    @Test
    void theToneCompletesWhetherOrNotThereIsAnAudioDevice() throws Exception {
        try (AlertAnnouncer announcer = new AlertAnnouncer(true, true)) {
            Boolean played = announcer.beepAsync().get(20, TimeUnit.SECONDS);
            assertNotNull(played, "true with a device, false without one; never an exception");
            if (javax.sound.sampled.AudioSystem.getMixerInfo().length == 0) {
                org.junit.jupiter.api.Assertions.assertFalse(played, "no mixer: nothing can have played");
            }
            // A second alert after a missing device is skipped quietly, not retried into an error.
            assertDoesNotThrow(() -> announcer.accept(List.of(alert(), alert())));
            assertNotNull(announcer.beepAsync().get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void announcingAfterCloseIsIgnored() {
        AlertAnnouncer announcer = new AlertAnnouncer(true, true);
        announcer.close();
        assertDoesNotThrow(() -> announcer.accept(List.of(alert())));
        assertDoesNotThrow(() -> announcer.beepAsync().get(5, TimeUnit.SECONDS));
    }
}
