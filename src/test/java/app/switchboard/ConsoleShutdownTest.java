package app.switchboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.store.EventStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what a logout or a system shutdown sends) to the desktop app with live calls: every
 * call ends the same recorded way as in {@code --headless} ("relay stopped", with the socket
 * closed), within a bounded time, so the next start finds no call to label as crashed. Runs the
 * console with the demo's callers in a separate JVM, on JavaFX's headless Monocle platform.
 */
class ConsoleShutdownTest {

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sigtermToTheConsoleEndsEveryLiveCallAsRelayStopped() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless", "-Dprism.order=sw", "-Dprism.text=t2k",
                "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName(),
                "--demo", "--demo-callers", "3", "--data-dir", dataDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("TWILIO_AUTH_TOKEN");
        pb.environment().remove("OPENAI_API_KEY");
        pb.redirectErrorStream(true);
        Process app = pb.start();
        List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread drain = new Thread(() -> new BufferedReader(new InputStreamReader(app.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(output::add), "console-output");
        drain.setDaemon(true);
        drain.start();
        Path db = dataDir.resolve("data").resolve("demo").resolve(EventStore.FILE_NAME);
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> Files.exists(db) && liveCalls(db) >= 2);
            app.destroy(); // SIGTERM
            assertTrue(app.waitFor(20, TimeUnit.SECONDS), "the app exits within a bounded time after SIGTERM");
        } finally {
            app.destroyForcibly();
        }
        assertEquals(0, liveCalls(db), "no call is left without an end:\n" + String.join("\n", output));
        assertTrue(count(db, "SELECT count(*) FROM events WHERE kind = 'CALL_ENDED'"
                + " AND json_extract(fields, '$.reason') = 'relay stopped'") >= 2, "live calls end as 'relay stopped'");
        assertEquals(0, count(db, "SELECT count(*) FROM events WHERE kind = 'CALL_ENDED'"
                + " AND json_extract(fields, '$.reason') = '" + EventStore.CRASHED + "'"));
        assertTrue(count(db, "SELECT count(*) FROM events WHERE kind = 'SESSION_CLOSED'") >= 2,
                "the callers' sockets were closed by the relay, and that is recorded");
    }

    /** Calls with a setup and no end. */
    private static long liveCalls(Path db) throws Exception {
        return count(db, "SELECT count(DISTINCT call_id) FROM events e WHERE kind = 'SETUP' AND NOT EXISTS"
                + " (SELECT 1 FROM events x WHERE x.call_id = e.call_id AND x.kind = 'CALL_ENDED' AND x.id > e.id)");
    }

    private static long count(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }
}
