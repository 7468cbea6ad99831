package app.switchboard.cluster;

import java.time.Duration;

/**
 * How one node takes part in the cluster. The timings bound what a console sees: a node that
 * stops is marked lost within {@code heartbeatTtl + heartbeatEvery} (plus one stream read); a
 * command to an unreachable owner is refused after {@code commandTimeout}.
 *
 * @param prefix           first part of every key, so clusters (and tests) can share one Redis
 * @param nodeId           this node's name in the index, the heartbeat and the command streams
 * @param eventBuffer      events kept for Redis while it is unreachable; beyond that the oldest are
 *                         dropped from the buffer (counted) — the node's own store keeps all of them
 * @param callStreamMaxLen per-call stream length (approximate trimming): the window a node that
 *                         joins late can backfill from
 * @param allEventsMaxLen  cluster-wide event stream length (approximate trimming): how far a node
 *                         cut off from Redis can catch up
 * @param endedCallKept    how long an ended call stays in the index and its stream in Redis
 */
public record ClusterOptions(String prefix, String nodeId, Duration heartbeatEvery, Duration heartbeatTtl,
                             Duration commandTimeout, Duration leaseTtl, int eventBuffer, long callStreamMaxLen,
                             long allEventsMaxLen, long commandStreamMaxLen, Duration endedCallKept) {

    public static final String DEFAULT_PREFIX = "switchboard";

    public ClusterOptions {
        if (nodeId == null || !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a node id is 1-64 letters, digits, '.', '_' or '-'");
        }
        if (heartbeatTtl.compareTo(heartbeatEvery.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the heartbeat TTL must cover at least two heartbeats");
        }
        if (leaseTtl.compareTo(heartbeatEvery.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("a lease must outlive at least two renewals");
        }
        if (eventBuffer < 1) {
            throw new IllegalArgumentException("the event buffer holds at least one event");
        }
    }

    public static ClusterOptions defaults(String nodeId) {
        return new ClusterOptions(DEFAULT_PREFIX, nodeId, Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(3), Duration.ofSeconds(15), 100_000, 2_000, 200_000, 10_000, Duration.ofHours(1));
    }

    public ClusterOptions withPrefix(String newPrefix) {
        return new ClusterOptions(newPrefix, nodeId, heartbeatEvery, heartbeatTtl, commandTimeout, leaseTtl,
                eventBuffer, callStreamMaxLen, allEventsMaxLen, commandStreamMaxLen, endedCallKept);
    }

    public ClusterOptions withTimings(Duration every, Duration ttl, Duration commands, Duration lease) {
        return new ClusterOptions(prefix, nodeId, every, ttl, commands, lease,
                eventBuffer, callStreamMaxLen, allEventsMaxLen, commandStreamMaxLen, endedCallKept);
    }

    public ClusterOptions withEventBuffer(int capacity) {
        return new ClusterOptions(prefix, nodeId, heartbeatEvery, heartbeatTtl, commandTimeout, leaseTtl,
                capacity, callStreamMaxLen, allEventsMaxLen, commandStreamMaxLen, endedCallKept);
    }
}
