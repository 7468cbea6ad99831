package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Who gets through /console: real TLS relay, real Jetty WebSocket client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleAuthTest {

    @TempDir
    java.nio.file.Path dir;
    private ConsoleHarness harness;

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private int refusal(String token) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> SupervisorClient
                .connect(harness.transport, harness.consoleUri(), token, null, m -> { })
                .get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(SupervisorTransport.Refused.class);
        return ((SupervisorTransport.Refused) e.getCause()).status();
    }

    @Test
    void consoleIsNotFoundWhileNoAccountExists() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT);
        assertThat(refusal(null)).isEqualTo(404);
        assertThat(refusal("anything")).isEqualTo(404);
    }

    @Test
    void missingWrongAndRemovedTokensAreRefusedBeforeTheUpgrade() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT);
        String alice = harness.accounts.add("alice");
        harness.accounts.add("bob");

        assertThat(refusal(null)).isEqualTo(401);
        assertThat(refusal(alice + "x")).isEqualTo(401);
        try (ConsoleHarness.Console console = harness.console(alice)) {
            assertThat(console.client.hello().get(10, TimeUnit.SECONDS).supervisor()).isEqualTo("alice");
        }
        // Removed through another instance, as `switchboard users remove` in another process does.
        SupervisorAccounts.in(dir.resolve("data")).remove("alice");
        assertThat(refusal(alice)).isEqualTo(401);
    }

    @Test
    void failedAttemptsAreRateLimitedPerAddressEvenForAValidToken() throws Exception {
        harness = new ConsoleHarness(dir, new SupervisorHub.Limits(4096, 256, 3, Duration.ofMinutes(1)));
        String alice = harness.accounts.add("alice");
        for (int i = 0; i < 3; i++) {
            assertThat(refusal("wrong-" + i)).isEqualTo(401);
        }
        assertThat(refusal("wrong-again")).isEqualTo(429);
        assertThat(refusal(alice)).isEqualTo(429);
    }

    @Test
    void theTokenIsNeverInTheAccountsFile() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT);
        String token = harness.accounts.add("carol");
        assertThat(java.nio.file.Files.readString(harness.accounts.file())).doesNotContain(token);
    }
}
