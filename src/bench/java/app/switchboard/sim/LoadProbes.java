package app.switchboard.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@link LoadGenerator} measures of the machine and this JVM beside the calls: each Java
 * thread's CPU, split into the relay's and the simulator's, and the scheduler's own lateness.
 */
final class LoadProbes {

    private LoadProbes() {
    }

    /**
     * A control for the machine, not the relay: a thread that asks to wake every millisecond and
     * records how late it woke. On a shared, overloaded machine this lateness, not the relay,
     * sets the floor of every latency above.
     */
    static final class SchedulerProbe {
        final LatencyStats lateness = new LatencyStats();
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::loop, "load-probe");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        private void loop() {
            while (running) {
                long before = System.nanoTime();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                lateness.add(Math.max(0, System.nanoTime() - before - 1_000_000L));
            }
        }
    }

    record ThreadCpu(String name, long nanos) {
    }

    static Map<Long, ThreadCpu> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, ThreadCpu> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), new ThreadCpu(info.getThreadName(), nanos));
            }
        }
        return cpu;
    }

    /** CPU spent by the simulator's own threads vs every other Java thread (the relay's) during the run. */
    static void splitCpu(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, LoadReport report) {
        for (Map.Entry<Long, ThreadCpu> e : after.entrySet()) {
            ThreadCpu was = before.get(e.getKey());
            long delta = e.getValue().nanos() - (was == null ? 0 : was.nanos());
            String name = e.getValue().name();
            if (name.startsWith("relay") || name.startsWith("call-") || name.startsWith("offline-responder")
                    || name.startsWith("agent-")) {
                report.relayCpuNanos += delta;
            } else if (name.startsWith("sim-client") || name.startsWith("load-") || name.equals("main")
                    || name.startsWith("HttpClient") || name.startsWith("CompletableFutureDelayScheduler")) {
                report.simulatorCpuNanos += delta;
            } else {
                report.otherCpuNanos += delta;
                report.otherThreads.merge(name.replaceAll("[-@#]?[0-9a-f]{4,}.*|-?\\d+$", ""), delta, Long::sum);
            }
        }
    }
}
