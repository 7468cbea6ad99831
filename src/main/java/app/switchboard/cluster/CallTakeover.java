package app.switchboard.cluster;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallResumption;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventPayload;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reconnect that lands on this node for a call another node held (or one whose later part
 * another node recorded): the call is read from its Redis stream, compared with this node's own
 * record, and this node becomes its owner in the index before the socket is answered; the
 * previous owner, if alive, is told to let go ({@code handover}).
 */
final class CallTakeover {

    private static final Logger LOG = LoggerFactory.getLogger(CallTakeover.class);

    private final ClusterOptions options;
    private final ClusterKeys keys;
    private final StatefulRedisConnection<String, String> shared;
    private final EventPublisher publisher;
    private final ClusterView view;
    private final NodeMembership membership;
    private final ClusterCommands commands;

    CallTakeover(ClusterOptions options, ClusterKeys keys, StatefulRedisConnection<String, String> shared,
                 EventPublisher publisher, ClusterView view, NodeMembership membership, ClusterCommands commands) {
        this.commands = commands;
        this.options = options;
        this.keys = keys;
        this.shared = shared;
        this.publisher = publisher;
        this.view = view;
        this.membership = membership;
    }

    /**
     * Where a reconnect that lands on this node finds its call: this node's own record
     * ({@code own}, its SQLite file) and the call's stream in Redis (another node's call, or one
     * whose later part another node recorded); the longer of the two wins (this node may have
     * held the call before another went on with it, or Redis may have lost its last events).
     * Either way this node becomes the call's owner in the index before the socket is answered.
     * A call taken over from Redis gets the events this node's record lacks through
     * {@code record}, so its record here reads gap-free from the first event Redis still had.
     */
    CallResumption resumption(CallResumption own, java.util.function.Consumer<CallEvent> record) {
        return new CallResumption() {
            @Override
            public Optional<StoredCall> find(String callSid) {
                Optional<StoredCall> here = own.find(callSid);
                Optional<StoredCall> there;
                try {
                    there = readCall(callSid);
                } catch (RuntimeException e) {
                    LOG.warn("Reading call {} from Redis failed ({}); only this node's record is used", callSid,
                            RedisReplies.rootMessage(e));
                    return here;
                }
                try {
                    if (here.isPresent() && (there.isEmpty() || here.get().lastSeq() >= there.get().lastSeq())) {
                        return here.map(c -> withClusterState(c, null));
                    }
                    return there.map(c -> withClusterState(c, openOn(c)));
                } catch (RuntimeException e) {
                    LOG.warn("Reading call {}'s owner and lease from Redis failed ({}); it goes on here unheld",
                            callSid, RedisReplies.rootMessage(e));
                    return here.isPresent() && (there.isEmpty() || here.get().lastSeq() >= there.get().lastSeq())
                            ? here : there;
                }
            }

            @Override
            public void resumed(StoredCall call) {
                if (EventPayload.SessionReconnected.FROM_CLUSTER.equals(call.source())) {
                    long have = own.find(call.callId()).map(StoredCall::lastSeq).orElse(0L);
                    call.events().stream().filter(e -> e.seq() > have).forEach(record);
                }
                takeOwnership(call);
            }
        };
    }

    /** {@code call} with what the cluster knows of it: who holds it (its lease) and where its session is open. */
    private CallResumption.StoredCall withClusterState(CallResumption.StoredCall call, String openOn) {
        return new CallResumption.StoredCall(call.callId(), call.events(), call.source(), leaseHolder(call.callId()),
                openOn);
    }

    /**
     * The supervisor holding the call's take-over lease, when their node is alive (it renews the
     * lease, and their console is there to release it); null when nobody holds it. A lease held
     * through a node that died is left to lapse: the call goes on with the AI.
     */
    private String leaseHolder(String callId) {
        String lease = await(shared.async().get(keys.lease(callId)));
        int at = lease == null ? -1 : lease.lastIndexOf('@');
        if (at <= 0) {
            return null;
        }
        String node = lease.substring(at + 1);
        if (!node.equals(options.nodeId()) && !alive(node)) {
            LOG.info("Call {}'s take-over lease is held through node {}, which is not heart-beating: not carried",
                    callId, node);
            return null;
        }
        return lease.substring(0, at);
    }

