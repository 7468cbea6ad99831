package app.switchboard.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.Launcher;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.call.SentFrames;
import app.switchboard.ProcessLines;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.stream.LongStream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash loses at most the last uncommitted window: the headless relay runs in its own JVM
 * with simulated callers (package {@code sim}, over real wss with the certificate pinned) streaming; it is killed with SIGKILL mid-stream and started again on the same
 * data directory. Every frame a caller received more than 100 ms before the kill must be in
 * the history (the relay records each frame before sending it), and the calls that were live
 * must be ended "relay crashed".
 */
class CrashRecoveryTest {

    private static final String FINGERPRINT = "TLS certificate SHA-256:";
    private static final Pattern READY = Pattern.compile("^Switchboard relay listening on (wss://[^\\s/]+:(\\d+)/relay)$");
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int CALLS = 10;
    /** The offline responder's pace in the relay: fast, so thousands of events per second stream at the kill. */
    private static final int TOKENS_PER_SECOND = 200;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    /** What the relay prints at start: its URL, and the certificate fingerprint the simulator pins. */
    record Relay(URI url, String fingerprint) {
    }

    private Process launch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Launcher.class.getName(),
                "--headless", "--port", "0", "--data-dir", dataDir.toString());
        pb.environment().remove("TWILIO_AUTH_TOKEN");
        pb.environment().remove("OPENAI_API_KEY");
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static Relay awaitReady(Process relay) throws Exception {
        // The reader keeps draining the output after this, so the relay never blocks on a full pipe.
        ProcessLines out = ProcessLines.of(relay);
        URI url = null;
        for (String line = out.next(START_TIMEOUT); line != null; line = out.next(START_TIMEOUT)) {
            Matcher m = READY.matcher(line);
            if (m.matches()) {
                url = URI.create(m.group(1));
            } else if (url != null && line.startsWith(FINGERPRINT)) {
                return new Relay(url, line.substring(FINGERPRINT.length()).strip());
            }
        }
        throw new AssertionError("relay exited before its ready lines:\n" + String.join("\n", out.seen()));
    }

    private static SimulatedCall call(SimClient client, Relay relay, String callSid, String from) {
        return SimulatedCall.builder(client, relay.url()).callSid(callSid).sessionId("VX" + callSid.substring(2)).from(from)
                .to("+18005550100").build().open();
    }

    @Test
    @Timeout(300) // two relay starts, a 60 s stream and a 30 s recovery wait, each bounded; this is the backstop
    void sigkillLosesNothingAcknowledgedAndLiveCallsEndAsRelayCrashed() throws Exception {
        Path config = java.nio.file.Files.createDirectories(dataDir.resolve("config"));
        java.nio.file.Files.writeString(config.resolve("settings.json"),
                "{\"responderTokensPerSecond\": " + TOKENS_PER_SECOND + "}");
        Process relay = launch();
        ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
        List<SimulatedCall> calls = new ArrayList<>();
        long killedAt;
        try {
            Relay ready = awaitReady(relay);
            try (SimClient client = SimClient.pinned(ready.fingerprint())) {
                for (int i = 0; i < CALLS; i++) {
                    calls.add(call(client, ready, "CA" + "cc".repeat(14) + String.format("%04d", i), "+1555020000" + i));
                }
                // Callers speak again before each answer is done, so frames stream without a pause.
                AtomicInteger round = new AtomicInteger();
                talk.scheduleAtFixedRate(() -> {
                    int r = round.incrementAndGet();
                    for (SimulatedCall c : calls) {
                        c.prompt("what is my bill, question " + r, "en-US", true);
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        calls.stream().allMatch(c -> c.received().size() >= 300));
                killedAt = System.nanoTime();
                relay.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
                assertTrue(relay.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, relay.exitValue(), "killed by SIGKILL");
                talk.shutdownNow();
            }
        } finally {
            talk.shutdownNow();
            relay.destroyForcibly();
        }

        Map<String, List<String>> acknowledged = new HashMap<>();
        int checked = 0;
        int inWindow = 0;
        for (SimulatedCall c : calls) {
            List<String> frames = new ArrayList<>();
            for (SimulatedCall.Frame f : c.received()) {
                if (killedAt - f.nanos() > WINDOW_NANOS) {
                    frames.add(f.raw());
                }
            }
            checked += frames.size();
            inWindow += c.received().size() - frames.size();
            acknowledged.put(c.callSid(), frames);
        }
        assertTrue(inWindow > 0, "frames were still streaming in the last 100 ms: the kill came mid-stream");
        assertTrue(checked >= CALLS * 250, "enough traffic before the kill: " + checked);

        Process restarted = launch();
        try {
            awaitReady(restarted);
            Path db = dataDir.resolve("data").resolve(EventStore.FILE_NAME);
            await().atMost(Duration.ofSeconds(30)).until(() -> crashedCalls(db) == CALLS);
            for (SimulatedCall c : calls) {
                List<String> stored = storedFrames(db, c.callSid());
                List<String> expected = acknowledged.get(c.callSid());
                assertEquals(expected, stored.subList(0, Math.min(stored.size(), expected.size())),
                        "every frame " + c.callSid() + " received before the window is stored, in order");
                assertTrue(lastEventIsRecoveredEnd(db, c.callSid()), c.callSid() + " ends with a recorded CALL_ENDED");
                List<Long> seqs = storedSeqs(db, c.callSid());
                assertEquals(LongStream.rangeClosed(1, seqs.size()).boxed().toList(), seqs,
                        "a gap-free prefix of the call: whatever preceded a stored frame (setup, prompts) is stored too");
                System.out.printf("%s: received %d frames, %d of them more than 100 ms before the kill; %d stored%n",
                        c.callSid(), c.received().size(), expected.size(), stored.size());
            }
        } finally {
            restarted.destroy();
            if (!restarted.waitFor(30, TimeUnit.SECONDS)) {
                restarted.destroyForcibly();
            }
        }
    }

    @Test
    @Timeout(180)
    void sigtermEndsLiveCallsAsRelayStoppedAndWritesTheirEnds() throws Exception {
        Process relay = launch();
        List<SimulatedCall> calls = new ArrayList<>();
        try {
            Relay ready = awaitReady(relay);
            try (SimClient client = SimClient.pinned(ready.fingerprint())) {
                for (int i = 0; i < 3; i++) {
                    SimulatedCall call = call(client, ready, "CA" + "5d".repeat(14) + String.format("%04d", i), "+1555030000" + i);
                    call.say("what are your opening hours", "en-US");
                    calls.add(call);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> calls.stream().allMatch(c -> c.received().size() >= 3));
                relay.destroy(); // SIGTERM: the shutdown hook closes the registry, then the store
                assertTrue(relay.waitFor(30, TimeUnit.SECONDS));
            }
        } finally {
            relay.destroyForcibly();
        }
        Path db = dataDir.resolve("data").resolve(EventStore.FILE_NAME);
        for (SimulatedCall c : calls) {
            try (Connection conn = read(db);
                 PreparedStatement s = conn.prepareStatement("SELECT end_reason FROM calls WHERE call_id = ?")) {
                s.setString(1, c.callSid());
                try (ResultSet r = s.executeQuery()) {
                    assertTrue(r.next(), c.callSid() + " stored");
                    assertEquals("relay stopped", r.getString(1), "ended by the shutdown, recorded before the file closed");
                }
            }
            assertTrue(storedFrames(db, c.callSid()).size() >= c.received().size(), "every frame sent is stored");
        }
    }

    private static Connection read(Path db) throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    private static int crashedCalls(Path db) throws Exception {
        try (Connection c = read(db);
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM calls WHERE end_reason = ? AND call_id LIKE 'CAcccccccc%'")) {
            s.setString(1, EventStore.CRASHED);
            try (ResultSet r = s.executeQuery()) {
                return r.getInt(1);
            }
        }
    }

    private static List<String> storedFrames(Path db, String callId) throws Exception {
        List<String> frames = new ArrayList<>();
        try (Connection c = read(db);
             PreparedStatement s = c.prepareStatement(
                     "SELECT kind, fields FROM events WHERE call_id = ? AND kind IN ('FRAME_SENT', 'AGENT_TOKEN') ORDER BY id")) {
            s.setString(1, callId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    frames.add(SentFrames.frameOf(EventPayloadJson.decode(EventKind.valueOf(r.getString(1)), r.getString(2))));
                }
            }
        }
        return frames;
    }

    private static List<Long> storedSeqs(Path db, String callId) throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = read(db);
             PreparedStatement s = c.prepareStatement("SELECT seq FROM events WHERE call_id = ? ORDER BY id")) {
            s.setString(1, callId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    seqs.add(r.getLong(1));
                }
            }
        }
        return seqs;
    }

    private static boolean lastEventIsRecoveredEnd(Path db, String callId) throws Exception {
        try (Connection c = read(db);
             PreparedStatement s = c.prepareStatement(
                     "SELECT kind, json_extract(fields, '$.reason'), json_extract(fields, '$.recovered') FROM events"
                             + " WHERE call_id = ? ORDER BY id DESC LIMIT 1")) {
            s.setString(1, callId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && "CALL_ENDED".equals(r.getString(1)) && EventStore.CRASHED.equals(r.getString(2))
                        && r.getInt(3) == 1;
            }
        }
    }
}
