package app.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import app.switchboard.call.CommandOutcome;
import app.switchboard.call.ConnectionState;
import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.console.calls.CallBoard;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the main window shows for each state of the connection to a relay (plain JUnit, no toolkit). */
class ConnectionBannerTest {

    @TempDir
    Path dir;
    private ScriptedCallers callers;
    private MainWindowViewModel model;
    private final Instant now = Instant.parse("2026-12-01T10:00:00Z");

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
    void inProcessThereIsNoBannerAndCommandsAreOn() {
        model.applyConnection(ConnectionState.IN_PROCESS_STATE, now);
        assertThat(model.connectionBannerProperty().get()).isEmpty();
        assertThat(model.detail().connectedProperty().get()).isTrue();
    }

    @Test
    void disconnectedShowsTheRelayAndTheCountdownAndTurnsCommandsOff() {
        model.applyConnection(new ConnectionState(Phase.DISCONNECTED, "relay.example.com:8443", null,
                now.plus(Duration.ofMillis(2_100)), "connection lost (close code 1006)"), now);

        assertThat(model.connectionBannerProperty().get()).isEqualTo(
                "Disconnected from relay relay.example.com:8443 \u2014 reconnecting in 3s\u2026 (connection lost (close code 1006))");
        assertThat(model.detail().connectedProperty().get()).isFalse();
        assertThat(model.detail().actionsDisabledProperty().get()).isTrue();
        assertThat(model.signaturesProperty().get()).isEqualTo("Not signed in");
    }

    @Test
    void connectedNamesTheRelayAndTheSupervisorAndClearsTheBanner() {
        model.applyConnection(new ConnectionState(Phase.DISCONNECTED, "relay.example.com:8443", null, now, "lost"), now);
        model.applyConnection(new ConnectionState(Phase.CONNECTED, "relay.example.com:8443", "alice", null, null), now);

        assertThat(model.connectionBannerProperty().get()).isEmpty();
        assertThat(model.relayProperty().get()).isEqualTo("Relay relay.example.com:8443");
        assertThat(model.signaturesProperty().get()).isEqualTo("Supervisor: alice");
        assertThat(model.detail().connectedProperty().get()).isTrue();
    }

    @Test
    void aRefusedRelayIsSaidWithTheReasonAndNoCountdown() {
        model.applyConnection(new ConnectionState(Phase.REFUSED, "relay.example.com:8443", null, null,
                "the relay's certificate changed"), now);
        assertThat(model.connectionBannerProperty().get())
                .contains("Not connected to relay relay.example.com:8443: the relay's certificate changed")
                .doesNotContain("reconnecting");
    }

    @Test
    void aRefusedCommandIsNoticedForAWhileAndAnAcceptedOneIsNot() {
        model.showOutcome(CommandOutcome.accepted("CA1", "say"));
        assertThat(model.noticeShownProperty().get()).isFalse();

        model.showOutcome(CommandOutcome.refused("CA1", "take over", "not connected to relay r:1; the command was not sent"));
        assertThat(model.noticeShownProperty().get()).isTrue();
        assertThat(model.noticeProperty().get()).contains("Take over (call CA1) was refused: not connected");

        model.applyConnection(ConnectionState.IN_PROCESS_STATE, Instant.now().plus(MainWindowViewModel.NOTICE_SHOWN_FOR).plusSeconds(1));
        assertThat(model.noticeShownProperty().get()).isFalse();
    }
}