    /**
     * The node whose socket for the call is still open. Issue 11's rule across nodes: Twilio opens
     * one socket per call, so a reconnect reaching this node while the owner still has the socket
     * open (half-open there: it has not noticed the drop yet) is a second one. The call's stream
     * says whether its last session is open (started, and neither closed, nor ended, nor marked
     * "relay node lost"), the index who owns it; an owner that heart-beats is then asked, and
     * its answer decides. An owner that does not answer within the command timeout died (its
     * heartbeat has not lapsed yet): the call is taken over, as from a node known lost.
     * Null when no other node has the call's socket open.
     */
    private String openOn(CallResumption.StoredCall call) {
        if (!lastSessionOpen(call)) {
            return null;
        }
        String current = await(shared.async().hget(keys.callIndex(), call.callId()));
        StreamCodec.IndexEntry entry = current == null ? null : StreamCodec.index(call.callId(), current);
        if (entry == null || entry.lost() || entry.node().isBlank() || entry.node().equals(options.nodeId())
                || !alive(entry.node())) {
            return null;
        }
        CommandOutcome answer;
        try {
            answer = commands.socketOpen(entry.node(), call.callId())
                    .get(options.commandTimeout().toMillis() + ClusterNode.BLOCK_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking node " + entry.node() + " about call " + call.callId(), e);
        } catch (ExecutionException | TimeoutException e) {
            answer = CommandOutcome.refused(CommandOutcome.OWNER_UNREACHABLE);
        }
        if (answer.accepted()) {
            return entry.node();
        }
        if (answer.detail().startsWith(CommandOutcome.OWNER_UNREACHABLE)) {
            LOG.warn("Call {}: its owner {} still heart-beats but did not say whether its socket is open; taken over"
                    + " as from a node that died", call.callId(), entry.node());
        }
        return null;
    }

    static boolean lastSessionOpen(CallResumption.StoredCall call) {
        for (int i = call.events().size() - 1; i >= 0; i--) {
            EventPayload p = call.events().get(i).payload();
            if (p instanceof EventPayload.SessionStarted) {
                return true;
            }
            if (p instanceof EventPayload.SessionClosed || p instanceof EventPayload.CallEnded
                    || (p instanceof EventPayload.AttentionRaised a && Summaries.NODE_LOST.equals(a.reason()))) {
                return false;
            }
        }
        return false;
    }

    private boolean alive(String node) {
        return !membership.lostNodes().contains(node) && await(shared.async().exists(keys.heartbeat(node))) > 0;
    }

    /** The call's events as its stream holds them, once per seq, oldest first; empty for a call Redis does not know. */
    private Optional<CallResumption.StoredCall> readCall(String callId) {
        if (callId == null || callId.isBlank()) {
            return Optional.empty();
        }
        java.util.TreeMap<Long, CallEvent> bySeq = new java.util.TreeMap<>();
        for (StreamMessage<String, String> m : await(shared.async().xrange(keys.callEvents(callId), Range.unbounded()))) {
            CallEvent e = StreamCodec.event(m.getBody());
            if (e != null && e.callId().equals(callId)) {
                bySeq.putIfAbsent(e.seq(), e); // a batch sent twice after a Redis hiccup is in the stream twice
            }
        }
        if (bySeq.isEmpty()) {
            return Optional.empty();
        }
        if (bySeq.firstKey() > 1) {
            LOG.info("Call {} is taken over from a trimmed stream: events from seq {} on (the older ones are in the"
                    + " previous owner's record)", callId, bySeq.firstKey());
        }
        return Optional.of(new CallResumption.StoredCall(callId, new ArrayList<>(bySeq.values()),
                EventPayload.SessionReconnected.FROM_CLUSTER));
    }

    /**
     * This node goes on with a call read from Redis: it becomes the call's owner in the index
     * (before the reconnected socket is answered, so commands and loss detection go to this node),
     * its stream stops expiring, and its index entry continues from the stream's summary and seq.
     */
    private void takeOwnership(CallResumption.StoredCall call) {
        CallSummary summary = null;
        for (CallEvent e : call.events()) {
            summary = Summaries.apply(summary, e);
        }
        // Live again: the session that starts next records its own state; until then it is not "ended".
        summary = new CallSummary(summary.callId(), summary.from(), summary.to(),
                summary.state() == CallState.ENDED ? CallState.LISTENING
                        : summary.state(), summary.language(), summary.startedAt(), null, summary.eventCount());
        // Before any Redis round trip: if Redis is away, the call's next batch still names this node the owner.
        publisher.adopt(call.callId(), summary, call.lastSeq());
        view.forget(call.callId());
        RedisAsyncCommands<String, String> redis = shared.async();
        String before = await(redis.hget(keys.callIndex(), call.callId()));
        StreamCodec.IndexEntry entry = before == null ? null : StreamCodec.index(call.callId(), before);
        String previous = entry == null ? null : entry.node();
        await(redis.hset(keys.callIndex(), call.callId(), StreamCodec.index(
                new StreamCodec.IndexEntry(options.nodeId(), summary, call.lastSeq(), false))));
        redis.persist(keys.callEvents(call.callId()));
        if (previous != null && !previous.equals(options.nodeId()) && !membership.lostNodes().contains(previous)) {
            // The previous owner is alive and may still wait for this reconnect: it lets go of the call,
            // so the end its wait would record never follows this node's events.
            Map<String, String> handover = new LinkedHashMap<>();
            handover.put("cmd", ClusterCommands.HANDOVER);
            handover.put("id", UUID.randomUUID().toString());
            handover.put("from", options.nodeId());
            handover.put("call", call.callId());
            redis.xadd(keys.commands(previous), new XAddArgs().maxlen(options.commandStreamMaxLen()).approximateTrimming(),
                    handover);
        }
        LOG.info("Call {} taken over by node {} after seq {} (owner was {})", call.callId(), options.nodeId(),
                call.lastSeq(), previous == null ? "unknown" : previous);
    }

    private <T> T await(io.lettuce.core.RedisFuture<T> future) {
        return RedisReplies.await(future, options.commandTimeout());
    }
}
