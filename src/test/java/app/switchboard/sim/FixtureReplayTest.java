package app.switchboard.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import app.switchboard.protocol.InboundMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recorded real call replayed against the relay: Twilio's frames in recorded order, its
 * webhooks re-signed for our public URL. The relay must keep each socket open until the
 * recording's own end, and everything it sends must be a frame Twilio accepts (protocol.md §3).
 */
class FixtureReplayTest {

    @TempDir
    static Path dataDir;
    private static RelayHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = new RelayHarness(dataDir, 0);
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    static Stream<Path> fixtures() {
        return FixtureReplay.allFixtures().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void recordedCallReplaysWithTheSocketOpenToTheEndAndOnlyValidFrames(Path file) {
        FixtureReplay.Fixture fixture = FixtureReplay.load(file);
        FixtureReplay.Result result = FixtureReplay.replay(harness.client, harness.replayTarget(), fixture, 0,
                Duration.ofSeconds(20), true);

        assertEquals(fixture.sessionCount(), result.sessions().size());
        for (FixtureReplay.SessionResult session : result.sessions()) {
            SimulatedCall call = session.call();
            assertTrue(session.openUntilFixtureEnd(), fixture.name() + " session " + session.session() + ": " + call.describe());
            assertTrue(session.close().bySimulator(), session.close().toString());
            List<SimulatedCall.Frame> invalid = call.invalidFrames();
            assertTrue(invalid.isEmpty(), fixture.name() + ": invalid frames " + invalid);
        }
        for (Webhook.Result hook : result.webhooks()) {
            assertEquals(200, hook.status(), fixture.name() + " " + hook.path() + ": " + hook.body());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void relayRecordsEveryReplayedFrameAsAnEvent(Path file) {
        FixtureReplay.Fixture fixture = FixtureReplay.load(file);
        FixtureReplay.Result result = FixtureReplay.replay(harness.client, harness.replayTarget(), fixture, 0,
                Duration.ofSeconds(20), true);
        String callSid = result.sessions().get(0).call().callSid();
        long framesAfterSetup = result.sessions().stream()
                .flatMap(s -> s.call().sent().stream())
                .filter(s -> !(s.message() instanceof InboundMessage.Setup)).count();
        long finalPrompts = fixture.frames().stream()
                .filter(f -> f.message() instanceof InboundMessage.Prompt p && p.last()).count();

        await().untilAsserted(() -> assertEquals(framesAfterSetup, harness.events(callSid).stream()
                .filter(e -> INBOUND.contains(e.kind())).count(), fixture.name()));
        assertEquals(finalPrompts, harness.events(callSid, EventKind.PROMPT).size());
        assertEquals(fixture.sessionCount(), harness.events(callSid, EventKind.SESSION_STARTED).size());
        assertTrue(harness.events(callSid, EventKind.MALFORMED_FRAME).isEmpty());
        assertTrue(harness.events(callSid, EventKind.UNKNOWN_MESSAGE).isEmpty());
    }

    private static final Set<EventKind> INBOUND = EnumSet.of(EventKind.PROMPT_PARTIAL, EventKind.PROMPT,
            EventKind.DTMF, EventKind.INTERRUPT, EventKind.TWILIO_ERROR, EventKind.INFO,
            EventKind.UNKNOWN_MESSAGE, EventKind.MALFORMED_FRAME);
}
