package app.switchboard.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.ChatMessage;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.SentFrames;
import app.switchboard.protocol.InboundMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller talking over the agent, with the answer streamed at a speaking-like pace. */
class BargeInTest {

    private static final String QUESTION = "I have a question about my bill";
    private static final String BILL_REPLY = OfflineResponder.reply(List.of(ChatMessage.user(QUESTION)));

    @TempDir
    Path dataDir;
    private RelayHarness harness;

    @BeforeEach
    void start() throws Exception {
        // Ten tokens a second: the bill answer takes a few seconds, so it is cut mid-stream.
        harness = new RelayHarness(dataDir, 10);
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void interruptMidAnswerStopsTheStreamAndTheNextPromptIsAnswered() {
        SimulatedCall call = harness.caller().build().open();
        int mark = call.mark();
        call.say(QUESTION, "en-US");
        call.awaitFrame(mark, SimulatedCall.Frame::isText);
        await().until(() -> !call.heard().isEmpty());
        InboundMessage.Interrupt interrupt = call.bargeIn();

        String callSid = call.callSid();
        CallEvent interrupted = await().until(() -> harness.events(callSid, EventKind.TURN_INTERRUPTED),
                l -> !l.isEmpty()).get(0);
        int beforeNext = call.mark();
        call.say("What are your opening hours", "en-US");
        await().until(() -> !harness.events(callSid, EventKind.TURN_COMPLETED).isEmpty());

        // The relay's own record: not one text frame between the interrupt and the next prompt.
        List<CallEvent> events = harness.events(callSid);
        long interruptSeq = harness.events(callSid, EventKind.INTERRUPT).get(0).seq();
        long nextPromptSeq = harness.events(callSid, EventKind.PROMPT).get(1).seq();
        List<CallEvent> sentBetween = events.stream()
                .filter(e -> e.seq() > interruptSeq && e.seq() < nextPromptSeq)
                .filter(e -> SentFrames.frameOf(e.payload()) != null && SentFrames.frameOf(e.payload()).contains("\"type\":\"text\"")).toList();
        assertTrue(sentBetween.isEmpty(), "text sent after the interrupt: " + sentBetween);
        assertTrue(harness.events(callSid, EventKind.TURN_COMPLETED).stream().noneMatch(e -> e.as(EventPayload.TurnCompleted.class).turn() == 1),
                "the interrupted turn never completes");

        // The caller's side: the first answer stops short of its end, with no last:true; the second is whole.
        long firstTurnFrames = events.stream().filter(e -> e.seq() < interruptSeq)
                .filter(e -> SentFrames.frameOf(e.payload()) != null && SentFrames.frameOf(e.payload()).contains("\"type\":\"text\"")).count();
        SimulatedCall.Turn second = call.awaitTurn(beforeNext);
        List<SimulatedCall.Frame> text = call.received().stream().filter(SimulatedCall.Frame::isText).toList();
        List<SimulatedCall.Frame> first = text.subList(0, (int) firstTurnFrames);
        String firstText = first.stream().map(f -> f.text().token()).collect(Collectors.joining());
        assertTrue(first.stream().noneMatch(SimulatedCall.Frame::endsTurn));
        assertTrue(BILL_REPLY.startsWith(firstText) && firstText.length() < BILL_REPLY.length(),
                "cut mid-answer: " + firstText);
        String secondText = text.subList((int) firstTurnFrames, text.size()).stream()
                .map(f -> f.text().token()).collect(Collectors.joining());
        assertTrue(secondText.startsWith("We are open"), secondText);
        assertTrue(second.text().endsWith(secondText.substring(secondText.length() - 10)));

        // What the relay keeps as heard is what the caller reported hearing.
        String heard = interrupted.as(EventPayload.TurnInterrupted.class).heard().strip();
        assertFalse(interrupt.utteranceUntilInterrupt().isEmpty());
        assertTrue(heard.startsWith(interrupt.utteranceUntilInterrupt()),
                "relay heard '" + heard + "', caller heard '" + interrupt.utteranceUntilInterrupt() + "'");
        assertTrue(BILL_REPLY.startsWith(interrupted.as(EventPayload.TurnInterrupted.class).heard()));
    }

    @Test
    void bargeInReportsWhatWasHeardAtTheSpeakingRate() {
        SimulatedCall call = harness.caller().build().open();
        int mark = call.mark();
        call.say(QUESTION, "en-US");
        SimulatedCall.Frame firstToken = call.awaitFrame(mark, SimulatedCall.Frame::isText);
        await().until(() -> call.heard().split(" ").length >= 2);
        long before = System.nanoTime();
        InboundMessage.Interrupt interrupt = call.bargeIn();

        // At 15 characters a second from the first token, no more can have been heard than that.
        long elapsedMs = (before - firstToken.nanos()) / 1_000_000 + 1;
        String heard = interrupt.utteranceUntilInterrupt();
        assertTrue(BILL_REPLY.startsWith(heard), heard);
        assertTrue(heard.length() <= elapsedMs * 15 / 1000 + 1, heard + " after " + elapsedMs + " ms");
        assertTrue(interrupt.durationUntilInterruptMs() >= heard.length() * 1000L / 15 - 1, interrupt.toString());
        assertEquals("", call.heard(), "the queue is purged");
    }
}
