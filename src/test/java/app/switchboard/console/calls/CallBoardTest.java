package app.switchboard.console.calls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.console.EventStream;
import app.switchboard.console.ScriptedCallers;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallBoardTest {

    private final ScriptedCallers callers = new ScriptedCallers(0);
    private final CallBoard board = new CallBoard(callers.registry);

    @AfterEach
    void close() {
        callers.close();
    }

    @Test
    void flaggedCallsSortFirst() {
        EventStream first = new EventStream("CA1");
        EventStream second = new EventStream("CA2");
        board.apply(first.started("+1111").take());
        board.apply(second.started("+2222").take());
        assertEquals(List.of("CA1", "CA2"), ids());

        board.apply(second.prompt("I want a human")
                .add(EventKind.ATTENTION, "reason", "HUMAN_REQUESTED", "label", "asked for a person").take());

        assertEquals(List.of("CA2", "CA1"), ids());
    }

    @Test
    void endedCallsSortLast() {
        board.apply(new EventStream("CA1").started("+1").add(EventKind.CALL_ENDED, "reason", "completed").take());
        board.apply(new EventStream("CA2").started("+2").take());

        assertEquals(List.of("CA2", "CA1"), ids());
        assertEquals(1, board.liveCountProperty().get());
    }

    @Test
    void callsThatExistedBeforeTheConsoleOpenedArriveWithTheirHistory() {
        callers.connect("CA7", "+15550007");
        callers.send("CA7", new app.switchboard.protocol.InboundMessage.Prompt("what are your hours", "en-US", true));
        await().until(() -> callers.registry.events("CA7").stream().anyMatch(e -> e.kind() == EventKind.TURN_COMPLETED));

        board.loadExisting();

        LiveCall call = board.find("CA7");
        assertEquals("+15550007", call.callerProperty().get());
        assertEquals("what are your hours", call.entries().stream()
                .filter(e -> e.kind() == ConversationEntry.Kind.CALLER).findFirst().orElseThrow().text());
    }

    @Test
    void joiningMidCallFetchesTheEarlierEventsOnce() {
        ConcurrentLinkedQueue<CallEvent> late = new ConcurrentLinkedQueue<>();
        callers.connect("CA8", "+15550008");
        await().until(() -> callers.registry.events("CA8").stream().anyMatch(e -> e.kind() == EventKind.SETUP));
        callers.registry.subscribe(late::add);
        callers.send("CA8", new app.switchboard.protocol.InboundMessage.Dtmf("7"));
        await().until(() -> late.stream().anyMatch(e -> e.kind() == EventKind.TURN_COMPLETED));

        board.apply(List.copyOf(late));

        LiveCall call = board.find("CA8");
        assertEquals("+15550008", call.callerProperty().get(), "the setup came from the fetched history");
        assertEquals(1, call.entries().stream().filter(e -> e.kind() == ConversationEntry.Kind.DTMF).count());
    }

    private List<String> ids() {
        return board.sortedCalls().stream().map(LiveCall::callId).toList();
    }

    @Test
    void onlyTheMostRecentEndedCallsStayListed() {
        for (int i = 0; i < CallBoard.MAX_ENDED_SHOWN + 5; i++) {
            board.apply(new EventStream("CA" + i).started("+1").add(EventKind.CALL_ENDED, "reason", "completed").take());
        }
        board.apply(new EventStream("LIVE").started("+2").take());

        assertEquals(CallBoard.MAX_ENDED_SHOWN + 1, board.size());
        assertEquals(null, board.find("CA0"));
        assertEquals("LIVE", board.sortedCalls().get(0).callId());
    }
}
