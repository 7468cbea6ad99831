package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two supervisors on one floor, through the real relay over TLS with simulated callers and two
 * API consoles: presence, exclusive take-over, asking for a call, and the grace a holder who
 * disconnects gets before the AI takes the call back.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SeveralSupervisorsTest {

    @TempDir
    Path dir;
    private ConsoleHarness harness;
    private String alice;
    private String bob;

    private void start(Duration holdGrace) throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 0, holdGrace, false);
        alice = harness.accounts.add("alice");
        bob = harness.accounts.add("bob");
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private SimulatedCall liveCall() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> summary(call.callSid()).map(s -> s.eventCount() > 0).orElse(false));
        return call;
    }

    private Optional<CallSummary> summary(String callId) {
        return harness.registry.calls().stream().filter(c -> c.callId().equals(callId)).findFirst();
    }

    private String heldBy(String callId) {
        return summary(callId).map(CallSummary::heldBy).orElse(null);
    }

    private static Optional<SupervisorMessage.Presence> lastPresence(ConsoleHarness.Console c) {
        List<SupervisorMessage.ServerMessage> all = List.copyOf(c.messages);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i) instanceof SupervisorMessage.Presence p) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean holds(ConsoleHarness.Console c, String callId, String holder) {
        return lastPresence(c).map(p -> p.holds().contains(new SupervisorMessage.Hold(callId, holder))).orElse(false);
    }

    private static Reply reply(java.util.concurrent.CompletableFuture<Reply> sent) throws Exception {
        return sent.get(10, TimeUnit.SECONDS);
    }

    private List<EventPayload.SupervisorRelease> releases(String callId) {
        return harness.recorded(callId).stream().map(e -> e.as(EventPayload.SupervisorRelease.class))
                .filter(r -> r != null).toList();
    }

    @Test
    void presenceShowsWhoIsConnectedWatchingAndHoldingToBothConsoles() throws Exception {
        start(Duration.ofSeconds(30));
        try (ConsoleHarness.Console a = harness.console(alice); ConsoleHarness.Console b = harness.console(bob)) {
            SimulatedCall call = liveCall();
            String id = call.callSid();
            await().until(() -> lastPresence(a).map(p -> p.supervisors().size() == 2).orElse(false)
                    && lastPresence(b).map(p -> p.supervisors().size() == 2).orElse(false));

            a.client.watch(id);
            for (ConsoleHarness.Console c : List.of(a, b)) {
                await().until(() -> lastPresence(c).map(p -> p.supervisors().contains(
                        new SupervisorMessage.OnlineSupervisor("alice", 1, List.of(id)))).orElse(false));
            }
            assertThat(harness.registry.presence().watching(id)).containsExactly("alice");
            assertThat(lastPresence(b).orElseThrow().asPresence().watching(id)).containsExactly("alice");

            assertThat(reply(a.client.takeOver(id)).isAccepted()).isTrue();
            await().until(() -> holds(a, id, "alice") && holds(b, id, "alice"));
            assertThat(heldBy(id)).isEqualTo("alice");
            assertThat(lastPresence(b).orElseThrow().asPresence()).isEqualTo(harness.registry.presence());

            b.close();
            await().until(() -> lastPresence(a).map(p -> p.supervisors().stream().map(
                    SupervisorMessage.OnlineSupervisor::name).toList().equals(List.of("alice"))).orElse(false));
            call.hangUp().join();
        }
    }

    @Test
    void aTakeOverByOneIsRefusedToTheOtherWithWhoHoldsIt() throws Exception {
        start(Duration.ofSeconds(30));
        try (ConsoleHarness.Console a = harness.console(alice); ConsoleHarness.Console b = harness.console(bob)) {
            SimulatedCall call = liveCall();
            String id = call.callSid();
            assertThat(reply(a.client.takeOver(id)).isAccepted()).isTrue();

            Reply refused = reply(b.client.takeOver(id));
            assertThat(refused.isAccepted()).isFalse();
            assertThat(refused.reason()).isEqualTo("held by alice");
            Reply release = reply(b.client.release(id));
            assertThat(release.isAccepted()).isFalse();
            assertThat(release.reason()).isEqualTo("held by alice");
            // The snapshot names the holder too.
            try (ConsoleHarness.Console late = harness.console(bob)) {
                await().until(() -> late.messages.stream().anyMatch(m -> m instanceof SupervisorMessage.Snapshot s
                        && s.calls().stream().anyMatch(c -> c.callId().equals(id) && "alice".equals(c.heldBy()))));
            }

            await().until(() -> harness.recorded(id).stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_TAKEOVER));
            assertThat(harness.recorded(id).stream().filter(e -> e.kind() == EventKind.SUPERVISOR_TAKEOVER)
                    .map(e -> e.as(EventPayload.SupervisorTakeover.class).operator()).toList()).containsExactly("alice");
            assertThat(summary(id).orElseThrow().state()).isEqualTo(CallState.SUPERVISOR);
            call.hangUp().join();
        }
    }

    @Test
    void askingForAHeldCallReachesTheHolderWhoCanHandItOver() throws Exception {
        start(Duration.ofSeconds(30));
        try (ConsoleHarness.Console a = harness.console(alice); ConsoleHarness.Console b = harness.console(bob)) {
            SimulatedCall call = liveCall();
            String id = call.callSid();
            Reply notHeld = reply(b.client.requestHold(id));
            assertThat(notHeld.isAccepted()).isFalse();
            assertThat(notHeld.reason()).contains("not held");

            assertThat(reply(a.client.takeOver(id)).isAccepted()).isTrue();
            assertThat(reply(b.client.requestHold(id)).isAccepted()).isTrue();
            await().until(() -> a.messages.contains(new SupervisorMessage.HoldRequested(id, "bob", "alice")));
            assertThat(b.messages).noneMatch(m -> m instanceof SupervisorMessage.HoldRequested);

            assertThat(reply(a.client.release(id)).isAccepted()).isTrue();
            assertThat(reply(b.client.takeOver(id)).isAccepted()).isTrue();
            assertThat(heldBy(id)).isEqualTo("bob");
            await().until(() -> harness.recorded(id).stream().filter(e -> e.kind() == EventKind.SUPERVISOR_TAKEOVER).count() == 2);
            assertThat(harness.recorded(id).stream().map(CallEvent::payload)
                    .filter(p -> p instanceof EventPayload.SupervisorAction)
                    .map(p -> p.kind() + " " + ((EventPayload.SupervisorAction) p).operator()).toList())
                    .containsExactly("SUPERVISOR_TAKEOVER alice", "SUPERVISOR_RELEASE alice", "SUPERVISOR_TAKEOVER bob");
            call.hangUp().join();
        }
    }

    @Test
    void aHolderWhoDisconnectsLosesTheCallToTheAiAfterTheGraceSaidInTheTranscript() throws Exception {
        start(Duration.ofSeconds(1));
        try (ConsoleHarness.Console b = harness.console(bob)) {
            SimulatedCall call = liveCall();
            String id = call.callSid();
            ConsoleHarness.Console a = harness.console(alice);
            assertThat(reply(a.client.takeOver(id)).isAccepted()).isTrue();
            await().until(() -> summary(id).orElseThrow().state() == CallState.SUPERVISOR);
            a.close();
            a.client.closed().get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(10)).until(() -> !releases(id).isEmpty());
            EventPayload.SupervisorRelease released = releases(id).get(0);
            assertThat(released.operator()).isEqualTo("alice");
            assertThat(released.reason()).contains("alice disconnected").contains("back with the AI");
            await().until(() -> summary(id).orElseThrow().state() == CallState.LISTENING);
            assertThat(heldBy(id)).isNull();
            // The other console sees it in the stream and in presence; and the AI answers the caller again.
            await().until(() -> b.events(id).stream().anyMatch(e -> e.payload() instanceof EventPayload.SupervisorRelease r
                    && r.reason() != null));
            await().until(() -> lastPresence(b).map(p -> p.holds().isEmpty()).orElse(false));
            int mark = call.mark();
            call.say("Are you still there", "en-US");
            call.awaitTurn(mark);
            call.hangUp().join();
        }
    }

    @Test
    void aHolderBackWithinTheGraceKeepsTheCall() throws Exception {
        start(Duration.ofSeconds(2));
        SimulatedCall call = liveCall();
        String id = call.callSid();
        ConsoleHarness.Console first = harness.console(alice);
        assertThat(reply(first.client.takeOver(id)).isAccepted()).isTrue();
        first.close();
        first.client.closed().get(10, TimeUnit.SECONDS);
        await().until(() -> harness.hub.connections() == 0);

        try (ConsoleHarness.Console again = harness.console(alice, first.client.positions())) {
            again.client.hello().get(10, TimeUnit.SECONDS);
            // Well past the grace, the call is still alice's and no release was recorded.
            await().during(Duration.ofMillis(3000)).atMost(Duration.ofSeconds(6))
                    .until(() -> "alice".equals(heldBy(id)) && releases(id).isEmpty());
            assertThat(summary(id).orElseThrow().state()).isEqualTo(CallState.SUPERVISOR);
            assertThat(reply(again.client.release(id)).isAccepted()).isTrue();
            await().until(() -> releases(id).size() == 1 && releases(id).get(0).reason() == null);
        }
        call.hangUp().join();
    }

    @Test
    void theEmbeddedConsoleUsesItsDisplayNameAndRespectsARemoteHold() throws Exception {
        start(Duration.ofSeconds(30));
        harness.registry.embeddedOperator(() -> "Dana (floor lead)");
        try (ConsoleHarness.Console a = harness.console(alice)) {
            SimulatedCall call = liveCall();
            String id = call.callSid();
            assertThat(reply(a.client.takeOver(id)).isAccepted()).isTrue();

            assertThat(harness.registry.takeOverUnlessHeld(id)).isEqualTo("alice");
            assertThat(harness.registry.releaseIfHolder(id)).isEqualTo("alice");
            assertThat(heldBy(id)).isEqualTo("alice");

            assertThat(reply(a.client.release(id)).isAccepted()).isTrue();
            harness.registry.takeOver(id);
            assertThat(heldBy(id)).isEqualTo("Dana (floor lead)");
            Reply refused = reply(a.client.takeOver(id));
            assertThat(refused.reason()).isEqualTo("held by Dana (floor lead)");
            harness.registry.say(id, "Dana here, I can help.");

            await().until(() -> harness.recorded(id).stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_SAY));
            assertThat(harness.recorded(id).stream().map(CallEvent::payload)
                    .filter(p -> p instanceof EventPayload.SupervisorAction)
                    .map(p -> ((EventPayload.SupervisorAction) p).operator()).toList())
                    .containsExactly("alice", "alice", "Dana (floor lead)", "Dana (floor lead)")
                    .doesNotContain(System.getProperty("user.name"));
            call.hangUp().join();
        }
    }
}
