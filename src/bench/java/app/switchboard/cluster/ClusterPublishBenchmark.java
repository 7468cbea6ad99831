package app.switchboard.cluster;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.EventPayload;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Events per second one node pushes through Redis: the product's {@link EventPublisher} (per-call
 * stream + cluster stream with {@code MAXLEN ~}, index entry per touched call, one pipelined round
 * trip per batch) fed as fast as it takes them, with the mix a call produces (mostly agent
 * tokens). With {@code --nodes N}, N publishers (N connections, as N nodes) share one Redis.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/bench.cp) app.switchboard.cluster.ClusterPublishBenchmark \
 *     --redis redis://127.0.0.1:6379 --events 200000 --calls 1000 --nodes 1
 * </pre>
 */
public final class ClusterPublishBenchmark {

    private ClusterPublishBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String redis = opts.getOrDefault("redis", System.getenv().getOrDefault("SWITCHBOARD_TEST_REDIS", "redis://127.0.0.1:6379"));
        int events = Integer.parseInt(opts.getOrDefault("events", "200000"));
        int calls = Integer.parseInt(opts.getOrDefault("calls", "1000"));
        int nodes = Integer.parseInt(opts.getOrDefault("nodes", "1"));
        String prefix = "bench-" + UUID.randomUUID();
        RedisTarget target = RedisTarget.parse(redis, System.getenv());
        RedisClient client = RedisClient.create(target.redisUri(Duration.ofSeconds(10)));
        try {
            // warm-up: the JIT and Redis's allocator, then measure
            run(client, prefix + "-warm", Math.min(events, 20_000), calls, nodes);
            Result r = run(client, prefix, events, calls, nodes);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                String memory = c.sync().info("memory").lines().filter(l -> l.startsWith("used_memory:"))
                        .findFirst().orElse("?");
                long allLen = c.sync().xlen(new ClusterKeys(prefix).allEvents());
                System.out.printf("nodes=%d events=%d calls=%d: %.0f events/s in total, %.0f events/s per node, "
                                + "%.1f s; cluster stream length %d (MAXLEN ~ %d); Redis %s; %d payload bytes/event on average%n",
                        nodes, r.events, calls, r.events / r.seconds, r.events / r.seconds / nodes, r.seconds, allLen,
                        ClusterOptions.defaults("x").allEventsMaxLen(), memory, r.payloadBytes / r.events);
                // leave nothing behind
                for (String key : c.sync().keys(prefix + "*")) {
                    c.sync().unlink(key);
                }
                for (String key : c.sync().keys(prefix + "-warm*")) {
                    c.sync().unlink(key);
                }
            }
        } finally {
            client.shutdown();
        }
    }

    private record Result(long events, double seconds, long payloadBytes) {
    }

    private static Result run(RedisClient client, String prefix, int events, int calls, int nodes) throws Exception {
        List<EventPublisher> publishers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
        CountDownLatch anyFailure = new CountDownLatch(1);
        for (int n = 0; n < nodes; n++) {
            StatefulRedisConnection<String, String> conn = client.connect();
            connections.add(conn);
            ClusterOptions options = ClusterOptions.defaults("bench-" + n).withPrefix(prefix)
                    .withEventBuffer(events + 1);
            EventPublisher p = new EventPublisher(conn, new ClusterKeys(prefix), options, new EventPublisher.Health() {
                @Override
                public void reachable() {
                }

                @Override
                public void unreachable(Throwable cause) {
                    System.err.println("publish failed: " + cause);
                    anyFailure.countDown();
                }
            });
            publishers.add(p);
            Thread t = new Thread(p, "bench-publisher-" + n);
            t.setDaemon(true);
            threads.add(t);
        }
        long payloadBytes = 0;
        // The events are made before the clock starts: only publishing is measured.
        List<List<CallEvent>> perNode = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            List<CallEvent> list = new ArrayList<>(events / nodes);
            long[] seq = new long[calls];
            Instant now = Instant.now();
            for (int i = 0; i < events / nodes; i++) {
                int call = i % calls;
                String callId = "CA" + n + "x" + call;
                long s = ++seq[call];
                EventPayload payload = i % 10 == 9
                        ? new EventPayload.StateChanged(CallState.LISTENING, CallState.AI_SPEAKING)
                        : new EventPayload.AgentToken(s / 20, " word" + (i % 97));
                list.add(new CallEvent(callId, s, now, payload));
                payloadBytes += app.switchboard.call.EventPayloadJson.encode(payload).length();
            }
            perNode.add(list);
        }
        long total = perNode.stream().mapToLong(List::size).sum();
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        for (int n = 0; n < nodes; n++) {
            EventPublisher p = publishers.get(n);
            for (CallEvent e : perNode.get(n)) {
                p.offer(e);
            }
        }
        for (EventPublisher p : publishers) {
            if (!p.drain(Duration.ofMinutes(5))) {
                throw new IllegalStateException("publishing did not finish in 5 minutes");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        publishers.forEach(EventPublisher::stop);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
        connections.forEach(StatefulRedisConnection::close);
        if (anyFailure.getCount() == 0) {
            throw new IllegalStateException("a batch failed: the figure would include retries");
        }
        return new Result(total, seconds, payloadBytes);
    }
}
