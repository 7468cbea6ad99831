package app.switchboard.console;

import app.switchboard.history.CallHistory;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real calls recorded in a real store: {@link ScriptedCallers} (a real CallRegistry with the
 * offline responder over in-memory connections) attached to an {@link EventStore} in a folder.
 * For the History view's tests.
 */
public final class RecordedCalls implements AutoCloseable {

    public static final String SUPERVISOR_WORDS = "A colleague will call you back tomorrow.";

    public final ScriptedCallers callers;
    public final EventStore store;
    /** Every event as published to listeners (what the console's pump receives). */
    private final List<CallEvent> published = new CopyOnWriteArrayList<>();

    public RecordedCalls(Path dir) {
        this(dir, EventStore.Options.defaults());
    }

    public RecordedCalls(Path dir, EventStore.Options options) {
        callers = new ScriptedCallers(0);
        callers.registry.subscribe(published::add);
        store = EventStore.open(dir, options).attach(callers.registry);
    }

    public CallHistory history() {
        return new StoreCallHistory(store);
    }

    /**
     * One whole call: the caller asks, the AI answers, the caller barges into a second answer
     * (its rest unheard), the supervisor takes over, says a line, hands back and ends the call.
     */
    public void record(String callSid, String from, String question) {
        callers.connect(callSid, from);
        callers.send(callSid, new InboundMessage.Prompt(question, "en-US", true));
        awaitEvent(callSid, EventKind.TURN_COMPLETED, 1);
        int frames = callers.connection(callSid).raw.size();
        callers.send(callSid, new InboundMessage.Prompt("and what about roaming charges", "en-US", true));
        awaitEvent(callSid, EventKind.TURN_COMPLETED, 2);
        callers.bargeIn(callSid, frames);
        awaitEvent(callSid, EventKind.TURN_INTERRUPTED, 1);
        callers.registry.takeOver(callSid);
        awaitEvent(callSid, EventKind.SUPERVISOR_TAKEOVER, 1);
        callers.registry.say(callSid, SUPERVISOR_WORDS);
        awaitEvent(callSid, EventKind.SUPERVISOR_SAY, 1);
        callers.registry.release(callSid);
        awaitEvent(callSid, EventKind.SUPERVISOR_RELEASE, 1);
        callers.registry.end(callSid, "caller satisfied", false);
        awaitEvent(callSid, EventKind.SUPERVISOR_END, 1);
        callers.hangUp(callSid);
        awaitEvent(callSid, EventKind.CALL_ENDED, 1);
    }

    public List<CallEvent> liveEvents(String callSid) {
        return published.stream().filter(e -> e.callId().equals(callSid)).toList();
    }

    /** Everything recorded so far is in the file. */
    public void flushed() throws InterruptedException {
        if (!store.flush(Duration.ofSeconds(30))) {
            throw new AssertionError("store not flushed in time");
        }
    }

    private void awaitEvent(String callSid, EventKind kind, int atLeast) {
        await().atMost(Duration.ofSeconds(20)).until(() -> liveEvents(callSid).stream()
                .filter(e -> e.kind() == kind).count() >= atLeast);
    }

    @Override
    public void close() {
        callers.close();
        store.close();
    }
}
