package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.sim.SimulatedCall;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A console that stops reading costs a call nothing: bounded queue, then a resync snapshot. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowConsoleTest {

    private static final int MAX_QUEUED = 64;
    private static final int SAYS = 120;

    @TempDir
    java.nio.file.Path dir;
    private ConsoleHarness harness;

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    private long lastSeq(String callId) {
        return harness.registry.calls().stream().filter(c -> c.callId().equals(callId))
                .mapToLong(CallSummary::eventCount).findFirst().orElse(0);
    }

    /**
     * The embedded console says SAYS long sentences (each a SUPERVISOR_SAY and a FRAME_SENT of
     * 30 000 characters: about 7 MB for each console, far past what socket buffers hold).
     * Returns the milliseconds until the caller has heard the last one.
     */
    private long sayManyAndWaitForTheCaller(SimulatedCall call) {
        String filler = "x".repeat(30_000);
        int mark = call.mark();
        long start = System.nanoTime();
        for (int i = 0; i < SAYS; i++) {
            harness.registry.say(call.callSid(), i + " " + filler);
        }
        call.awaitFrame(mark, f -> f.isText() && f.text().token().startsWith((SAYS - 1) + " "));
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aConsoleThatStopsReadingNeitherDelaysTheCallerNorGrowsItsQueue() throws Exception {
        harness = new ConsoleHarness(dir, new SupervisorHub.Limits(MAX_QUEUED, 256, 10, Duration.ofMinutes(1)));
        String alice = harness.accounts.add("alice");
        String bob = harness.accounts.add("bob");
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> lastSeq(call.callSid()) > 0);
        long alone = sayManyAndWaitForTheCaller(call);

        AtomicInteger mostQueued = new AtomicInteger();
        try (StuckConsole stuck = new StuckConsole(harness.consoleUri(), alice);
             ConsoleHarness.Console reading = harness.console(bob)) {
            reading.client.hello().get(10, TimeUnit.SECONDS);
            await().until(() -> harness.hub.connections() == 2);
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    mostQueued.accumulateAndGet(harness.hub.mostQueued(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000); // sampling, not synchronisation
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            long withStuck = sayManyAndWaitForTheCaller(call);
            watcher.interrupt();
            System.out.printf("caller heard %d long says in %d ms alone, %d ms with a stuck and a reading console%n",
                    SAYS, alone, withStuck);

            // The stuck console read nothing, and was resynced rather than buffered without bound.
            assertThat(stuck.received.get()).isZero();
            await().until(() -> harness.hub.resyncs("alice") >= 1);
            assertThat(mostQueued.get()).isLessThanOrEqualTo(MAX_QUEUED);
            // The reading console catches up with every event exactly once (resync, then resume from the window).
            String id = call.callSid();
            long last = lastSeq(id);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var e = reading.events(id);
                return !e.isEmpty() && e.get(e.size() - 1).seq() >= last;
            });
            var events = reading.events(id);
            long firstSeen = events.get(0).seq();
            long lastSeen = events.get(events.size() - 1).seq();
            assertThat(events.stream().map(CallEvent::seq).toList())
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(firstSeen, lastSeen).boxed().toList());
            // Generous: the call's work does not wait for consoles; on a shared 2-core machine only a gross stall fails this.
            assertThat(withStuck).isLessThan(alone * 5 + 5_000);
        }
        call.hangUp().join();
    }
}
