package app.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Closing the app stops every thread it started: nothing of a closed app keeps running. */
@Timeout(120)
class AppThreadsTest {

    /** Name prefixes of the threads the app makes (see docs/architecture.md, "Threads and who owns what"). */
    private static final List<String> APP_THREADS = List.of("call-", "agent-timer", "offline-responder-",
            "event-store-", "demo-callers-", "supervisor-", "call-summary-timer", "openai-");

    @TempDir
    Path dir;

    @Test
    void closeStopsEveryThreadTheDemoStarted() throws Exception {
        Set<String> before = appThreads();
        AppDirectories dirs = AppDirectories.under(dir).create();
        Settings settings = new Settings();
        settings.host = "127.0.0.1";
        settings.port = 0;
        Secrets none = new Secrets(null, null, null, null, null, null, null, null);
        SwitchboardApp app = SwitchboardApp.start(settings, settings, none, dirs,
                new RelayConfig.TlsSource.SelfSigned(dirs.data()), 3);
        try {
            // The demo's callers are talking to the offline responder: calls, timers and the store are busy.
            await().atMost(Duration.ofSeconds(60)).until(() -> appThreads().stream().anyMatch(n -> n.startsWith("call-"))
                    && appThreads().stream().anyMatch(n -> n.startsWith("offline-responder-"))
                    && appThreads().contains("event-store-writer"));
        } finally {
            app.close();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<String> left = appThreads();
            left.removeAll(before);
            assertThat(left).as("threads still running after close").isEmpty();
        });
    }

    private static Set<String> appThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> APP_THREADS.stream().anyMatch(name::startsWith))
                .collect(Collectors.toSet());
    }
}
