package app.switchboard.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import app.switchboard.config.Settings;
import app.switchboard.media.AudioFrame;
import app.switchboard.media.LiveAudio;
import app.switchboard.media.Track;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With live audio on, the demo's callers open the {@code <Start><Stream>} the relay's TwiML asks
 * for, over the real relay (signed upgrade, the call's token), and send both tracks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoAudioTest {

    @TempDir
    Path dataDir;
    private RelayHarness harness;
    private DemoCallers demo;

    @AfterEach
    void stop() throws Exception {
        if (demo != null) {
            demo.stop();
        }
        harness.close();
    }

    private static boolean audible(AudioFrame frame) {
        for (byte b : frame.mulaw()) {
            if (b != (byte) 0xFF && b != (byte) 0x7F) {
                return true;
            }
        }
        return false;
    }

    @Test
    void demoCallersStreamBothTracksOfTheirCallWhenListeningIsOn() throws Exception {
        Settings settings = new Settings();
        settings.listenToCalls = true;
        harness = new RelayHarness(dataDir, 40, settings);
        LiveAudio audio = harness.relay.liveAudio();
        Map<String, Set<Track>> audibleTracks = new ConcurrentHashMap<>();
        harness.registry.subscribe(e -> {
            if (e.kind() == EventKind.SETUP) {
                audio.listen(e.callId(), f -> {
                    if (audible(f)) {
                        audibleTracks.computeIfAbsent(f.callId(), id -> ConcurrentHashMap.newKeySet()).add(f.track());
                    }
                });
            }
        });
        demo = DemoCallers.start(DemoCallers.Options.of(harness.relay.localRelayUrl(), harness.relay.relayUrl(),
                RelayHarness.TOKEN, harness.actionPostUrl().toString(), harness.relay.actionUrl(),
                harness.relay.fingerprint()).withConcurrentCalls(1));

        await().atMost(Duration.ofSeconds(60)).until(() -> demo.audioStreams() == 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> audibleTracks.values().stream()
                .anyMatch(tracks -> tracks.containsAll(Set.of(Track.INBOUND, Track.OUTBOUND))));
        String callId = audibleTracks.keySet().iterator().next();
        assertTrue(audio.streaming(callId));
        assertTrue(audio.recent(callId, Track.INBOUND).length <= audio.ringBytes());

        demo.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> !audio.streaming(callId));
    }

    @Test
    void withListeningOffTheTwimlAsksForNoStreamAndNoneIsOpened() throws Exception {
        harness = new RelayHarness(dataDir, 200);
        SimulatedCall call = harness.caller().from("+15550100101").build().open();
        assertTrue(call.mediaStream().isEmpty());
        assertEquals(Set.of(), Set.copyOf(harness.registry.calls().stream()
                .filter(c -> harness.relay.liveAudio().streaming(c.callId())).toList()));
        call.close();
    }
}
