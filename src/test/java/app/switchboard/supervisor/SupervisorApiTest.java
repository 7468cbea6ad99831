package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.sim.SimulatedCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Events, commands and resume over /console against a real relay with simulated callers. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SupervisorApiTest {

    @TempDir
    java.nio.file.Path dir;
    private ConsoleHarness harness;
    private String alice;
    private String bob;

    @BeforeEach
    void start() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT);
        alice = harness.accounts.add("alice");
        bob = harness.accounts.add("bob");
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    private long lastSeq(String callId) {
        return harness.registry.calls().stream().filter(c -> c.callId().equals(callId))
                .mapToLong(CallSummary::eventCount).findFirst().orElse(0);
    }

    private static List<Long> seqs(List<CallEvent> events) {
        return events.stream().map(CallEvent::seq).toList();
    }

    private static List<EventKind> kinds(List<CallEvent> events) {
        return events.stream().map(CallEvent::kind).toList();
    }

    /** A caller who asks, hears the whole answer, and hangs up; CALL_ENDED is the last event of a call. */
    private SimulatedCall fullCall() {
        SimulatedCall call = harness.caller().build().open();
        call.say("What are your opening hours", "en-US");
        call.awaitTurn(0);
        call.hangUp().join();
        await().atMost(Duration.ofSeconds(20)).until(() -> harness.recorded(call.callSid()).stream()
                .anyMatch(e -> e.kind() == EventKind.CALL_ENDED));
        return call;
    }

    @Test
    void twoConsolesSeeTheSameEventsInTheSameOrderAsRecorded() throws Exception {
        try (ConsoleHarness.Console a = harness.console(alice); ConsoleHarness.Console b = harness.console(bob)) {
            a.client.hello().get(10, TimeUnit.SECONDS);
            b.client.hello().get(10, TimeUnit.SECONDS);
            await().until(() -> harness.hub.connections() == 2);
            SimulatedCall call = fullCall();
            String id = call.callSid();
            long last = lastSeq(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.events(id).size() == last && b.events(id).size() == last);

            List<CallEvent> recorded = harness.recorded(id);
            assertThat(seqs(a.events(id))).isEqualTo(seqs(recorded));
            assertThat(kinds(a.events(id))).isEqualTo(kinds(recorded));
            assertThat(kinds(b.events(id))).isEqualTo(kinds(a.events(id)));
            assertThat(a.events(id).stream().map(e -> e.payload()).toList())
                    .isEqualTo(recorded.stream().map(CallEvent::payload).toList());
            assertThat(kinds(recorded)).contains(EventKind.AGENT_TOKEN, EventKind.PROMPT);
        }
    }

    @Test
    void sayFromAConsoleReachesTheCallerAndTheAuditNamesTheAccount() throws Exception {
        try (ConsoleHarness.Console a = harness.console(alice)) {
            SimulatedCall call = harness.caller().build().open();
            await().until(() -> lastSeq(call.callSid()) > 0);
            int mark = call.mark();
            SupervisorMessage.Reply reply = a.client.say(call.callSid(), "A person is here to help.")
                    .get(10, TimeUnit.SECONDS);

            assertThat(reply.isAccepted()).isTrue();
            call.awaitFrame(mark, f -> f.isText() && f.text().token().equals("A person is here to help."));
            await().until(() -> a.events(call.callSid()).stream().anyMatch(e -> e.kind() == EventKind.SUPERVISOR_SAY));
            EventPayload.SupervisorSay said = a.events(call.callSid()).stream()
                    .map(e -> e.as(EventPayload.SupervisorSay.class)).filter(s -> s != null).findFirst().orElseThrow();
            assertThat(said.operator()).isEqualTo("alice");
            assertThat(harness.recorded(call.callSid()).stream()
                    .map(e -> e.as(EventPayload.SupervisorSay.class)).filter(s -> s != null).findFirst().orElseThrow()
                    .operator()).isEqualTo("alice");
            call.hangUp().join();
        }
    }

    @Test
    void takeOverAndWhisperNameTheAccountToo() throws Exception {
        try (ConsoleHarness.Console b = harness.console(bob)) {
            SimulatedCall call = harness.caller().build().open();
            await().until(() -> lastSeq(call.callSid()) > 0);
            assertThat(b.client.takeOver(call.callSid()).get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            assertThat(b.client.whisper(call.callSid(), "offer a callback").get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            await().until(() -> b.events(call.callSid()).stream().filter(e -> e.payload() instanceof EventPayload.SupervisorAction)
                    .count() == 2);
            assertThat(b.events(call.callSid()).stream().map(CallEvent::payload)
                    .filter(p -> p instanceof EventPayload.SupervisorAction)
                    .map(p -> ((EventPayload.SupervisorAction) p).operator()).toList()).containsExactly("bob", "bob");
            call.hangUp().join();
        }
    }

    @Test
    void aSecondTakeOverOfAHeldCallIsRefused() throws Exception {
        try (ConsoleHarness.Console a = harness.console(alice); ConsoleHarness.Console b = harness.console(bob)) {
            SimulatedCall call = harness.caller().build().open();
            await().until(() -> lastSeq(call.callSid()) > 0);
            assertThat(b.client.takeOver(call.callSid()).get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            await().until(() -> a.events(call.callSid()).stream().anyMatch(e -> e.payload()
                    instanceof EventPayload.StateChanged c && c.to() == app.switchboard.call.CallState.SUPERVISOR));

            SupervisorMessage.Reply second = a.client.takeOver(call.callSid()).get(10, TimeUnit.SECONDS);
            assertThat(second.isAccepted()).isFalse();
            assertThat(second.reason()).isEqualTo("held by bob");
            assertThat(harness.recorded(call.callSid()).stream()
                    .filter(e -> e.kind() == EventKind.SUPERVISOR_TAKEOVER).count()).isEqualTo(1);
            call.hangUp().join();
        }
    }

    @Test
    void aCommandForAnUnknownCallIsRefusedWithAReason() throws Exception {
        try (ConsoleHarness.Console a = harness.console(alice)) {
            SupervisorMessage.Reply reply = a.client.say("CA-no-such-call", "hello").get(10, TimeUnit.SECONDS);
            assertThat(reply.isAccepted()).isFalse();
            assertThat(reply.reason()).contains("unknown call").contains("CA-no-such-call");
            SupervisorMessage.Reply blank = a.client.whisper("CA-no-such-call", " ").get(10, TimeUnit.SECONDS);
            assertThat(blank.outcome()).isEqualTo(SupervisorMessage.Outcome.REFUSED);
        }
    }

    @Test
    void resumeAfterADropDeliversEveryEventExactlyOnce() throws Exception {
        ConsoleHarness.Console first = harness.console(alice);
        first.client.hello().get(10, TimeUnit.SECONDS);
        await().until(() -> harness.hub.connections() == 1);
        SimulatedCall call = harness.caller().build().open();
        String id = call.callSid();
        call.say("What are your opening hours", "en-US");
        call.awaitTurn(0);
        await().until(() -> first.events(id).size() == lastSeq(id));
        first.close();
        first.client.closed().get(10, TimeUnit.SECONDS);
        Map<String, Long> seen = first.client.positions();

        // While no console is attached, the call goes on and another call starts.
        int mark = call.mark();
        call.say("And on Sunday", "en-US");
        call.awaitTurn(mark);
        await().until(() -> lastSeq(id) > seen.get(id));
        SimulatedCall other = harness.caller().build().open();
        other.say("Where are you", "en-US");
        other.awaitTurn(0);
        assertThat(seen).doesNotContainKey(other.callSid());

        try (ConsoleHarness.Console second = harness.console(bob, seen)) {
            call.hangUp().join();
            await().atMost(Duration.ofSeconds(20)).until(() -> harness.recorded(id).stream()
                    .anyMatch(e -> e.kind() == EventKind.CALL_ENDED));
            long last = lastSeq(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> !second.events(id).isEmpty()
                    && second.events(id).get(second.events(id).size() - 1).seq() == last);

            List<Long> together = new java.util.ArrayList<>(seqs(first.events(id)));
            together.addAll(seqs(second.events(id)));
            assertThat(together).isEqualTo(seqs(harness.recorded(id)));
            assertThat(second.events(id).get(0).seq()).isEqualTo(seen.get(id) + 1);
            assertThat(second.messages).anyMatch(m -> m instanceof SupervisorMessage.Snapshot s
                    && s.reason() == SupervisorMessage.SnapshotReason.RESUME);
            // The call that started during the drop arrives whole, from seq 1.
            String otherId = other.callSid();
            long otherLast = lastSeq(otherId);
            await().atMost(Duration.ofSeconds(10)).until(() -> second.events(otherId).size() >= otherLast);
            List<Long> otherSeqs = seqs(second.events(otherId));
            assertThat(otherSeqs).isEqualTo(java.util.stream.LongStream.rangeClosed(1, otherSeqs.size()).boxed().toList());
            other.hangUp().join();
        }
    }
}
