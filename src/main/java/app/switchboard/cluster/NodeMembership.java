package app.switchboard.cluster;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventPayload;
import io.lettuce.core.SetArgs;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes are alive: this node's heartbeat (a key with a TTL, on Redis's clock) and its
 * entries in the call index, every node's entries read into the view, and the nodes that stopped
 * heart-beating. A lost node's live calls are marked "relay node lost" by one node (elected with
 * {@code SET NX}); the mark is an event on the call's stream, so every console shows the same.
 * Runs on the node's timer thread; {@link #lostNodes()} is read from any thread.
 */
final class NodeMembership {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);

    private final ClusterOptions options;
    private final ClusterKeys keys;
    private final Clock clock;
    private final StatefulRedisConnection<String, String> shared;
    private final EventPublisher publisher;
    private final ClusterView view;
    /** Set when Redis may have lost this node's index entries (it restarted, or was away): they are written again. */
    private final AtomicBoolean refreshIndex;
    private volatile Set<String> lostNodes = Set.of();

    NodeMembership(ClusterOptions options, ClusterKeys keys, Clock clock, StatefulRedisConnection<String, String> shared,
                   EventPublisher publisher, ClusterView view, AtomicBoolean refreshIndex) {
        this.options = options;
        this.keys = keys;
        this.clock = clock;
        this.shared = shared;
        this.publisher = publisher;
        this.view = view;
        this.refreshIndex = refreshIndex;
    }

    Set<String> lostNodes() {
        return lostNodes;
    }

    void heartbeat() {
        RedisAsyncCommands<String, String> redis = shared.async();
        await(redis.set(keys.heartbeat(options.nodeId()), clock.instant().toString(),
                SetArgs.Builder.px(options.heartbeatTtl().toMillis())));
        // Liveness is the key's TTL (Redis's clock); the score only says when a lost node may be forgotten.
        redis.zadd(keys.nodes(), clock.millis(), options.nodeId());
        redis.del(keys.nodeLost(options.nodeId()));
    }

    /** The index: ours written again when Redis may have lost it, everyone's read into the view; node loss. */
    void refresh() {
        RedisAsyncCommands<String, String> redis = shared.async();
        if (refreshIndex.getAndSet(false)) {
            Map<String, String> ours = publisher.indexEntries();
            if (!ours.isEmpty()) {
                try {
                    await(redis.hset(keys.callIndex(), ours));
                } catch (RuntimeException e) {
                    refreshIndex.set(true);
                    throw e;
                }
            }
        }
        List<String> forgotten = publisher.forgetEndedBefore(clock.instant().minus(options.endedCallKept()));
        if (!forgotten.isEmpty()) {
            redis.hdel(keys.callIndex(), forgotten.toArray(new String[0]));
        }
        Map<String, String> raw = await(redis.hgetall(keys.callIndex()));
        Map<String, StreamCodec.IndexEntry> index = new LinkedHashMap<>();
        List<String> lostLongAgo = new ArrayList<>();
        Instant oldest = clock.instant().minus(options.endedCallKept());
        raw.forEach((id, json) -> {
            StreamCodec.IndexEntry entry = StreamCodec.index(id, json);
            if (entry == null) {
                return;
            }
            if (entry.lost() && entry.summary().endedAt() != null && entry.summary().endedAt().isBefore(oldest)) {
                lostLongAgo.add(id); // its owner is gone and will not forget it: any node may (HDEL is idempotent)
            } else {
                index.put(id, entry);
            }
        });
        if (!lostLongAgo.isEmpty()) {
            redis.hdel(keys.callIndex(), lostLongAgo.toArray(new String[0]));
        }
        view.applyIndex(index);
        detectLostNodes(index);
    }

    void detectLostNodes(Map<String, StreamCodec.IndexEntry> index) {
        RedisAsyncCommands<String, String> redis = shared.async();
        long forgetBefore = clock.millis() - options.endedCallKept().toMillis();
        Set<String> lost = new java.util.TreeSet<>();
        for (io.lettuce.core.ScoredValue<String> member : await(redis.zrangeWithScores(keys.nodes(), 0, -1))) {
            String other = member.getValue();
            if (other.equals(options.nodeId()) || await(redis.exists(keys.heartbeat(other))) > 0) {
                continue;
            }
            if (member.getScore() < forgetBefore) {
                redis.zrem(keys.nodes(), other); // lost long ago: its calls have left the index too
            } else {
                lost.add(other);
            }
        }
        Set<String> before = lostNodes;
        lostNodes = Set.copyOf(lost);
        for (String owner : lost) {
            if (!before.contains(owner)) {
                LOG.warn("Cluster node {} stopped heart-beating; its calls are marked \"{}\"", owner,
                        Summaries.NODE_LOST_LABEL);
            }
            if (view.liveCallsOf(owner).isEmpty()) {
                continue;
            }
            // One node marks the lost node's calls (SET NX elects it); the mark reaches every view
            // through the event stream like any event, so all consoles show the same thing.
            String won = await(redis.set(keys.nodeLost(owner), options.nodeId(),
                    SetArgs.Builder.nx().px(options.endedCallKept().toMillis())));
            if ("OK".equals(won)) {
                markCallsLost(owner, index);
            }
        }
    }

    private void markCallsLost(String owner, Map<String, StreamCodec.IndexEntry> index) {
        RedisAsyncCommands<String, String> redis = shared.async();
        Instant now = clock.instant();
        for (String callId : view.liveCallsOf(owner)) {
            // Read afresh: a reconnect may have taken the call over on another node since the view was fed.
            String current = await(redis.hget(keys.callIndex(), callId));
            StreamCodec.IndexEntry entry = current == null ? index.get(callId) : StreamCodec.index(callId, current);
            if (entry != null && !owner.equals(entry.node())) {
                continue;
            }
            ClusterView.RemoteCall call = view.call(callId);
            long last = Math.max(entry == null ? 0 : entry.lastSeq(), call == null ? 0 : call.lastSeq());
            CallEvent mark = new CallEvent(callId, last + 1, now, new EventPayload.AttentionRaised(
                    Summaries.NODE_LOST, Summaries.NODE_LOST_LABEL, null, null, null));
            Map<String, String> fields = StreamCodec.event(options.nodeId(), mark);
            redis.xadd(keys.callEvents(callId), new XAddArgs().maxlen(options.callStreamMaxLen()).approximateTrimming(),
                    fields);
            redis.xadd(keys.allEvents(), new XAddArgs().maxlen(options.allEventsMaxLen()).approximateTrimming(), fields);
            CallSummary base = entry != null ? entry.summary() : call == null ? null : call.summary();
            CallSummary marked = Summaries.apply(base, mark);
            await(redis.hset(keys.callIndex(), callId, StreamCodec.index(
                    new StreamCodec.IndexEntry(owner, marked, last + 1, true))));
            redis.pexpire(keys.callEvents(callId), options.endedCallKept().toMillis());
        }
    }

    private <T> T await(io.lettuce.core.RedisFuture<T> future) {
        return RedisReplies.await(future, options.commandTimeout());
    }
}
