package app.switchboard.store;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast the store writes, and what each event costs. Not a test: numbers go into
 * docs/store.md with the command that produced them.
 *
 * <ol>
 *   <li>Burst: producer threads append as fast as they can; events/s written until the last
 *       commit, the caller's cost per append, and the writer's CPU and wall time per event.</li>
 *   <li>Paced: a realistic load (calls streaming tokens at a speaking pace); how far behind
 *       the file is (append to committed), p50/p99/max.</li>
 * </ol>
 * Each runs with synchronous=NORMAL (the default: safe against a crash of the app) and FULL
 * (safe against power loss).
 */
public final class StoreBenchmark {

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
        int calls = 100;
        System.out.printf("java %s, %d cores, %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"));
        for (boolean full : new boolean[] {false, true}) {
            burst(events, calls, 4, full);
            paced(calls, 30, Duration.ofSeconds(10), full);
        }
    }

    private static CallEvent token(String callId, long seq, int turn) {
        if (seq % 2 == 0) {
            return new CallEvent(callId, seq, Instant.now(), new EventPayload.AgentToken(turn, "word" + seq + " "));
        }
        return new CallEvent(callId, seq, Instant.now(), new EventPayload.FrameSent("text",
                "{\"type\":\"text\",\"token\":\"word" + seq + " \",\"last\":false,\"preemptible\":true}"));
    }

    private static void burst(int total, int calls, int threads, boolean full) throws Exception {
        Path dir = Files.createTempDirectory("store-bench");
        EventStore.Options options = EventStore.Options.defaults().withSyncFull(full).withBufferCapacity(total + 1);
        try (EventStore store = EventStore.open(dir, options)) {
            warmUp(store);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long writerId = writerThreadId();
            long writerCpu0 = mx.getThreadCpuTime(writerId);
            EventStore.Stats s0 = store.stats();
            CountDownLatch go = new CountDownLatch(1);
            AtomicLong appendNanos = new AtomicLong();
            List<Thread> producers = new ArrayList<>();
            int perThread = total / threads;
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread p = new Thread(() -> {
                    long[] seqs = new long[calls];
                    long spent = 0;
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        int call = (i % (calls / threads)) * threads + thread; // each call on one thread, as in the relay
                        CallEvent e = token("CAburst" + call, ++seqs[call], 1);
                        long a = System.nanoTime();
                        store.append(e);
                        spent += System.nanoTime() - a;
                    }
                    appendNanos.addAndGet(spent);
                });
                p.start();
                producers.add(p);
            }
            long start = System.nanoTime();
            go.countDown();
            for (Thread p : producers) {
                p.join();
            }
            long produced = System.nanoTime() - start;
            if (!store.flush(Duration.ofMinutes(5))) {
                throw new IllegalStateException("not flushed");
            }
            long elapsed = System.nanoTime() - start;
            EventStore.Stats s = store.stats();
            long written = s.written() - s0.written();
            long writerCpu = mx.getThreadCpuTime(writerId) - writerCpu0;
            System.out.printf("burst  sync=%-6s %,d events from %d threads: %,.0f events/s written;"
                            + " append %.0f ns/event on the call's thread; writer CPU %.1f us/event,"
                            + " commit wall %.1f us/event; %,d commits, %.0f events/commit on average, largest %,d;"
                            + " producers done after %.0f ms, last commit after %.0f ms; file %,d KB%n",
                    full ? "FULL" : "NORMAL", written, producers.size(), written / (elapsed / 1e9),
                    appendNanos.get() / (double) (perThread * threads), writerCpu / 1e3 / written,
                    (s.commitNanos() - s0.commitNanos()) / 1e3 / written, s.commits() - s0.commits(),
                    written / (double) (s.commits() - s0.commits()), s.largestBatch(), produced / 1e6, elapsed / 1e6,
                    size(dir) / 1024);
        } finally {
            delete(dir);
        }
    }

    private static void paced(int calls, int tokensPerSecond, Duration length, boolean full) throws Exception {
        Path dir = Files.createTempDirectory("store-bench");
        try (EventStore store = EventStore.open(dir, EventStore.Options.defaults().withSyncFull(full))) {
            warmUp(store);
            // Each token is two events (the token and its frame); all calls tick together every 1/rate s.
            long tickNanos = 1_000_000_000L / tokensPerSecond;
            long[] seqs = new long[calls];
            List<Long> lags = new ArrayList<>();
            long end = System.nanoTime() + length.toNanos();
            long next = System.nanoTime();
            while (next < end) {
                for (int c = 0; c < calls; c++) {
                    store.append(token("CApaced" + c, ++seqs[c], 1));
                    store.append(token("CApaced" + c, ++seqs[c], 1));
                }
                long t = System.nanoTime();
                store.flush(Duration.ofSeconds(10)); // how long until this tick is on disk
                lags.add(System.nanoTime() - t);
                next += tickNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("paced  sync=%-6s %d calls x %d tokens/s (%,d events/s): committed %.2f ms after append (p50),"
                            + " %.2f ms (p99), %.2f ms (max) over %,d ticks%n",
                    full ? "FULL" : "NORMAL", calls, tokensPerSecond, calls * tokensPerSecond * 2,
                    pct(sorted, 50), pct(sorted, 99), sorted[sorted.length - 1] / 1e6, sorted.length);
        } finally {
            delete(dir);
        }
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static void warmUp(EventStore store) throws InterruptedException {
        for (int i = 1; i <= 20_000; i++) {
            store.append(token("CAwarm" + (i % 10), i, 1));
        }
        store.flush(Duration.ofMinutes(1));
    }

    private static long writerThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("event-store-writer"))
                .max(Comparator.comparingLong(Thread::getId)).orElseThrow().getId();
    }

    private static long size(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

}
