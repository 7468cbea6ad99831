package app.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.relay.CallTokens;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.Webhook;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floor relay keeps the checks issue 10 requires (a floor without them would be cheaper than
 * it may be), and its minimal store loses nothing that was queued. RelayBenchSmokeTest runs whole
 * calls through it.
 */
@EnabledOnOs(OS.LINUX)
class FloorRelayTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void refusesWhatTwilioDidNotSignAndASetupWithoutTheCallsToken() throws Exception {
        String token = RelayBench.randomToken();
        // No model is asked for anything here: the port is one nothing listens on.
        try (ChildProcess relay = BenchProcesses.startRelay(dir, Map.of(), "http://127.0.0.1:9/v1", token,
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                new BenchProcesses.RelayLaunch(null, FloorRelay.class.getName(), List.of()), null, "floor")) {
            BenchProcesses.Target target = BenchProcesses.target(relay, token);
            try (SimClient client = SimClient.create(target.fingerprint(), 4)) {
                URI twiml = target.actionPostUrl().resolve("twiml");
                String signedTwiml = target.actionSignedUrl().replace("/action", "/twiml");
                Map<String, String> form = Map.of("CallSid", "CA" + "1".repeat(32), "From", "+15550000001",
                        "To", "+15550000002", "CallStatus", "ringing");

                assertEquals(403, Webhook.post(client, twiml, signedTwiml, "f".repeat(32), form).get(30, TimeUnit.SECONDS).status());
                Webhook.Result answered = Webhook.post(client, twiml, signedTwiml, token, form).get(30, TimeUnit.SECONDS);
                assertEquals(200, answered.status(), answered.body());
                assertTrue(SimulatedCall.twimlParameters(answered.body()).containsKey(CallTokens.PARAMETER), answered.body());
                assertTrue(answered.body().contains("url=\"" + target.signedUrl() + "\""), answered.body());

                SimulatedCall forged = SimulatedCall.builder(client, target.connectUrl()).signedUrl(target.signedUrl())
                        .authToken("f".repeat(32)).timeout(Duration.ofSeconds(30)).build();
                assertEquals(Optional.of(403), forged.connectOrRefusal());

                // Signed upgrade, but no voice webhook: the setup carries no token for its callSid.
                SimulatedCall tokenless = SimulatedCall.builder(client, target.connectUrl()).signedUrl(target.signedUrl())
                        .authToken(token).timeout(Duration.ofSeconds(30)).build();
                assertEquals(Optional.empty(), tokenless.connectOrRefusal());
                assertEquals(StatusCode.POLICY_VIOLATION, tokenless.awaitClosed().code());
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyUtteranceQueuedBeforeCloseIsInTheFile() throws Exception {
        Path file = dir.resolve("data").resolve("floor-utterances.db");
        FloorStore store = new FloorStore(file);
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            String callSid = "CA" + c;
            Thread t = new Thread(() -> {
                for (int turn = 0; turn < 250; turn++) {
                    store.add(callSid, "Question " + turn, "Reply " + turn);
                }
            });
            callers.add(t);
            t.start();
        }
        for (Thread t : callers) {
            t.join();
        }
        store.close();

        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT call_sid), "
                     + "SUM(prompt = 'Question 249' AND reply = 'Reply 249') FROM utterances")) {
            assertTrue(r.next());
            assertEquals(1000, r.getInt(1));
            assertEquals(4, r.getInt(2));
            assertEquals(4, r.getInt(3), "each call's last utterance, prompt and reply together");
        }
    }
}
