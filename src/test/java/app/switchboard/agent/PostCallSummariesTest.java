package app.switchboard.agent;

import app.switchboard.agent.FakeOpenAiServer.Finish;
import app.switchboard.agent.FakeOpenAiServer.Gate;
import app.switchboard.agent.FakeOpenAiServer.Reply;
import app.switchboard.agent.FakeOpenAiServer.Token;
import app.switchboard.call.CallEvent;
import app.switchboard.call.Disposition;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Post-call summaries: the rule-based one per disposition, the model's, its failure, and the call's end not waiting. */
class PostCallSummariesTest {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private static PostCallSummaries.Notes notes(EventPayload... payloads) {
        PostCallSummaries.Notes notes = new PostCallSummaries.Notes(T0);
        long seq = 0;
        for (EventPayload p : payloads) {
            seq++;
            notes.apply(new CallEvent("CA1", seq, T0.plusSeconds(seq * 10), p));
        }
        return notes;
    }

    private static EventPayload prompt(String text) {
        return TestEvents.payload(EventKind.PROMPT, "text", text, "lang", "en-US");
    }

    private static EventPayload answer(int turn, String text) {
        return TestEvents.payload(EventKind.TURN_COMPLETED, "turn", turn, "text", text);
    }

    private static EventPayload ended() {
        return TestEvents.payload(EventKind.CALL_ENDED, "reason", "completed");
    }

    @Test
    void aCallTheAiClosedIsResolved() {
        PostCallSummaries.Notes n = notes(prompt("When is my bill due?"), answer(1, "On Friday."),
                TestEvents.payload(EventKind.TOOL_CALL, "turn", 1, "name", "end_call", "outcome", "ending"), ended());

        assertEquals(Disposition.RESOLVED, n.outcome.disposition());
        assertEquals("The caller asked: \u201cWhen is my bill due?\u201d. The AI answered once over 1 caller turn."
                + " The AI closed the call.", PostCallSummaries.ruleSummary(n, n.outcome.disposition()));
    }

    @Test
    void aCallTheSupervisorHandedOffIsHandedToAHuman() {
        PostCallSummaries.Notes n = notes(prompt("I want a person"), answer(1, "One moment."),
                TestEvents.payload(EventKind.SUPERVISOR_END, "reason", "billing", "handToHuman", true, "operator", "ana"),
                ended());

        assertEquals(Disposition.HANDED_TO_HUMAN, n.outcome.disposition());
        assertTrue(PostCallSummaries.ruleSummary(n, n.outcome.disposition())
                .endsWith("A supervisor handed the caller to a person."));
    }

    @Test
    void aCallNobodyClosedIsACallerHangUp() {
        PostCallSummaries.Notes n = notes(prompt("What are your opening hours?"), answer(1, "Nine to five."),
                TestEvents.payload(EventKind.SESSION_CLOSED, "code", 1000, "reason", "Closing websocket session"), ended());

        assertEquals(Disposition.CALLER_HUNG_UP, n.outcome.disposition());
        assertTrue(PostCallSummaries.ruleSummary(n, n.outcome.disposition()).endsWith("The caller hung up after 40 s."));
    }

    @Test
    void aCallWhoseLastAnswerFailedIsAFault() {
        PostCallSummaries.Notes n = notes(prompt("Cancel my order"),
                TestEvents.payload(EventKind.FAULT, "turn", 1, "reason", "model timed out", "fallback", "Sorry."),
                ended());

        assertEquals(Disposition.FAULT, n.outcome.disposition());
        assertTrue(PostCallSummaries.ruleSummary(n, n.outcome.disposition())
                .endsWith("The call ended with a fault: model timed out."));
    }

    @Test
    void aLostRelaySessionIsAFault() {
        PostCallSummaries.Notes n = notes(prompt("Hello?"),
                TestEvents.payload(EventKind.SESSION_CLOSED, "code", 1006, "reason", "abnormal"), ended());

        assertEquals(Disposition.FAULT, n.outcome.disposition());
    }

    @Test
    void withoutAModelTheRuleBasedSummaryIsStoredAfterTheEnd() throws Exception {
        OfflineResponder responder = new OfflineResponder(0);
        try (AgentHarness harness = new AgentHarness(responder, AgentSettings.defaults());
             PostCallSummaries summaries = PostCallSummaries.attach(harness.registry, responder)) {
            AgentHarness.Call call = harness.call();
            call.say("What are your opening hours?");
            call.awaitEvent(EventKind.TURN_COMPLETED, 1);
            harness.registry.actionCallback(call.sid, Map.of("SessionStatus", "completed"), "hangup");

            call.awaitEvent(EventKind.SUMMARY, 1);
            EventPayload.Summary summary = call.payloads(EventPayload.Summary.class).get(0);
            assertEquals("rules", summary.source());
            assertEquals(Disposition.CALLER_HUNG_UP.name(), summary.disposition());
            assertTrue(summary.text().contains("opening hours"), summary.text());
            assertNull(summary.note());
            assertEquals(EventKind.SUMMARY, last(call.events()).kind());
        } finally {
            responder.close();
        }
    }

