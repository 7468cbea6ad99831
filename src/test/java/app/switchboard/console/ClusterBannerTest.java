package app.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import app.switchboard.call.ClusterStatus;
import app.switchboard.call.ConnectionState;
import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.console.calls.CallBoard;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster's banner (its bus unreachable) in the main window's banner place (plain JUnit, no toolkit). */
class ClusterBannerTest {

    @TempDir
    Path dir;
    private ScriptedCallers callers;
    private MainWindowViewModel model;
    private final Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final ClusterStatus away = new ClusterStatus(true, "node-a", "rediss://redis.internal:6380 (authenticated)",
            false, 1_234, 0, List.of());

    @BeforeEach
    void start() {
        callers = new ScriptedCallers(0);
        ConsoleContext context = new ConsoleContext(callers.registry, new Settings(), AppDirectories.under(dir), null,
                "test", () -> { });
        model = new MainWindowViewModel(context, new CallBoard(callers.registry));
    }

    @AfterEach
    void stop() {
        model.close();
        callers.close();
    }

    @Test
    void anUnreachableBusShowsTheBannerAndItGoesWhenTheBusIsBack() {
        model.applyConnection(ConnectionState.IN_PROCESS_STATE, away, now);
        assertThat(model.connectionBannerProperty().get())
                .startsWith("\u26a0 Cluster bus rediss://redis.internal:6380 (authenticated) unreachable")
                .contains("1,234 events wait to be published.");
        assertThat(model.detail().connectedProperty().get()).as("commands to this node's calls still go").isTrue();

        model.applyConnection(ConnectionState.IN_PROCESS_STATE, new ClusterStatus(true, "node-a", away.bus(), true, 0, 0,
                List.of()), now);
        assertThat(model.connectionBannerProperty().get()).isEmpty();
    }

    @Test
    void aSingleNodeNeverShowsItAndALostConnectionToARelayTakesThePlace() {
        model.applyConnection(ConnectionState.IN_PROCESS_STATE, ClusterStatus.SINGLE_NODE, now);
        assertThat(model.connectionBannerProperty().get()).isEmpty();

        model.applyConnection(new ConnectionState(Phase.DISCONNECTED, "relay.example.com:8443", null, now.plusSeconds(3),
                "lost"), away, now);
        assertThat(model.connectionBannerProperty().get()).startsWith("Disconnected from relay relay.example.com:8443");
        assertThat(MainWindowViewModel.clusterBanner(new ClusterStatus(true, "n", "redis://r:6379", false, 10, 4,
                List.of()))).endsWith("10 events wait to be published (4 dropped).");
    }
}
