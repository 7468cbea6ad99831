package app.switchboard;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.config.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A relay reachable from other machines runs verified, unless the user says otherwise. */
class UnsignedStartupTest {

    @TempDir
    Path dataDir;

    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        CommandLine cl = SwitchboardCommand.commandLine(env);
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void allInterfacesWithABlankTokenIsRefusedBeforeListening() {
        int code = run(Map.of("TWILIO_AUTH_TOKEN", "   "),
                "--headless", "--host", "0.0.0.0", "--port", "0", "--data-dir", dataDir.toString());
        assertEquals(SwitchboardCommand.USAGE_ERROR, code);
        assertTrue(err.toString().contains("without TWILIO_AUTH_TOKEN") && err.toString().contains("--allow-unsigned"),
                err.toString());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRoutableAddressWithoutATokenIsRefused() {
        int code = run(Map.of(), "--headless", "--host", "192.0.2.10", "--port", "0", "--data-dir", dataDir.toString());
        assertEquals(SwitchboardCommand.USAGE_ERROR, code);
        assertTrue(err.toString().contains("refusing to listen on 192.0.2.10"), err.toString());
    }

    private static final Secrets NONE = Secrets.from(Map.of("TWILIO_AUTH_TOKEN", ""));
    private static final Secrets TOKEN = Secrets.from(Map.of("TWILIO_AUTH_TOKEN", "0123456789abcdef"));

    @Test
    void emptyHostMeansEveryInterfaceAndIsRefusedUnsigned() {
        assertThrows(SwitchboardCommand.StartupException.class,
                () -> SwitchboardCommand.requireSignaturesOffLoopback("", NONE, false));
        assertThrows(SwitchboardCommand.StartupException.class,
                () -> SwitchboardCommand.requireSignaturesOffLoopback("::", NONE, false));
    }

    @Test
    void loopbackRunsUnsignedForDevelopment() {
        for (String host : new String[] {"127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"}) {
            assertDoesNotThrow(() -> SwitchboardCommand.requireSignaturesOffLoopback(host, NONE, false), host);
        }
    }

    @Test
    void allowUnsignedOrATokenOpensEveryInterface() {
        assertDoesNotThrow(() -> SwitchboardCommand.requireSignaturesOffLoopback("0.0.0.0", NONE, true));
        assertDoesNotThrow(() -> SwitchboardCommand.requireSignaturesOffLoopback("0.0.0.0", TOKEN, false));
    }
}
