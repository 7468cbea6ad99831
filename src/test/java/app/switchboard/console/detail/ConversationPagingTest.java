package app.switchboard.console.detail;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/**
 * A live call longer than what the console keeps in memory: the supervisor reads its older part
 * back from a real SQLite history, page by page, in front of the live lines.
 */
@Timeout(60)
class ConversationPagingTest {

    private static final String CALL = "CA-long";
    private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
    /** Turns of the call; each is a caller prompt, a turn start, one token and the turn's end. */
    private static final int TURNS = 400;

    @TempDir
    Path dir;
    private EventStore store;
    private ConversationPaging paging;
    private final SimpleObjectProperty<LiveCall> selected = new SimpleObjectProperty<>();

    @BeforeAll
    static void startFx() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void setUp() throws Exception {
        store = EventStore.open(dir);
        calls().forEach(store::append);
        assertTrue(store.flush(Duration.ofSeconds(10)));
        paging = fx(() -> new ConversationPaging(new StoreCallHistory(store), selected));
    }

    @AfterEach
    void tearDown() throws Exception {
        paging.close();
        store.close();
    }

    @Test
    void theStorePagesBackwardsInSeqOrder() {
        List<CallEvent> page = store.eventsBefore(CALL, 1001, 500);
        assertEquals(500, page.size());
        assertEquals(501, page.get(0).seq());
        assertEquals(1000, page.get(499).seq());
        assertEquals(List.of(1L, 2L), store.eventsBefore(CALL, 3, 500).stream().map(CallEvent::seq).toList());
        assertTrue(store.eventsBefore(CALL, 1, 500).isEmpty());
        assertTrue(store.eventsBefore("CA-unknown", 100, 500).isEmpty());
    }

    @Test
    void olderPagesAppearInFrontUntilTheCallsStart() throws Exception {
        List<CallEvent> all = calls();
        // What a live call's window holds: its newest events only.
        List<CallEvent> window = all.subList(all.size() - 400, all.size());
        long windowStart = window.get(0).seq();
        LiveCall call = fx(() -> {
            LiveCall c = new LiveCall(CALL);
            c.applyAll(window);
            selected.set(c);
            return c;
        });
        assertEquals(windowStart, fx(() -> call.earliestSeqProperty().get()));
        assertTrue(fx(() -> paging.availableProperty().get()), "an older part is offered");
        int before = fx(() -> call.entries().size());
        String firstLive = fx(() -> call.entries().get(0).textProperty().get());

        assertTrue(fx(paging::loadEarlier));
        await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> call.earliestSeqProperty().get()) < windowStart);
        assertEquals(windowStart - ConversationPaging.PAGE, fx(() -> call.earliestSeqProperty().get()));
        int after = fx(() -> call.entries().size());
        assertTrue(after > before, "lines were added: " + before + " -> " + after);
        // In front, in order, and the live lines unchanged behind them.
        assertEquals(firstLive, fx(() -> call.entries().get(after - before).textProperty().get()));
        assertEquals("caller asks question " + firstTurnOf(windowStart - ConversationPaging.PAGE),
                fx(() -> call.entries().get(0).textProperty().get()));

        // Page back to the call's first event; then nothing more is offered.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            fx(paging::loadEarlier);
            return fx(() -> call.earliestSeqProperty().get()) <= 1;
        });
        assertFalse(fx(() -> paging.availableProperty().get()));
        assertEquals("caller asks question 1", fx(() -> call.entries().get(0).textProperty().get()));
        assertEquals(2 * TURNS, fx(() -> call.entries().size()), "every prompt and answer once");
    }

    @Test
    void aCallThatStartsAtSeqOneOffersNothing() throws Exception {
        List<CallEvent> all = calls();
        LiveCall call = fx(() -> {
            LiveCall c = new LiveCall(CALL);
            c.applyAll(all.subList(0, 40));
            selected.set(c);
            return c;
        });
        assertEquals(1, fx(() -> call.earliestSeqProperty().get()));
        assertFalse(fx(() -> paging.availableProperty().get()));
        assertFalse(fx(paging::loadEarlier));
    }

    private static long firstTurnOf(long seq) {
        return (seq - 1) / 4 + 1;
    }

    private static List<CallEvent> calls() {
        List<CallEvent> events = new ArrayList<>();
        long seq = 0;
        for (int turn = 1; turn <= TURNS; turn++) {
            Instant t = T0.plusSeconds(turn * 10L);
            events.add(new CallEvent(CALL, ++seq, t, new EventPayload.Prompt("caller asks question " + turn, "en-US")));
            events.add(new CallEvent(CALL, ++seq, t.plusMillis(100), new EventPayload.TurnStarted(turn, false)));
            events.add(new CallEvent(CALL, ++seq, t.plusMillis(200), new EventPayload.AgentToken(turn, "answer " + turn)));
            events.add(new CallEvent(CALL, ++seq, t.plusMillis(300),
                    new EventPayload.TurnCompleted(turn, "answer " + turn, false, null)));
        }
        return events;
    }

    private static <T> T fx(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }
}
