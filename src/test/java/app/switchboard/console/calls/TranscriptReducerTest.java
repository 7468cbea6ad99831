package app.switchboard.console.calls;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.EventPayload;
import app.switchboard.console.EventStream;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reducer on its own: typed events in, transcript lines and facts out, no JavaFX toolkit started. */
class TranscriptReducerTest {

    private final EventStream stream = new EventStream("CA1");
    private final Recorder recorder = new Recorder();
    private final TranscriptReducer reducer = new TranscriptReducer(recorder);

    private void apply(EventStream events) {
        events.take().forEach(reducer::apply);
    }

    private EventStream setupAndPrompt(String prompt) {
        return stream.add(new EventPayload.Setup("VX1", "AC1", "CA1", null, "+14155550123", "+15550100000",
                        null, null, "inbound", null, "in-progress", Map.of()))
                .add(new EventPayload.StateChanged(CallState.GREETING, CallState.LISTENING))
                .add(new EventPayload.Prompt(prompt, "en-US"));
    }

    private List<String> lines() {
        return reducer.entries().stream().map(e -> e.kind() + " " + e.speaker() + ": " + e.text()).toList();
    }

    private TranscriptEntry answer() {
        return reducer.entries().stream().filter(e -> e.kind() == ConversationEntry.Kind.AI).findFirst().orElseThrow();
    }

    @Test
    void setupAndPromptFillTheFactsAndTheFirstLines() {
        apply(setupAndPrompt("what are your hours"));

        assertEquals("+14155550123", reducer.caller());
        assertEquals(CallState.LISTENING, reducer.state());
        assertEquals("en-US", reducer.language());
        assertEquals(List.of("NOTE Relay: Call from +14155550123 to +15550100000",
                "CALLER Caller: what are your hours"), lines());
    }

    @Test
    void bargeInKeepsTheHeardPartAndMarksTheUnheardPart() {
        apply(setupAndPrompt("my bill")
                .add(new EventPayload.TurnStarted(1, false))
                .add(new EventPayload.AgentToken(1, "Your bill "))
                .add(new EventPayload.AgentToken(1, "was twenty dollars."))
                .add(new EventPayload.Interrupt("Your bill", 700L))
                .add(new EventPayload.TurnInterrupted(1, "Your bill ", "was twenty dollars.", "caller barged in", null)));

        TranscriptEntry answer = answer();
        assertEquals("Your bill ", answer.text());
        assertEquals("was twenty dollars.", answer.unheard());
        assertEquals("cut: caller barged in", answer.detail());
        assertFalse(answer.isStreaming());
        assertEquals("NOTE Caller: barged in after 700 ms of speech", lines().get(lines().size() - 1));
    }

    @Test
    void draftCollectsWhileTheSupervisorHoldsAndRestartsOnRelease() {
        apply(setupAndPrompt("can I cancel")
                .add(new EventPayload.SupervisorTakeover("alice"))
                .add(new EventPayload.TurnStarted(1, true))
                .add(new EventPayload.DraftToken(1, "Yes, "))
                .add(new EventPayload.DraftToken(1, "you can.")));

        assertTrue(reducer.supervisorHolds());
        assertEquals("Yes, you can.", reducer.draft());
        assertTrue(reducer.entries().stream().noneMatch(e -> e.kind() == ConversationEntry.Kind.AI),
                "a draft is not an answer the caller heard");

        apply(stream.add(new EventPayload.DraftReady(1, "Yes, you can cancel online."))
                .add(new EventPayload.SupervisorRelease("alice")));

        assertFalse(reducer.supervisorHolds());
        assertEquals("", reducer.draft(), "handing back clears the draft for the next hold");
        assertEquals(List.of("SUPERVISOR Supervisor: took over the call; the AI only drafts",
                "NOTE AI: drafted a reply for the supervisor",
                "SUPERVISOR Supervisor: handed the call back to the AI"), lines().subList(2, 5));
    }

