package app.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Barge-in travels through a node's command stream as flat fields, like every other command. */
class ClusterCommandLiveSettingsTest {

    @Test
    void bargeInReadsBackFromItsStreamEntry() {
        for (boolean on : new boolean[] {true, false}) {
            ClusterCommand command = new ClusterCommand.SetInterruptible(on);

            assertThat(command.fields()).isEqualTo(Map.of("cmd", "interruptible", "interruptible", Boolean.toString(on)));
            assertThat(ClusterCommand.from(command.fields())).isEqualTo(command);
        }
    }

    @Test
    void anEntryWithoutAnExplicitValueChangesNothing() {
        assertThat(ClusterCommand.from(Map.of("cmd", "interruptible"))).isNull();
        assertThat(ClusterCommand.from(Map.of("cmd", "interruptible", "interruptible", "yes"))).isNull();
    }
}
