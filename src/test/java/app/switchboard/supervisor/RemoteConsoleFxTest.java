package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.call.EventKind;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.console.ConsoleContext;
import app.switchboard.console.ConsoleWindow;
import app.switchboard.console.RelayConnector;
import app.switchboard.sim.SimulatedCall;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The same console over a remote relay (headless, Monocle): a real TLS relay with the supervisor
 * API, a simulated caller, the console on {@link RemoteCallControl} through a TCP forwarder the
 * test can cut. The call shows, a button reaches the caller, a cut shows the banner and turns
 * the commands off until the console is back and caught up.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteConsoleFxTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(100), Duration.ofMillis(600));

    private Path dir;
    private ConsoleHarness harness;
    private TcpProxy proxy;
    private RemoteCallControl remote;
    private ConsoleWindow window;
    private String token;
    private Settings settings;

    @Start
    void start(Stage stage) throws Exception {
        dir = Files.createTempDirectory("switchboard-remote-fx");
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 25, SupervisorHub.DEFAULT_HOLD_GRACE, true);
        token = harness.accounts.add("alice");
        proxy = new TcpProxy(harness.relay.port());
        remote = RemoteCallControl.overTls(URI.create("https://127.0.0.1:" + proxy.port()), harness.relay.fingerprint(),
                token, RemoteCallControl.Options.defaults(List.of("en-US", "es-ES")).withBackoff(FAST)).start();
        assertThat(remote.firstAttempt().get(20, TimeUnit.SECONDS).phase()).isEqualTo(Phase.CONNECTED);
        settings = new Settings();
        window = ConsoleWindow.show(stage, new ConsoleContext(remote, settings, AppDirectories.under(dir.resolve("desk")),
                null, "relay test", remote::close).withHistory(remote.history(Duration.ofSeconds(20)))
                .withConnector(connector()));
        stage.requestFocus();
    }

    /** What the launcher gives the console, over the test's relay and pin handling. */
    private RelayConnector connector() {
        return new RelayConnector() {
            @Override
            public String fingerprint(URI relay) throws java.io.IOException {
                return PinnedCertificate.probe(relay.getHost(), relay.getPort(), Duration.ofSeconds(5));
            }

            @Override
            public Remote connect(URI relay, String fingerprint, String secret) {
                RemoteCallControl calls = RemoteCallControl.overTls(relay, fingerprint, secret,
                        RemoteCallControl.Options.defaults(List.of("en-US")).withBackoff(FAST)).start();
                return new Remote(calls, calls.history(Duration.ofSeconds(20)), calls::close);
            }
        };
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        robot.interact(() -> {
            for (Window w : List.copyOf(Window.getWindows())) {
                if (w instanceof Stage s && s != window.stage()) {
                    s.close();
                }
            }
            window.close();
        });
        proxy.close();
        harness.close();
    }

    private SimulatedCall callIn(String from) {
        SimulatedCall call = harness.caller().from(from).build().open();
        await().atMost(Duration.ofSeconds(20)).until(() -> harness.recorded(call.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.SETUP));
        return call;
    }

    private static boolean conversationShows(FxRobot robot, String fragment) {
        return robot.lookup(".entry-text").queryAllAs(Text.class).stream()
                .anyMatch(t -> t.getText() != null && t.getText().contains(fragment));
    }

    private static boolean statusShows(FxRobot robot, String text) {
        return robot.lookup(".status-item").queryAllAs(Label.class).stream().anyMatch(l -> text.equals(l.getText()));
    }

    @Test
    void aRemoteCallShowsAndTheSayButtonReachesTheCaller(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");

        await().until(() -> robot.lookup("+14155550123").tryQuery().isPresent());
        await().until(() -> statusShows(robot, "Relay 127.0.0.1:" + proxy.port()));
        await().until(() -> statusShows(robot, "Supervisor: alice"));
        int mark = caller.mark();
        robot.clickOn("#sayField").write("One moment please.");
        robot.clickOn("#sayButton");

        caller.awaitFrame(mark, f -> f.isText() && f.text().token().equals("One moment please."));
        await().until(() -> conversationShows(robot, "One moment please."));
        caller.hangUp().join();
    }

    @Test
    void historyOverTheRemoteRelayFindsAndOpensAStoredCall(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550999");
        caller.say("where is my parcel", "en-US");
        caller.awaitTurn(0);
        caller.hangUp().join();
        await().atMost(Duration.ofSeconds(20)).until(() -> harness.recorded(caller.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.CALL_ENDED));

        robot.press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.H)
                .release(javafx.scene.input.KeyCode.H, javafx.scene.input.KeyCode.CONTROL);
        // The relay's store, read over the console's connection: this desk has no store of its own.
        await().atMost(Duration.ofSeconds(20)).until(() -> robot.lookup(".history-table").tryQuery().isPresent());
        javafx.scene.Node table = robot.lookup(".history-table").query();
        await().atMost(Duration.ofSeconds(20)).until(() -> robot.from(table).lookup("+14155550999").tryQuery().isPresent());
        robot.clickOn(robot.from(table).lookup("+14155550999").queryAs(javafx.scene.Node.class));

        javafx.scene.Parent historyWindow = table.getScene().getRoot();
        await().atMost(Duration.ofSeconds(20)).until(() -> robot.from(historyWindow).lookup(".entry-text")
                .queryAllAs(Text.class).stream().anyMatch(t -> t.getText() != null && t.getText().contains("where is my parcel")));
    }

    private String heldOnRelay(String callId) {
        return harness.registry.calls().stream().filter(c -> c.callId().equals(callId)).findFirst()
                .map(app.switchboard.call.CallSummary::heldBy).orElse(null);
    }

    @Test
    void aTakeOverOfACallHeldByAnotherNamesThemAndAskForItReachesThem(FxRobot robot) throws Exception {
        try (ConsoleHarness.Console bob = harness.console(harness.accounts.add("bob"))) {
            SimulatedCall caller = callIn("+14155550124");
            String id = caller.callSid();
            assertThat(bob.client.takeOver(id).get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            await().until(() -> robot.lookup("+14155550124").tryQuery().isPresent());
            robot.clickOn("+14155550124");
            // The Supervisors column, from the relay's presence: bob holds it, alice has it open.
            await().until(() -> robot.lookup("bob holds \u00b7 alice watching").tryQuery().isPresent());
            robot.clickOn("#takeOverButton");

            await().until(() -> robot.lookup("#heldByBar").query().isVisible());
            assertThat(robot.lookup("#heldByLabel").queryAs(Label.class).getText()).startsWith("Held by bob");
            robot.clickOn("#askButton");
            await().until(() -> bob.messages.contains(new SupervisorMessage.HoldRequested(id, "alice", "bob")));
            assertThat(heldOnRelay(id)).isEqualTo("bob");
            caller.hangUp().join();
        }
    }

    @Test
    void anotherSupervisorAskingShowsOnTheHoldersConsoleAndReleaseHandsTheCallBack(FxRobot robot) throws Exception {
        try (ConsoleHarness.Console bob = harness.console(harness.accounts.add("bob"))) {
            SimulatedCall caller = callIn("+14155550125");
            String id = caller.callSid();
            await().until(() -> robot.lookup("+14155550125").tryQuery().isPresent());
            robot.clickOn("+14155550125");
            await().until(() -> !robot.lookup("#takeOverButton").query().isDisabled());
            robot.clickOn("#takeOverButton");
            await().until(() -> "alice".equals(heldOnRelay(id)));

            assertThat(bob.client.requestHold(id).get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            await().until(() -> robot.lookup("#holdRequestBar").query().isVisible());
            assertThat(robot.lookup("#holdRequestText").queryAs(Label.class).getText()).startsWith("bob asks for call " + id);
            robot.clickOn("#releaseRequestedButton");

            await().until(() -> heldOnRelay(id) == null);
            assertThat(bob.client.takeOver(id).get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            assertThat(heldOnRelay(id)).isEqualTo("bob");
            await().until(() -> !robot.lookup("#holdRequestBar").query().isVisible());
            caller.hangUp().join();
        }
    }

    @Test
    void aDropShowsTheBannerTurnsCommandsOffAndCatchesUpOnReconnect(FxRobot robot) {
        SimulatedCall caller = callIn("+14155550123");
        await().until(() -> robot.lookup("+14155550123").tryQuery().isPresent());
        Label banner = robot.lookup("#connectionBanner").queryAs(Label.class);
        assertThat(banner.isVisible()).isFalse();
        await().until(() -> !robot.lookup("#sayField").query().isDisabled());

        proxy.cutAndRefuse();

        await().until(() -> banner.isVisible() && banner.getText()
                .startsWith("Disconnected from relay 127.0.0.1:" + proxy.port() + " \u2014 reconnecting"));
        await().until(() -> robot.lookup("#sayField").query().isDisabled()
                && robot.lookup("#takeOverButton").query().isDisabled()
                && robot.lookup("#endButton").query().isDisabled());
        // The call goes on while the console is away.
        caller.say("a question about my bill", "en-US");
        caller.awaitTurn(0);

        proxy.open();

        await().atMost(Duration.ofSeconds(20)).until(() -> !banner.isVisible());
        await().until(() -> !robot.lookup("#sayField").query().isDisabled());
        await().until(() -> conversationShows(robot, "a question about my bill"));
        await().until(() -> conversationShows(robot, "Your last bill was twenty dollars"));
        caller.hangUp().join();
    }

    @Test
    void connectToRelayShowsTheFingerprintPinsItAndOpensAWindow(FxRobot robot) throws Exception {
        callIn("+14155550777");
        robot.clickOn("File").clickOn("Connect to relay\u2026");
        robot.clickOn("#relayUrlField").write(harness.relay.localBaseUrl());
        robot.clickOn("#relayTokenField").write(token);
        robot.clickOn("#connectButton");

        await().atMost(Duration.ofSeconds(10)).until(() -> robot.lookup("#presentedFingerprint").tryQuery().isPresent());
        assertThat(robot.lookup("#presentedFingerprint").queryAs(TextArea.class).getText())
                .isEqualTo(PinnedCertificate.normalise(harness.relay.fingerprint()));
        robot.clickOn("#trustCertificate");

        await().atMost(Duration.ofSeconds(20)).until(() -> Window.getWindows().stream()
                .anyMatch(w -> w instanceof Stage s && s.getTitle() != null
                        && s.getTitle().contains("relay 127.0.0.1:" + harness.relay.port())));
        assertThat(settings.pinnedFingerprint(harness.relay.localBaseUrl()))
                .isEqualTo(PinnedCertificate.normalise(harness.relay.fingerprint()));
        assertThat(Settings.load(AppDirectories.under(dir.resolve("desk")).config()).remoteRelays)
                .containsExactly(new Settings.RemoteRelay(harness.relay.localBaseUrl(),
                        PinnedCertificate.normalise(harness.relay.fingerprint())));
        assertThat(Files.readString(AppDirectories.under(dir.resolve("desk")).config().resolve(Settings.FILE_NAME)))
                .doesNotContain(token);
    }

    @Test
    void aChangedCertificateIsRefusedAndNoWindowOpens(FxRobot robot) {
        settings.rememberRelay(harness.relay.localBaseUrl(), "AB:".repeat(31) + "AB");
        robot.clickOn("File").clickOn("Connect to relay\u2026");
        robot.clickOn("#relayTokenField").write(token);
        robot.clickOn("#connectButton");

        await().atMost(Duration.ofSeconds(20)).until(() -> robot.lookup("#connectStatus").tryQuery()
                .map(n -> ((Label) n).getText()).filter(t -> t.contains("certificate changed")).isPresent());
        // Loudly: an error dialog as well as the dialog's own status line.
        await().until(() -> Window.getWindows().stream()
                .anyMatch(w -> w instanceof Stage s && "Certificate changed".equals(s.getTitle())));
        assertThat(Window.getWindows().stream().filter(w -> w instanceof Stage s && s.getTitle() != null
                && s.getTitle().startsWith("Switchboard")).count()).isEqualTo(1);
        assertThat(harness.hub.connections()).isEqualTo(1); // only the test's own console
    }
}
