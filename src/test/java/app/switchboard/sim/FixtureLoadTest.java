package app.switchboard.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading the recorded calls, before any of them is replayed against a relay. */
class FixtureLoadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> fixtures() {
        return FixtureReplay.allFixtures().stream();
    }

    @Test
    void findsEveryRecordingIncludingTheOperatorLegs() {
        List<Path> all = FixtureReplay.allFixtures();
        assertEquals(22, all.size(), "fixtures in " + FixtureReplay.fixturesDir().toAbsolutePath());
        assertTrue(all.stream().anyMatch(p -> p.toString().contains("operator-leg")));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyRecordedSessionStartsWithSetup(Path file) {
        FixtureReplay.Fixture fixture = FixtureReplay.load(file);
        List<FixtureReplay.Frame> frames = fixture.frames();
        assertFalse(frames.isEmpty(), fixture.name());
        assertInstanceOf(InboundMessage.Setup.class, frames.get(0).message(), fixture.name());
        assertTrue(fixture.sessionCount() >= 1);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void recordedFramesSurviveTheProtocolModelUnchanged(Path file) throws Exception {
        // The replay sends frames through the one model; this is what makes that faithful.
        for (FixtureReplay.Frame frame : FixtureReplay.load(file).frames()) {
            String reencoded = ProtocolCodec.encodeInbound(ProtocolCodec.decodeInbound(frame.raw()));
            assertEquals(JSON.readTree(frame.raw()), JSON.readTree(reencoded), file.getFileName() + ": " + frame.raw());
        }
    }

    @Test
    void reconnectRecordingHasTwoSessionsOfOneCall() {
        FixtureReplay.Fixture fixture = FixtureReplay.load(FixtureReplay.fixturesDir().resolve("end-then-reconnect.jsonl"));
        List<InboundMessage.Setup> setups = fixture.frames().stream()
                .filter(f -> f.message() instanceof InboundMessage.Setup)
                .map(f -> (InboundMessage.Setup) f.message()).toList();
        assertEquals(2, setups.size());
        assertEquals(setups.get(0).callSid(), setups.get(1).callSid());
        assertEquals("IN_PROGRESS", setups.get(1).callStatus());
        assertEquals(List.of(1, 2), fixture.steps().stream()
                .filter(s -> s instanceof FixtureReplay.SocketClose).map(s -> ((FixtureReplay.SocketClose) s).session()).toList());
    }

    @Test
    void malformedRecordingEndsWithTwilioClosing1007() {
        FixtureReplay.Fixture fixture = FixtureReplay.load(FixtureReplay.fixturesDir().resolve("malformed-frames.jsonl"));
        long errors = fixture.frames().stream().filter(f -> f.message() instanceof InboundMessage.TwilioError).count();
        assertEquals(10, errors);
        FixtureReplay.SocketClose close = fixture.steps().stream().filter(FixtureReplay.SocketClose.class::isInstance)
                .map(FixtureReplay.SocketClose.class::cast).findFirst().orElseThrow();
        assertEquals(1007, close.code());
    }

    @Test
    void summarisedOperatorLegBecomesPromptsAndSpeakerInfo() {
        FixtureReplay.Fixture fixture = FixtureReplay.load(FixtureReplay.fixturesDir().resolve("operator-leg/resume.jsonl"));
        assertTrue(fixture.frames().stream().anyMatch(f -> f.message() instanceof InboundMessage.Prompt p
                && p.last() && p.voicePrompt().startsWith("Iva.")));
        assertTrue(fixture.frames().stream().anyMatch(f -> f.message() instanceof InboundMessage.Info i
                && i.name().equals("clientSpeaking")));
        InboundMessage.Setup setup = (InboundMessage.Setup) fixture.frames().get(0).message();
        assertEquals("outbound-api", setup.direction());
        assertEquals("IN_PROGRESS", setup.callStatus());
    }
}
