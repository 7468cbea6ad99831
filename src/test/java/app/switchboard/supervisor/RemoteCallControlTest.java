package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.call.CommandOutcome;
import app.switchboard.call.ConnectionState;
import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.call.EventKind;
import app.switchboard.sim.SimulatedCall;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote console's {@link app.switchboard.call.CallControl} against a real TLS relay with
 * simulated callers: the same events as the in-process registry, commands that reach the
 * caller, a dropped connection caught up exactly once, and what it refuses.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteCallControlTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400));

    @TempDir
    java.nio.file.Path dir;
    private ConsoleHarness harness;
    private String alice;
    private RemoteCallControl remote;
    private final List<CallEvent> received = new CopyOnWriteArrayList<>();
    private final List<CommandOutcome> outcomes = new CopyOnWriteArrayList<>();
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        // A paced responder, so an answer streams for a while and a drop can fall inside it.
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 40);
        alice = harness.accounts.add("alice");
    }

    @AfterEach
    void stop() throws Exception {
        if (remote != null) {
            remote.close();
        }
        harness.close();
    }

    private RemoteCallControl connect(URI relayUrl, String fingerprint) {
        remote = RemoteCallControl.overTls(relayUrl, fingerprint, alice,
                RemoteCallControl.Options.defaults(List.of("en-US", "fr-FR")).withBackoff(FAST));
        remote.subscribe(received::add);
        remote.subscribeOutcomes(outcomes::add);
        remote.subscribeConnection(states::add);
        return remote.start();
    }

    private RemoteCallControl connectDirect() throws Exception {
        connect(URI.create(harness.relay.localBaseUrl()), harness.relay.fingerprint());
        assertThat(remote.firstAttempt().get(20, TimeUnit.SECONDS).phase()).isEqualTo(Phase.CONNECTED);
        return remote;
    }

    private long lastSeq(String callId) {
        return harness.registry.calls().stream().filter(c -> c.callId().equals(callId))
                .mapToLong(CallSummary::eventCount).findFirst().orElse(0);
    }

    private List<CallEvent> received(String callId) {
        return received.stream().filter(e -> e.callId().equals(callId)).toList();
    }

    private static List<Long> seqs(List<CallEvent> events) {
        return events.stream().map(CallEvent::seq).toList();
    }

    private void awaitEnded(String callId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.recorded(callId).stream()
                .anyMatch(e -> e.kind() == EventKind.CALL_ENDED));
    }

    @Test
    void seesTheSameEventsInTheSameOrderAsTheInProcessRegistry() throws Exception {
        connectDirect();
        assertThat(remote.connection().supervisor()).isEqualTo("alice");
        assertThat(remote.connection().relay()).isEqualTo("127.0.0.1:" + harness.relay.port());

        SimulatedCall call = harness.caller().build().open();
        String id = call.callSid();
        call.say("What are your opening hours", "en-US");
        call.awaitTurn(0);
        call.hangUp().join();
        awaitEnded(id);
        long last = lastSeq(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> received(id).size() == last);

        List<CallEvent> inProcess = harness.registry.events(id);
        assertThat(received(id)).isEqualTo(inProcess);
        assertThat(remote.events(id)).isEqualTo(inProcess);
        assertThat(received(id)).extracting(CallEvent::kind).contains(EventKind.PROMPT, EventKind.AGENT_TOKEN,
                EventKind.CALL_ENDED);
        CallSummary summary = remote.calls().stream().filter(c -> c.callId().equals(id)).findFirst().orElseThrow();
        assertThat(summary.eventCount()).isEqualTo(last);
        assertThat(summary.endedAt()).isNotNull();
    }

    @Test
    void aCallAlreadyLiveWhenTheConsoleConnectsArrivesWithItsEarlierEvents() throws Exception {
        SimulatedCall call = harness.caller().build().open();
        String id = call.callSid();
        call.say("What are your opening hours", "en-US");
        call.awaitTurn(0);
        connectDirect();
        await().atMost(Duration.ofSeconds(10)).until(() -> remote.events(id).size() == lastSeq(id));

        assertThat(seqs(remote.events(id))).isEqualTo(LongStream.rangeClosed(1, lastSeq(id)).boxed().toList());
        assertThat(remote.calls()).extracting(CallSummary::callId).contains(id);
        call.hangUp().join();
    }

    @Test
    void aCommandThroughItReachesTheCallerAndItsAcceptanceIsReported() throws Exception {
        connectDirect();
        SimulatedCall call = harness.caller().build().open();
        String id = call.callSid();
        await().until(() -> !remote.events(id).isEmpty());
        int mark = call.mark();

        remote.say(id, "A person is here to help.");

        call.awaitFrame(mark, f -> f.isText() && f.text().token().equals("A person is here to help."));
        await().until(() -> outcomes.stream().anyMatch(o -> o.callId().equals(id) && o.accepted()));
        await().until(() -> received(id).stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_SAY));
        call.hangUp().join();
    }

    @Test
    void aRefusalFromTheRelayIsReportedWithItsReason() throws Exception {
        connectDirect();
        remote.release("CA-no-such-call");
        await().until(() -> !outcomes.isEmpty());
        assertThat(outcomes.get(0).accepted()).isFalse();
        assertThat(outcomes.get(0).command()).isEqualTo("release");
        assertThat(outcomes.get(0).reason()).contains("unknown call");
    }

    @Test
    void aConnectionDroppedMidStreamReconnectsAndEveryEventArrivesExactlyOnce() throws Exception {
        try (TcpProxy proxy = new TcpProxy(harness.relay.port())) {
            connect(URI.create("https://127.0.0.1:" + proxy.port()), harness.relay.fingerprint());
            assertThat(remote.firstAttempt().get(20, TimeUnit.SECONDS).phase()).isEqualTo(Phase.CONNECTED);

            SimulatedCall call = harness.caller().build().open();
            String id = call.callSid();
            call.say("What are your opening hours and where are you", "en-US");
            // Cut while the answer streams: tokens keep coming on the relay meanwhile.
            await().until(() -> received(id).stream().anyMatch(e -> e.kind() == EventKind.AGENT_TOKEN));
            proxy.cutAndRefuse();
            await().until(() -> remote.connection().phase() == Phase.DISCONNECTED);
            long seenAtDrop = received(id).size();
            await().until(() -> lastSeq(id) > seenAtDrop + 5);
            proxy.open();
            await().atMost(Duration.ofSeconds(20)).until(() -> remote.connection().phase() == Phase.CONNECTED);
            assertThat(remote.connectionsOpened()).isEqualTo(2);

            call.awaitTurn(0);
            call.hangUp().join();
            awaitEnded(id);
            long last = lastSeq(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> !received(id).isEmpty()
                    && received(id).get(received(id).size() - 1).seq() == last);

            assertThat(seqs(received(id))).isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
            assertThat(received(id)).isEqualTo(harness.registry.events(id));
            assertThat(states).extracting(ConnectionState::phase)
                    .containsSubsequence(Phase.CONNECTED, Phase.DISCONNECTED, Phase.CONNECTED);
        }
    }

    @Test
    void commandsWhileDisconnectedAreRefusedAtOnceAndNeverSentLater() throws Exception {
        try (TcpProxy proxy = new TcpProxy(harness.relay.port())) {
            connect(URI.create("https://127.0.0.1:" + proxy.port()), harness.relay.fingerprint());
            assertThat(remote.firstAttempt().get(20, TimeUnit.SECONDS).phase()).isEqualTo(Phase.CONNECTED);
            SimulatedCall call = harness.caller().build().open();
            String id = call.callSid();
            await().until(() -> !received(id).isEmpty());
            proxy.cutAndRefuse();
            // Read once: the state moves on to CONNECTING at each attempt.
            ConnectionState away = await().until(remote::connection, c -> c.phase() == Phase.DISCONNECTED);
            assertThat(away.retryAt()).isNotNull();
            assertThat(away.canCommand()).isFalse();

            remote.say(id, "Are you still there?");
            remote.takeOver(id);

            // Reported before the calls returned, not after a timeout.
            assertThat(outcomes).hasSize(2).allSatisfy(o -> {
                assertThat(o.accepted()).isFalse();
                assertThat(o.reason()).contains("not connected");
            });
            proxy.open();
            await().atMost(Duration.ofSeconds(20)).until(() -> remote.connection().phase() == Phase.CONNECTED);
            int mark = call.mark();
            remote.whisper(id, "marker");
            await().until(() -> received(id).stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_WHISPER));
            assertThat(call.received().subList(mark, call.received().size()))
                    .noneMatch(f -> f.isText() && f.text().token().contains("Are you still there"));
            assertThat(harness.recorded(id)).noneMatch(e -> e.kind() == EventKind.SUPERVISOR_SAY
                    || e.kind() == EventKind.SUPERVISOR_TAKEOVER);
            call.hangUp().join();
        }
    }

    @Test
    void aRelayPresentingAnotherCertificateIsRefusedLoudlyAndNotRetried() throws Exception {
        String wrong = "AA:".repeat(31) + "AA";
        connect(URI.create(harness.relay.localBaseUrl()), wrong);

        ConnectionState first = remote.firstAttempt().get(20, TimeUnit.SECONDS);

        assertThat(first.phase()).isEqualTo(Phase.REFUSED);
        assertThat(first.problem()).contains("certificate changed").contains(harness.relay.fingerprint())
                .contains(PinnedCertificate.normalise(wrong));
        assertThat(remote.connectionsOpened()).isZero();
        assertThat(harness.hub.connections()).isZero();
        remote.say("CA-any", "hello");
        assertThat(outcomes).hasSize(1).allSatisfy(o -> assertThat(o.accepted()).isFalse());
        assertThat(remote.connection().phase()).isEqualTo(Phase.REFUSED);
    }

    @Test
    void aRemovedAccountIsRefusedForGood() throws Exception {
        harness.accounts.add("bob");
        harness.accounts.remove("alice");
        connect(URI.create(harness.relay.localBaseUrl()), harness.relay.fingerprint());
        ConnectionState first = remote.firstAttempt().get(20, TimeUnit.SECONDS);
        assertThat(first.phase()).isEqualTo(Phase.REFUSED);
        assertThat(first.problem()).contains("401").doesNotContain(alice);
    }

    @Test
    void theProbeReadsTheFingerprintTheRelayPresents() throws Exception {
        assertThat(PinnedCertificate.probe("127.0.0.1", harness.relay.port(), Duration.ofSeconds(5)))
                .isEqualTo(PinnedCertificate.normalise(harness.relay.fingerprint()));
    }
}
