package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallSummary;
import app.switchboard.sim.SimulatedCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A console that lags gets what queued meanwhile in fewer, larger frames ({@code events}
 * messages), still every event exactly once and in order; a console that did not ask for them
 * never gets one.
 */
@Timeout(180)
class BatchedEventsTest {

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

    private void lagBehind(PausedConsole console, SimulatedCall call) {
        // Long sentences fill the socket buffers (their size is the kernel's choice, megabytes on
        // loopback), then the console's queue grows behind the stalled write: keep saying until it has.
        String filler = "x".repeat(30_000);
        AtomicInteger said = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (int k = 0; k < 10; k++) {
                int n = said.getAndIncrement();
                harness.registry.say(call.callSid(), n + " " + filler);
                harness.registry.whisper(call.callSid(), "short note " + n);
            }
            return harness.hub.mostQueued() >= 40;
        });
        console.release();
        String id = call.callSid();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<Long> seen = console.seqs(id);
            return !seen.isEmpty() && seen.get(seen.size() - 1) >= lastSeq(id);
        });
    }

    @Test
    void aLaggingConsoleGetsBatchesWithEveryEventOnceAndInOrder() throws Exception {
        harness = new ConsoleHarness(dir, new SupervisorHub.Limits(100_000, 256, 10, Duration.ofMinutes(1)));
        String alice = harness.accounts.add("alice");
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> lastSeq(call.callSid()) > 0);
        try (PausedConsole console = new PausedConsole(harness.consoleUri(), alice, true)) {
            await().until(() -> harness.hub.connections() == 1);
            lagBehind(console, call);

            List<Long> seen = console.seqs(call.callSid());
            long first = seen.get(0);
            assertThat(seen).isEqualTo(LongStream.rangeClosed(first, seen.get(seen.size() - 1)).boxed().toList());
            assertThat(console.batches.get()).isPositive();
            assertThat(console.frames.get()).isLessThan(console.events.size());
        }
        call.hangUp().join();
    }

    @Test
    void aConsoleThatDidNotAskGetsSingleEventsOnly() throws Exception {
        harness = new ConsoleHarness(dir, new SupervisorHub.Limits(100_000, 256, 10, Duration.ofMinutes(1)));
        String alice = harness.accounts.add("alice");
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> lastSeq(call.callSid()) > 0);
        try (PausedConsole console = new PausedConsole(harness.consoleUri(), alice, false)) {
            await().until(() -> harness.hub.connections() == 1);
            lagBehind(console, call);

            List<Long> seen = console.seqs(call.callSid());
            assertThat(seen).isEqualTo(LongStream.rangeClosed(seen.get(0), seen.get(seen.size() - 1)).boxed().toList());
            assertThat(console.batches.get()).isZero();
        }
        call.hangUp().join();
    }
}
