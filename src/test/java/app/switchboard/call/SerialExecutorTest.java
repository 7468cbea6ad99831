package app.switchboard.call;

import app.switchboard.concurrent.Threads;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SerialExecutorTest {

    private final List<ExecutorService> pools = new ArrayList<>();

    private ExecutorService pool(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, Threads.numbered("test-call-"));
        pools.add(pool);
        return pool;
    }

    @AfterEach
    void shutdown() {
        pools.forEach(ExecutorService::shutdownNow);
    }

    /** Occupies the pool's only thread until released, so work can be queued up behind it. */
    private static CountDownLatch block(ExecutorService pool) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        return release;
    }

    @Test
    void tasksRunInSubmissionOrderOneAtATimeOnAPoolOfManyThreads() {
        SerialExecutor serial = new SerialExecutor(pool(4));
        List<Integer> ran = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        int count = 2000;
        for (int i = 0; i < count; i++) {
            int n = i;
            serial.execute(() -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                ran.add(n);
                running.decrementAndGet();
            });
        }
        await().until(() -> ran.size() == count);
        assertEquals(IntStream.range(0, count).boxed().toList(), ran);
        assertEquals(1, mostAtOnce.get(), "never two tasks of one executor at once");
    }

    @Test
    void aLongQueueDoesNotStarveAnotherExecutorOnTheSharedPool() throws Exception {
        ExecutorService shared = pool(1);
        SerialExecutor busy = new SerialExecutor(shared);
        SerialExecutor quiet = new SerialExecutor(shared);
        List<String> ran = new CopyOnWriteArrayList<>();
        int busyTasks = 500;
        CountDownLatch release = block(shared);
        for (int i = 0; i < busyTasks; i++) {
            busy.execute(() -> ran.add("busy"));
        }
        quiet.execute(() -> ran.add("quiet"));
        release.countDown();

        await().until(() -> ran.size() == busyTasks + 1);
        int quietAt = ran.indexOf("quiet");
        assertTrue(quietAt > 0 && quietAt < busyTasks / 2,
                "the quiet call ran after one bounded batch of the busy one, not after all of it: at " + quietAt);
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() {
        SerialExecutor serial = new SerialExecutor(pool(2));
        List<String> ran = new CopyOnWriteArrayList<>();
        serial.execute(() -> ran.add("before"));
        serial.execute(() -> {
            throw new IllegalStateException("a bug in one event handler");
        });
        serial.execute(() -> {
            throw new AssertionError("an Error, not an exception");
        });
        serial.execute(() -> ran.add("after"));
        await().until(() -> ran.size() == 2);
        assertEquals(List.of("before", "after"), ran);
    }

    @Test
    void inExecutorIsTrueOnlyInsideItsOwnTasks() {
        ExecutorService shared = pool(1);
        SerialExecutor mine = new SerialExecutor(shared);
        SerialExecutor other = new SerialExecutor(shared);
        List<Boolean> seen = new CopyOnWriteArrayList<>();
        mine.execute(() -> {
            seen.add(mine.inExecutor());
            seen.add(other.inExecutor());
        });
        await().until(() -> seen.size() == 2);
        assertEquals(List.of(true, false), seen);
        assertFalse(mine.inExecutor(), "not from the test thread");
    }

    @Test
    void afterThePoolShutsDownNewTasksAreDroppedWithoutAnException() throws Exception {
        ExecutorService shared = pool(1);
        SerialExecutor serial = new SerialExecutor(shared);
        AtomicBoolean ran = new AtomicBoolean();
        shared.shutdown();
        assertTrue(shared.awaitTermination(10, TimeUnit.SECONDS));

        assertDoesNotThrow(() -> serial.execute(() -> ran.set(true)), "a late event during shutdown is no crash");
        assertDoesNotThrow(() -> serial.execute(() -> ran.set(true)), "nor is the one after it");
        assertFalse(ran.get());
    }

    @Test
    void workQueuedWhenThePoolShutsDownEndsAfterTheCurrentBatch() throws Exception {
        ExecutorService shared = pool(1);
        SerialExecutor serial = new SerialExecutor(shared);
        AtomicInteger ran = new AtomicInteger();
        int queued = 1000;
        CountDownLatch release = block(shared);
        for (int i = 0; i < queued; i++) {
            serial.execute(ran::incrementAndGet);
        }
        shared.shutdown(); // the drain already in the pool's queue still runs; its next batch is refused
        release.countDown();

        assertTrue(shared.awaitTermination(10, TimeUnit.SECONDS), "the pool stops: the refused reschedule is swallowed");
        assertTrue(ran.get() > 0 && ran.get() < queued, "one batch ran, the rest was dropped: " + ran.get());
    }
}
