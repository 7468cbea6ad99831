package app.switchboard.cluster;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a benchmark's cluster nodes put through Redis over a window, read from Redis itself, so
 * the relays need no counter of their own: the cluster-wide event stream's entries grouped by
 * their {@code node} field (a stream id is Redis's arrival time in ms, so a time window is an id
 * range), the stream's {@code entries-added} (which trimming does not lower), and Redis's own
 * CPU ({@code INFO cpu}). Uses the product's key layout and address parsing (credentials from
 * the environment, as the nodes take them).
 */
public final class ClusterEventCounter implements AutoCloseable {

    private static final int PAGE = 10_000;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String stream = new ClusterKeys(ClusterOptions.DEFAULT_PREFIX).allEvents();

    private ClusterEventCounter(RedisClient client) {
        this.client = client;
        this.connection = client.connect();
    }

    /** {@code address} as {@code --cluster} takes it ({@code redis://HOST:PORT}). */
    public static ClusterEventCounter connect(String address) {
        RedisClient client = RedisClient.create(RedisTarget.parse(address, System.getenv()).redisUri(Duration.ofSeconds(10)));
        try {
            return new ClusterEventCounter(client);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A point in time on Redis's clock, with what the stream had taken and Redis had spent by then. */
    public record Mark(long millis, long entriesAdded, double cpuSeconds) {
    }

    /**
     * The window's figures.
     *
     * @param byNode       cluster stream entries with an id inside the window, by publishing node
     * @param entriesAdded entries the stream took between the two marks, from every node
     * @param cpuSeconds   Redis's user + system CPU between the marks
     * @param trimmed      the stream's oldest entry is newer than the window's start and fewer entries
     *                     were found than were added: {@code MAXLEN ~} trimmed part of the window away
     */
    public record Window(Map<String, Long> byNode, long entriesAdded, double cpuSeconds, boolean trimmed) {
        public long counted() {
            return byNode.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public Mark mark() {
        RedisCommands<String, String> redis = connection.sync();
        List<String> time = redis.time();
        long millis = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
        return new Mark(millis, entriesAdded(redis), cpuSeconds(redis.info("cpu")));
    }

    public Window between(Mark start, Mark end) {
        RedisCommands<String, String> redis = connection.sync();
        Map<String, Long> byNode = new TreeMap<>();
        String from = start.millis() + "-0";
        String to = Long.toString(end.millis()); // an id without its sequence part ends at that ms's last entry
        while (true) {
            List<StreamMessage<String, String>> page = redis.xrange(stream, Range.create(from, to), Limit.from(PAGE));
            for (StreamMessage<String, String> m : page) {
                byNode.merge(m.getBody().getOrDefault("node", "?"), 1L, Long::sum);
            }
            if (page.size() < PAGE) {
                break;
            }
            from = after(page.get(page.size() - 1).getId());
        }
        long added = end.entriesAdded() - start.entriesAdded();
        List<StreamMessage<String, String>> oldest = redis.xrange(stream, Range.create("-", "+"), Limit.from(1));
        long counted = byNode.values().stream().mapToLong(Long::longValue).sum();
        boolean trimmed = !oldest.isEmpty() && millisOf(oldest.get(0).getId()) > start.millis() && counted < added;
        return new Window(byNode, added, end.cpuSeconds() - start.cpuSeconds(), trimmed);
    }

    /** The next possible id after {@code id} ({@code ms-seq}): XRANGE's start is inclusive. */
    static String after(String id) {
        int dash = id.indexOf('-');
        return id.substring(0, dash) + "-" + (Long.parseLong(id.substring(dash + 1)) + 1);
    }

    static long millisOf(String id) {
        return Long.parseLong(id.substring(0, id.indexOf('-')));
    }

    /** {@code entries-added} of XINFO STREAM (Redis 7); 0 while the stream does not exist yet. */
    private long entriesAdded(RedisCommands<String, String> redis) {
        List<Object> info;
        try {
            info = redis.xinfoStream(stream);
        } catch (RedisCommandExecutionException noSuchKey) {
            return 0;
        }
        for (int i = 0; i + 1 < info.size(); i += 2) {
            if ("entries-added".equals(String.valueOf(info.get(i))) && info.get(i + 1) instanceof Number n) {
                return n.longValue();
            }
        }
        throw new IllegalStateException("XINFO STREAM gave no entries-added (Redis older than 7.0?): " + info);
    }

    /** {@code used_cpu_sys + used_cpu_user} of an {@code INFO cpu} answer, in seconds. */
    static double cpuSeconds(String info) {
        double seconds = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return seconds;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
