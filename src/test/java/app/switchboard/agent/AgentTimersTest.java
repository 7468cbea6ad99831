package app.switchboard.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AgentTimersTest {

    @Test
    void closingTheFactoryStopsItsTimerThreadAndDropsPendingTimers() throws Exception {
        CallAgent.Factory factory = ConversationAgent.factory(new SilentModel(), AgentSettings.defaults());
        AgentTimers timers = ((ConversationAgent.Agents) factory).timers;
        AtomicBoolean ran = new AtomicBoolean();
        timers.schedule(() -> ran.set(true), 1, TimeUnit.HOURS);
        assertEquals(1, timers.threads());

        assertInstanceOf(AutoCloseable.class, factory).close();

        await().atMost(Duration.ofSeconds(5)).until(timers::isClosed);
        assertEquals(0, timers.threads());
        assertTrue(!ran.get());
    }

    @Test
    void aTimerAskedForAfterCloseIsNotScheduled() {
        AgentTimers timers = new AgentTimers();
        timers.close();
        assertNull(timers.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
        assertNull(timers.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.MILLISECONDS));
    }

    @Test
    void theThreadIsANamedDaemonThatEndsWhenIdleAndComesBackForTheNextTimer() throws Exception {
        try (AgentTimers timers = new AgentTimers(Duration.ofMillis(50))) {
            CompletableFuture<Thread> first = new CompletableFuture<>();
            timers.schedule(() -> first.complete(Thread.currentThread()), 1, TimeUnit.MILLISECONDS);
            Thread thread = first.get(5, TimeUnit.SECONDS);
            assertEquals("agent-timer", thread.getName());
            assertTrue(thread.isDaemon());

            await().atMost(Duration.ofSeconds(5)).until(() -> timers.threads() == 0);

            CountDownLatch second = new CountDownLatch(1);
            timers.schedule(second::countDown, 1, TimeUnit.MILLISECONDS);
            assertTrue(second.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void anIdleTimeoutDoesNotEndTheThreadWhileATimerIsPending() throws Exception {
        try (AgentTimers timers = new AgentTimers(Duration.ofMillis(10))) {
            CountDownLatch fired = new CountDownLatch(1);
            // Pending ten idle periods: the only thread must stay to run it.
            timers.schedule(fired::countDown, 100, TimeUnit.MILLISECONDS);
            assertTrue(fired.await(5, TimeUnit.SECONDS));
        }
    }

    /** A model that is never asked: the factory does not call it until an agent runs a turn. */
    private static final class SilentModel implements LlmClient {
        @Override
        public String describe() {
            return "silent";
        }

        @Override
        public Stream stream(Request request, Listener listener) {
            return () -> { };
        }
    }
}