    @Test
    void aHoldThatEndsWithoutItsHolderSaysWhyInTheTranscript() {
        apply(setupAndPrompt("my bill")
                .add(new EventPayload.SupervisorTakeover("alice"))
                .add(new EventPayload.SupervisorRelease("alice",
                        "alice disconnected and did not come back within 30 s: the call is back with the AI")));

        assertFalse(reducer.supervisorHolds());
        assertEquals("SUPERVISOR Supervisor: alice disconnected and did not come back within 30 s: the call is back"
                + " with the AI", lines().get(lines().size() - 1));
    }

    @Test
    void faultClosesTheStreamingAnswerAndSaysWhatTheCallerHeard() {
        apply(setupAndPrompt("hi")
                .add(new EventPayload.TurnStarted(1, false))
                .add(new EventPayload.AgentToken(1, "Hel"))
                .add(new EventPayload.Fault(1, "model timed out", false, "Sorry, one moment.", null, true)));

        TranscriptEntry fault = reducer.entries().get(reducer.entries().size() - 1);
        assertEquals(ConversationEntry.Kind.ERROR, fault.kind());
        assertEquals("model timed out", fault.text());
        assertEquals("caller heard: \u201cSorry, one moment.\u201d", fault.detail());
        assertFalse(answer().isStreaming());
        assertEquals("failed", answer().detail());
    }

    @Test
    void retriedFaultLeavesTheAnswerStreaming() {
        apply(setupAndPrompt("hi")
                .add(new EventPayload.TurnStarted(1, false))
                .add(EventPayload.Fault.retrying(1, "connection reset")));

        assertEquals("retrying once", reducer.entries().get(reducer.entries().size() - 1).detail());
        assertTrue(answer().isStreaming());
    }

    @Test
    void attentionLastsUntilTheCallEnds() {
        apply(setupAndPrompt("I want a human")
                .add(new EventPayload.AttentionRaised("asked-for-human", "caller asked for a human", null, null, null))
                .add(new EventPayload.AttentionRaised("asked-for-human", "caller asked for a human", null, null, null)));

        assertTrue(reducer.needsAttention());
        assertEquals(List.of("caller asked for a human"), reducer.attentionReasons(), "one reason, once");

        apply(stream.add(new EventPayload.CallEnded("caller hung up", null, null)));

        assertFalse(reducer.needsAttention());
        assertTrue(reducer.isEnded());
        assertEquals(CallState.ENDED, reducer.state());
    }

    @Test
    void listenerHearsEachTokenAsAChangeToTheSameLine() {
        apply(setupAndPrompt("hi").add(new EventPayload.TurnStarted(1, false)));
        recorder.changed.clear();

        apply(stream.add(new EventPayload.AgentToken(1, "Hello "))
                .add(new EventPayload.AgentToken(1, "there")));

        assertEquals(2, recorder.changed.size());
        assertSame(answer(), recorder.changed.get(0));
        assertSame(answer(), recorder.changed.get(1));
        assertEquals(reducer.entries(), recorder.added, "every line was reported as it was added");
    }

    @Test
    void eventsAlreadyAppliedAreIgnored() {
        List<CallEvent> events = setupAndPrompt("hi").take();
        events.forEach(reducer::apply);
        int facts = recorder.facts;

        events.forEach(reducer::apply);

        assertEquals(2, reducer.entries().size());
        assertEquals(facts, recorder.facts, "a replayed event reports nothing");
    }

    @Test
    void reducerAndItsLinesNeedNoJavaFx() {
        noClasses().should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(new ClassFileImporter().importClasses(TranscriptReducer.class, TranscriptReducer.Listener.class,
                        TranscriptEntry.class));
    }

    private static final class Recorder implements TranscriptReducer.Listener {
        final List<TranscriptEntry> added = new ArrayList<>();
        final List<TranscriptEntry> changed = new ArrayList<>();
        int facts;

        @Override
        public void entryAdded(TranscriptEntry entry) {
            added.add(entry);
        }

        @Override
        public void entriesDropped(List<TranscriptEntry> dropped) {
            added.removeAll(dropped);
        }

        @Override
        public void entryChanged(TranscriptEntry entry) {
            changed.add(entry);
        }

        @Override
        public void factsChanged() {
            facts++;
        }

        @Override
        public void latencyAdded(TurnLatency latency) {
        }

        @Override
        public void draftChanged() {
        }
    }
}
