package app.switchboard.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's scripted callers through the real relay, with the pauses taken out. */
class DemoCallersTest {

    @TempDir
    Path dataDir;
    private RelayHarness harness;
    private DemoCallers demo;

    @BeforeEach
    void start() throws Exception {
        harness = new RelayHarness(dataDir, 200);
        demo = DemoCallers.start(DemoCallers.Options.of(harness.relay.localRelayUrl(), harness.relay.relayUrl(),
                        RelayHarness.TOKEN, harness.actionPostUrl().toString(), harness.relay.actionUrl(),
                        harness.relay.fingerprint())
                .withPacing(CallerScript.Pacing.immediate(), Duration.ofMillis(50)));
    }

    @AfterEach
    void stop() throws Exception {
        demo.stop();
        harness.close();
    }

    private List<CallEvent> all(EventKind kind) {
        return harness.allEvents.stream().filter(e -> e.kind() == kind).toList();
    }

    @Test
    void everyCallerOfTheCastCallsThroughAndHangsUp() {
        int cast = DemoCallers.cast().size();
        await().atMost(Duration.ofSeconds(90)).until(() -> demo.callsFinished() + demo.callsFailed() >= cast);
        assertEquals(0, demo.callsFailed());

        Set<String> froms = all(EventKind.SETUP).stream().map(e -> e.as(EventPayload.Setup.class).from()).collect(Collectors.toSet());
        assertTrue(froms.containsAll(DemoCallers.cast().stream().map(CallerScript::from).toList()), froms.toString());
        // Each finished caller hung up: Twilio's completed action webhook reached the relay.
        assertTrue(all(EventKind.ACTION_CALLBACK).stream().filter(e -> "completed".equals(e.as(EventPayload.ActionCallback.class).field("SessionStatus")))
                .count() >= cast);
    }

    @Test
    void castCoversKeypadBargeInSpanishAndAskingForAHuman() {
        await().atMost(Duration.ofSeconds(90)).until(() -> demo.callsFinished() >= DemoCallers.cast().size());

        assertTrue(all(EventKind.DTMF).stream().anyMatch(e -> "1".equals(e.as(EventPayload.Dtmf.class).digit())));
        assertTrue(!all(EventKind.INTERRUPT).isEmpty());
        assertTrue(all(EventKind.PROMPT).stream().map(e -> e.as(EventPayload.Prompt.class))
                .anyMatch(p -> "es-ES".equals(p.lang()) && p.text().startsWith("Hola")));
        assertTrue(all(EventKind.ATTENTION).stream().anyMatch(e -> "HUMAN_REQUESTED".equals(e.as(EventPayload.AttentionRaised.class).reason())));
        assertTrue(all(EventKind.PROMPT_PARTIAL).size() > all(EventKind.PROMPT).size());
        assertTrue(all(EventKind.TURN_COMPLETED).stream().anyMatch(e -> e.as(EventPayload.TurnCompleted.class).text().startsWith("Claro")),
                "the Spanish caller got the Spanish answer");
    }

    @Test
    void newCallersKeepArrivingUntilStopped() {
        int cast = DemoCallers.cast().size();
        await().atMost(Duration.ofSeconds(120)).until(() -> demo.callsStarted() > cast + 1);
        demo.stop();
        long started = demo.callsStarted();
        await().until(() -> demo.activeCalls() == 0);
        // Calls arrive every 50 ms while running; for a whole second after stop, none does.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> demo.callsStarted() == started);
    }
}
