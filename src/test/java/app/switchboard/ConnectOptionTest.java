package app.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.supervisor.ConsoleUpgrade;
import app.switchboard.supervisor.SupervisorAccounts;
import app.switchboard.supervisor.SupervisorHub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --connect}: what it refuses before any window opens (no console is launched in these
 * tests; each ends before that). A real TLS relay with the supervisor API answers where one is needed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectOptionTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        CommandLine cl = SwitchboardCommand.commandLine(env);
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void connectDoesNotCombineWithDemoOrHeadless() {
        assertThat(run(Map.of(), "--connect", "https://127.0.0.1:9", "--demo", "--data-dir", dir.toString()))
                .isEqualTo(SwitchboardCommand.USAGE_ERROR);
        assertThat(run(Map.of(), "--connect", "https://127.0.0.1:9", "--headless", "--data-dir", dir.toString()))
                .isEqualTo(SwitchboardCommand.USAGE_ERROR);
        assertThat(err.toString()).contains("--demo").contains("--headless");
    }

    @Test
    void fingerprintWithoutConnectAndPlainHttpAreRefused() {
        assertThat(run(Map.of(), "--fingerprint", "AA", "--data-dir", dir.toString())).isEqualTo(SwitchboardCommand.USAGE_ERROR);
        assertThat(run(Map.of("SWITCHBOARD_TOKEN", "t"), "--connect", "http://127.0.0.1:9", "--data-dir", dir.toString()))
                .isEqualTo(SwitchboardCommand.USAGE_ERROR);
        assertThat(err.toString()).contains("--fingerprint goes with --connect").contains("https://");
    }

    @Test
    void withoutATokenOrATerminalItSaysWhereTheTokenGoes() {
        assertThat(run(Map.of(), "--connect", "https://127.0.0.1:9", "--data-dir", dir.toString()))
                .isEqualTo(SwitchboardCommand.USAGE_ERROR);
        assertThat(err.toString()).contains("SWITCHBOARD_TOKEN");
    }

    @Test
    void anUnpinnedRelayIsShownByFingerprintAndAChangedOneIsRefused() throws Exception {
        SupervisorAccounts accounts = SupervisorAccounts.in(dir.resolve("relay-data"));
        String token = accounts.add("alice");
        try (OfflineResponder responder = new OfflineResponder(0);
             CallRegistry registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                     new Settings().languageCodes(), "en-US");
             SupervisorHub hub = new SupervisorHub(registry, accounts, "test-relay", SupervisorHub.Limits.DEFAULT);
             RelayServer relay = new RelayServer(new RelayConfig("127.0.0.1", 0, null,
                     new RelayConfig.TlsSource.SelfSigned(dir.resolve("tls")), "0123456789abcdef0123456789abcdef",
                     new Settings()), registry)) {
            relay.addWebSocket(ConsoleUpgrade.PATH, new ConsoleUpgrade(hub));
            relay.start();
            Map<String, String> env = Map.of("SWITCHBOARD_TOKEN", token);
            Path desk = dir.resolve("desk");

            // Not pinned, no terminal to ask on: refused, with the fingerprint to check and pass.
            assertThat(run(env, "--connect", relay.localBaseUrl(), "--data-dir", desk.toString()))
                    .isEqualTo(SwitchboardCommand.USAGE_ERROR);
            assertThat(err.toString()).contains(relay.fingerprint()).contains("--fingerprint");

            // Pinned to another certificate: refused loudly, and the wrong pin is not kept.
            String wrong = "AB:".repeat(31) + "AB";
            assertThat(run(env, "--connect", relay.localBaseUrl(), "--fingerprint", wrong, "--data-dir", desk.toString()))
                    .isEqualTo(1);
            assertThat(err.toString()).contains("certificate changed").contains(relay.fingerprint());
            assertThat(err.toString()).doesNotContain(token);
            assertThat(Settings.load(AppDirectories.under(desk).config()).remoteRelays).isEmpty();
            assertThat(hub.connections()).isZero();
        }
    }
}
