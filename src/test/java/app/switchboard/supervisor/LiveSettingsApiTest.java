package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CommandOutcome;
import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.sim.SimulatedCall;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Barge-in on a live call from a remote console: the /console command, its reply, and what reaches the caller. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LiveSettingsApiTest {

    @TempDir
    java.nio.file.Path dir;
    private ConsoleHarness harness;
    private String alice;

    @BeforeEach
    void start() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT);
        alice = harness.accounts.add("alice");
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    private SimulatedCall liveCall() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> harness.recorded(call.callSid()).stream().anyMatch(e -> e.kind() == EventKind.SETUP));
        return call;
    }

    @Test
    void theCommandIsAcceptedAndTheCallersNextAnswerCannotBeInterrupted() throws Exception {
        try (ConsoleHarness.Console a = harness.console(alice)) {
            SimulatedCall call = liveCall();

            SupervisorMessage.Reply reply = a.client.interruptible(call.callSid(), false).get(10, TimeUnit.SECONDS);

            assertThat(reply.isAccepted()).isTrue();
            await().until(() -> a.events(call.callSid()).stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_INTERRUPTIBLE));
            EventPayload.SupervisorInterruptible change = a.events(call.callSid()).stream()
                    .map(e -> e.as(EventPayload.SupervisorInterruptible.class)).filter(c -> c != null).findFirst().orElseThrow();
            assertThat(change).isEqualTo(new EventPayload.SupervisorInterruptible(false, "alice"));
            int mark = call.mark();
            call.say("What are your opening hours", "en-US");
            SimulatedCall.Turn turn = call.awaitTurn(mark);
            assertThat(turn.frames()).allSatisfy(f -> assertThat(f.text().interruptible()).isFalse());
            assertThat(call.invalidFrames()).isEmpty();
            call.hangUp().join();
        }
    }

    @Test
    void forAnUnknownCallItIsRefusedWithAReason() throws Exception {
        try (ConsoleHarness.Console a = harness.console(alice)) {
            SupervisorMessage.Reply reply = a.client.interruptible("CA-no-such-call", true).get(10, TimeUnit.SECONDS);

            assertThat(reply.isAccepted()).isFalse();
            assertThat(reply.reason()).contains("unknown call");
        }
    }

    @Test
    void aRemoteConsolesControlSendsItAndReportsTheAcceptance() throws Exception {
        List<CommandOutcome> outcomes = new CopyOnWriteArrayList<>();
        List<CallEvent> received = new CopyOnWriteArrayList<>();
        try (RemoteCallControl remote = RemoteCallControl.overTls(URI.create(harness.relay.localBaseUrl()),
                harness.relay.fingerprint(), alice, RemoteCallControl.Options.defaults(List.of("en-US")))) {
            remote.subscribe(received::add);
            remote.subscribeOutcomes(outcomes::add);
            assertThat(remote.start().firstAttempt().get(20, TimeUnit.SECONDS).phase()).isEqualTo(Phase.CONNECTED);
            SimulatedCall call = liveCall();

            remote.setInterruptible(call.callSid(), true);

            await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.stream()
                    .anyMatch(o -> o.callId().equals(call.callSid()) && o.accepted()));
            assertThat(outcomes.get(0).command()).isEqualTo("barge-in on");
            await().until(() -> received.stream().anyMatch(e -> e.payload()
                    .equals(new EventPayload.SupervisorInterruptible(true, "alice"))));
            call.hangUp().join();
        }
    }

    @Test
    void theWireMessageReadsBackAndOneWithoutABooleanIsRefusedAsMalformed() {
        SupervisorMessage.Interruptible off = new SupervisorMessage.Interruptible("c1", "CA1", false);
        String json = SupervisorCodec.encode(off);

        assertThat(json).isEqualTo("{\"v\":1,\"type\":\"interruptible\",\"commandId\":\"c1\",\"callId\":\"CA1\",\"interruptible\":false}");
        assertThat(SupervisorCodec.decodeClient(json)).isEqualTo(off);
        SupervisorMessage.ClientMessage asText = SupervisorCodec.decodeClient(
                "{\"v\":1,\"type\":\"interruptible\",\"commandId\":\"c2\",\"callId\":\"CA1\",\"interruptible\":\"no\"}");
        assertThat(asText).isInstanceOf(SupervisorMessage.Malformed.class);
        assertThat(((SupervisorMessage.Malformed) asText).commandId()).isEqualTo("c2");
    }
}
