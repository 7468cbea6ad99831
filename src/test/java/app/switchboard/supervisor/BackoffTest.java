package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    @Test
    void doublesFromTheFirstStepWithinHalfAndAllOfIt() {
        assertThat(backoff.delay(1, () -> 0.0)).isEqualTo(Duration.ofMillis(250));
        assertThat(backoff.delay(1, () -> 0.999)).isBetween(Duration.ofMillis(499), Duration.ofMillis(500));
        assertThat(backoff.delay(3, () -> 0.0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(backoff.delay(3, () -> 0.5)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void neverWaitsLongerThanTheCap() {
        assertThat(backoff.delay(40, () -> 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(40, () -> 0.0)).isEqualTo(Duration.ofSeconds(15));
    }
}
