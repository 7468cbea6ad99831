package app.switchboard.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ThreadsTest {

    @Test
    void numberedThreadsAreNamedInOrderAndDaemonByDefault() {
        ThreadFactory factory = Threads.numbered("pool-x-");
        Thread first = factory.newThread(() -> { });
        Thread second = factory.newThread(() -> { });
        assertThat(first.getName()).isEqualTo("pool-x-1");
        assertThat(second.getName()).isEqualTo("pool-x-2");
        assertThat(first.isDaemon()).isTrue();
        assertThat(Threads.numbered("kept-", false).newThread(() -> { }).isDaemon()).isFalse();
        assertThat(Threads.named("single").newThread(() -> { }).getName()).isEqualTo("single");
    }

    @Test
    void anUncaughtExceptionIsHandedToTheLoggingHandlerNotTheDefault() {
        Thread t = Threads.unstarted("failing", () -> { throw new IllegalStateException("boom"); }, true);
        assertThat(t.getUncaughtExceptionHandler()).isNotSameAs(t.getThreadGroup());
        assertThat(t.isAlive()).isFalse();
    }

    @Test
    void shutdownWaitsForRunningWorkAndReportsWhetherItFinished() throws Exception {
        ExecutorService quick = Executors.newSingleThreadExecutor(Threads.named("quick"));
        CountDownLatch ran = new CountDownLatch(1);
        quick.submit(ran::countDown);
        assertThat(Threads.shutdown(quick, Duration.ofSeconds(5))).isTrue();
        assertThat(ran.await(0, TimeUnit.SECONDS)).isTrue();

        ExecutorService stuck = Executors.newSingleThreadExecutor(Threads.named("stuck"));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        stuck.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        started.await();
        assertThat(Threads.shutdown(stuck, Duration.ofMillis(50))).isFalse();
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the stuck task is interrupted").isTrue();
        assertThat(stuck.isShutdown()).isTrue();
    }
}