    @Test
    @Timeout(60)
    void theModelsSummaryIsStoredAndTheCallEndsWithoutWaitingForIt() throws Exception {
        OfflineResponder responder = new OfflineResponder(0);
        CountDownLatch gate = new CountDownLatch(1);
        try (FakeOpenAiServer server = new FakeOpenAiServer();
             OpenAiChatClient model = new OpenAiChatClient("sk-test-summary-0123456789", server.baseUrl(), "fake-model", 8);
             AgentHarness harness = new AgentHarness(responder, AgentSettings.defaults());
             PostCallSummaries summaries = PostCallSummaries.attach(harness.registry, model, Duration.ofSeconds(30))) {
            server.script(r -> Reply.stream(new Gate(gate), new Token("The caller asked about opening hours."),
                    new Token(" The AI answered; the caller hung up."), new Finish("stop")));
            AgentHarness.Call call = harness.call();
            call.say("What are your opening hours?");
            call.awaitEvent(EventKind.TURN_COMPLETED, 1);
            harness.registry.actionCallback(call.sid, Map.of("SessionStatus", "completed"), "hangup");

            await().atMost(Duration.ofSeconds(20)).until(() -> !server.requests().isEmpty());
            assertTrue(server.request(0).started.await(20, TimeUnit.SECONDS));
            // The summary request is held at the gate: the call has ended all the same.
            call.awaitEvent(EventKind.CALL_ENDED, 1);
            assertTrue(call.events(EventKind.SUMMARY).isEmpty());
            assertTrue(server.request(0).last("user").contains("Caller: What are your opening hours?"),
                    server.request(0).last("user"));

            gate.countDown();
            call.awaitEvent(EventKind.SUMMARY, 1);
            EventPayload.Summary summary = call.payloads(EventPayload.Summary.class).get(0);
            assertEquals("model", summary.source());
            assertEquals("The caller asked about opening hours. The AI answered; the caller hung up.", summary.text());
            assertEquals(Disposition.CALLER_HUNG_UP.name(), summary.disposition());
            long endSeq = call.events(EventKind.CALL_ENDED).get(0).seq();
            assertTrue(call.events(EventKind.SUMMARY).get(0).seq() > endSeq);
        } finally {
            gate.countDown();
            responder.close();
        }
    }

    @Test
    @Timeout(60)
    void aModelFailureStoresTheRuleBasedSummaryWithANote() throws Exception {
        OfflineResponder responder = new OfflineResponder(0);
        try (FakeOpenAiServer server = new FakeOpenAiServer();
             OpenAiChatClient model = new OpenAiChatClient("sk-test-summary-0123456789", server.baseUrl(), "fake-model", 8);
             AgentHarness harness = new AgentHarness(responder, AgentSettings.defaults());
             PostCallSummaries summaries = PostCallSummaries.attach(harness.registry, model, Duration.ofSeconds(30))) {
            server.script(r -> Reply.status(500));
            AgentHarness.Call call = harness.call();
            call.say("I want to cancel my order");
            call.awaitEvent(EventKind.TURN_COMPLETED, 1);
            harness.registry.actionCallback(call.sid, Map.of("SessionStatus", "completed"), "hangup");

            await().atMost(Duration.ofSeconds(30)).until(() -> !call.events(EventKind.SUMMARY).isEmpty());
            EventPayload.Summary summary = call.payloads(EventPayload.Summary.class).get(0);
            assertEquals("rules", summary.source());
            assertTrue(summary.text().contains("cancel my order"), summary.text());
            assertTrue(summary.note().startsWith("the model's summary failed"), summary.note());
        } finally {
            responder.close();
        }
    }

    @Test
    @Timeout(60)
    void summariesWaitTheirTurnSoEndedCallsDoNotTakeTheModelFromLiveOnes() throws Exception {
        OfflineResponder responder = new OfflineResponder(0);
        CountDownLatch gate = new CountDownLatch(1);
        try (FakeOpenAiServer server = new FakeOpenAiServer();
             OpenAiChatClient model = new OpenAiChatClient("sk-test-summary-0123456789", server.baseUrl(), "fake-model", 8);
             AgentHarness harness = new AgentHarness(responder, AgentSettings.defaults());
             PostCallSummaries summaries = PostCallSummaries.attach(harness.registry, model, Duration.ofSeconds(30),
                     new PostCallSummaries.Limits(1, 10))) {
            server.script(r -> r.index == 0 ? Reply.stream(new Gate(gate), new Token("First."), new Finish("stop"))
                    : Reply.tokens("Second."));
            AgentHarness.Call first = harness.call();
            AgentHarness.Call second = harness.call();
            for (AgentHarness.Call call : List.of(first, second)) {
                call.say("Hello");
                call.awaitEvent(EventKind.TURN_COMPLETED, 1);
                harness.registry.actionCallback(call.sid, Map.of("SessionStatus", "completed"), "hangup");
                call.awaitEvent(EventKind.CALL_ENDED, 1);
            }
            assertTrue(server.request(0).started.await(20, TimeUnit.SECONDS));
            // One summary at a time: the second waits while the first is held at the gate.
            await().atMost(Duration.ofSeconds(20)).until(() -> summaries.waitingCount() == 1);
            assertEquals(1, server.requests().size());

            gate.countDown();
            first.awaitEvent(EventKind.SUMMARY, 1);
            second.awaitEvent(EventKind.SUMMARY, 1);
            assertEquals(2, server.requests().size());
            List<String> texts = List.of(first.payloads(EventPayload.Summary.class).get(0).text(),
                    second.payloads(EventPayload.Summary.class).get(0).text());
            assertTrue(texts.contains("First.") && texts.contains("Second."), texts.toString());
        } finally {
            gate.countDown();
            responder.close();
        }
    }

    private static CallEvent last(List<CallEvent> events) {
        return events.get(events.size() - 1);
    }
}
