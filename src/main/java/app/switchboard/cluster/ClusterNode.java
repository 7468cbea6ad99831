package app.switchboard.cluster;

import app.switchboard.concurrent.Threads;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallResumption;
import app.switchboard.call.CallSummary;
import app.switchboard.call.ClusterStatus;
import app.switchboard.call.EventPayload;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay node's part in the cluster: publishes its calls' events and index entries, heart-beats,
 * runs the commands other nodes send for its calls, and keeps a view of every other node's calls.
 * Redis is the bus and the shared state, never the record: the node's own SQLite store is fed by
 * its registry directly, so nothing here can lose an event from it.
 *
 * <p>Threads (all named {@code cluster-*}): the publisher, the follower (one blocking XREAD over
 * the cluster's event stream and this node's replies), the command consumer (XREADGROUP on this
 * node's command stream) and one timer (heartbeat, index refresh, leases, node loss). One
 * {@link RedisClient} per node, a shared connection for ordinary commands, and one connection
 * per blocking reader and for the pipelined publisher.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final long BLOCK_MS = 1_000;
    /** The command a node that took a call over sends its previous owner (not a supervisor's command). */
    static final String HANDOVER = "handover";
    /** Events of each live remote call kept in memory (a console opening a call reads older ones from Redis). */
    static final int VIEW_WINDOW = 500;
    /** The whole index is read every this many heartbeats (and whenever Redis comes back). */
    private static final int INDEX_READ_EVERY = 5;

    private final RedisTarget target;
    private final ClusterOptions options;
    private final ClusterKeys keys;
    private final CallRegistry registry;
    private final Clock clock;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> shared;
    private final StatefulRedisConnection<String, String> publishing;
    private final StatefulRedisConnection<String, String> following;
    private final StatefulRedisConnection<String, String> consuming;
    private final EventPublisher publisher;
    private final ClusterView view;
    private final Leases leases;
    private final AutoCloseable subscription;
    private final ExecutorService loops;
    private final ScheduledExecutorService timer;
    private final Map<String, CompletableFuture<CommandOutcome>> awaitingReply = new ConcurrentHashMap<>();
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final AtomicBoolean refreshIndex = new AtomicBoolean(true);
    private volatile Set<String> lostNodes = Set.of();
    /** Redis's {@code run_id}: a new one means a restarted (or failed-over) Redis that may lack what was published. */
    private volatile String redisRunId;
    private volatile boolean stopped;
    private long ticks;

    private ClusterNode(RedisTarget target, ClusterOptions options, CallRegistry registry, Clock clock) {
        this.target = target;
        this.options = options;
        this.keys = new ClusterKeys(options.prefix());
        this.registry = registry;
        this.clock = clock;
        // Reconnect attempts back off to at most 2 s (Lettuce's default reaches 30 s): a Redis that
        // comes back is used again within that, which bounds how stale the consoles' view gets.
        this.resources = DefaultClientResources.builder().reconnectDelay(Delay.fullJitter(Duration.ofMillis(50),
                Duration.ofSeconds(2), 100, TimeUnit.MILLISECONDS)).build();
        Duration timeout = options.commandTimeout().plusMillis(BLOCK_MS);
        this.client = RedisClient.create(resources, target.redisUri(timeout));
        // Commands fail at once while Redis is away instead of queueing in the client: the
        // publisher's bounded buffer is the only place events wait, and it counts what it drops.
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
        this.shared = client.connect();
        this.publishing = client.connect();
        this.following = client.connect();
        this.consuming = client.connect();
        this.leases = new Leases(keys, options.leaseTtl().toMillis());
        this.view = new ClusterView(options.nodeId(), this::isLocal, VIEW_WINDOW);
        this.publisher = new EventPublisher(publishing, keys, options, new EventPublisher.Health() {
            @Override
            public void reachable() {
                markReachable();
            }

            @Override
            public void unreachable(Throwable cause) {
                markUnreachable(cause);
            }
        });
        this.subscription = registry.subscribe(publisher::offer);
        this.loops = Executors.newFixedThreadPool(3, Threads.numbered("cluster-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.numbered("cluster-timer-"));
    }

    /**
     * Joins the cluster: subscribe to {@code registry} before its relay takes calls, so no
     * call's first event is missed. Redis must answer now; later it may come and go.
     */
    public static ClusterNode join(RedisTarget target, ClusterOptions options, CallRegistry registry) {
        return join(target, options, registry, Clock.systemUTC());
    }

    static ClusterNode join(RedisTarget target, ClusterOptions options, CallRegistry registry, Clock clock) {
        ClusterNode node;
        try {
            node = new ClusterNode(target, options, registry, clock);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Redis at " + target + ": " + rootMessage(e), e);
        }
        try {
            node.start();
        } catch (RuntimeException e) {
            node.close();
            throw new IllegalStateException("cannot join the cluster at " + target + ": " + rootMessage(e), e);
        }
        return node;
    }

    private void start() {
        heartbeat();
        redisRunId = runId();
        String commands = keys.commands(options.nodeId());
        // Commands sent while this node was away are stale (their senders were told "owner
        // unreachable"): the group starts at the stream's end, now.
        try {
            shared.sync().xgroupCreate(XReadArgs.StreamOffset.from(commands, "$"), ClusterKeys.OWNER_GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisCommandExecutionException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
            shared.sync().xgroupSetid(XReadArgs.StreamOffset.from(commands, "$"), ClusterKeys.OWNER_GROUP);
        }
        String allFrom = lastId(keys.allEvents());
        String repliesFrom = lastId(keys.replies(options.nodeId()));
        refresh();
        loops.execute(publisher);
        loops.execute(() -> follow(allFrom, repliesFrom));
        loops.execute(this::consumeCommands);
        long every = options.heartbeatEvery().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Cluster node {} joined through Redis at {}", options.nodeId(), target);
    }

    private String lastId(String stream) {
        List<StreamMessage<String, String>> last = shared.sync().xrevrange(stream, Range.unbounded(),
                io.lettuce.core.Limit.from(1));
        return last.isEmpty() ? "0-0" : last.get(0).getId();
    }

    public String nodeId() {
        return options.nodeId();
    }

    /** What a console attached to this node uses: every call of the cluster. */
    public ClusterCallControl control() {
        return new ClusterCallControl(this, registry, null);
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
    public CallResumption resumption(CallResumption own, java.util.function.Consumer<CallEvent> record) {
        return new CallResumption() {
            @Override
            public Optional<StoredCall> find(String callSid) {
                Optional<StoredCall> here = own.find(callSid);
                Optional<StoredCall> there;
                try {
                    there = readCall(callSid);
                } catch (RuntimeException e) {
                    LOG.warn("Reading call {} from Redis failed ({}); only this node's record is used", callSid,
                            rootMessage(e));
                    return here;
                }
                if (here.isPresent() && (there.isEmpty() || here.get().lastSeq() >= there.get().lastSeq())) {
                    return here;
                }
                return there;
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

    /**
     * The key of the per-call tokens every node of this cluster checks a setup against: made by
     * the first node that asks ({@code SET NX}), read by the others. Never logged.
     */
    public byte[] callTokenSecret() {
        byte[] fresh = new byte[32];
        new java.security.SecureRandom().nextBytes(fresh);
        RedisAsyncCommands<String, String> redis = shared.async();
        await(redis.set(keys.callTokenKey(), Base64.getEncoder().encodeToString(fresh), SetArgs.Builder.nx()));
        String stored = await(redis.get(keys.callTokenKey()));
        byte[] secret = stored == null ? null : Base64.getDecoder().decode(stored);
        if (secret == null || secret.length < 32) {
            throw new IllegalStateException("the cluster's call-token key in Redis is missing or too short");
        }
        return secret;
    }

    /** The call's events as its stream holds them, once per seq, oldest first; empty for a call Redis does not know. */
    Optional<CallResumption.StoredCall> readCall(String callId) {
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
    void takeOwnership(CallResumption.StoredCall call) {
        CallSummary summary = null;
        for (CallEvent e : call.events()) {
            summary = Summaries.apply(summary, e);
        }
        // Live again: the session that starts next records its own state; until then it is not "ended".
        summary = new CallSummary(summary.callId(), summary.from(), summary.to(),
                summary.state() == app.switchboard.call.CallState.ENDED ? app.switchboard.call.CallState.LISTENING
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
        if (previous != null && !previous.equals(options.nodeId()) && !lostNodes.contains(previous)) {
            // The previous owner is alive and may still wait for this reconnect: it lets go of the call,
            // so the end its wait would record never follows this node's events.
            Map<String, String> handover = new LinkedHashMap<>();
            handover.put("cmd", HANDOVER);
            handover.put("id", UUID.randomUUID().toString());
            handover.put("from", options.nodeId());
            handover.put("call", call.callId());
            redis.xadd(keys.commands(previous), new XAddArgs().maxlen(options.commandStreamMaxLen()).approximateTrimming(),
                    handover);
        }
        LOG.info("Call {} taken over by node {} after seq {} (owner was {})", call.callId(), options.nodeId(),
                call.lastSeq(), previous == null ? "unknown" : previous);
    }

    public ClusterStatus status() {
        return new ClusterStatus(true, options.nodeId(), target.toString(), reachable.get(), publisher.waiting(),
                publisher.dropped(), List.copyOf(lostNodes));
    }

    /** Events this node has had confirmed by Redis since it started. */
    public long eventsPublished() {
        return publisher.published();
    }

    // ---- what the control uses ----

    boolean isLocal(String callId) {
        return registry.find(callId) != null;
    }

    ClusterView view() {
        return view;
    }

    /**
     * A remote call's events for a console: the view's window when it holds the call from its
     * first event, else the call's stream in Redis (up to {@code callStreamMaxLen}) with the window after it.
     */
    List<CallEvent> events(String callId) {
        ClusterView.RemoteCall call = view.call(callId);
        if (call == null) {
            return List.of();
        }
        List<CallEvent> events = call.events();
        if (!events.isEmpty() && events.get(0).seq() == 1) {
            return events;
        }
        try {
            List<CallEvent> stream = new ArrayList<>();
            for (StreamMessage<String, String> m : shared.async().xrange(keys.callEvents(callId), Range.unbounded())
                    .get(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                CallEvent e = StreamCodec.event(m.getBody());
                if (e != null) {
                    stream.add(e);
                }
            }
            return view.merged(callId, stream);
        } catch (Exception e) {
            LOG.debug("Reading call {} from Redis failed: {}", callId, rootMessage(e));
            return events;
        }
    }

    /** Runs the command where the call is: here, or on its owner through the owner's command stream. */
    CompletableFuture<CommandOutcome> dispatch(String callId, ClusterCommand command, String operator) {
        if (isLocalLive(callId)) {
            command.applyTo(operator == null ? registry : registry.operatedBy(operator), callId);
            return CompletableFuture.completedFuture(CommandOutcome.accepted(options.nodeId()));
        }
        if (isLocal(callId)) {
            return CompletableFuture.completedFuture(CommandOutcome.refused("the call has ended"));
        }
        ClusterView.RemoteCall call = view.call(callId);
        String owner = call == null ? null : call.owner();
        if (owner == null) {
            return CompletableFuture.completedFuture(CommandOutcome.refused("no such call in the cluster"));
        }
        CallSummary summary = call.summary();
        if (summary != null && summary.endedAt() != null) {
            return CompletableFuture.completedFuture(CommandOutcome.refused("the call has ended"));
        }
        if (lostNodes.contains(owner)) {
            return CompletableFuture.completedFuture(CommandOutcome.refused(CommandOutcome.OWNER_UNREACHABLE
                    + " (node " + owner + " stopped heart-beating)"));
        }
        String id = UUID.randomUUID().toString();
        CompletableFuture<CommandOutcome> reply = new CompletableFuture<>();
        awaitingReply.put(id, reply);
        Map<String, String> fields = new LinkedHashMap<>(command.fields());
        fields.put("id", id);
        fields.put("from", options.nodeId());
        fields.put("call", callId);
        fields.put("operator", operator == null ? defaultOperator() : operator);
        try {
            shared.async().xadd(keys.commands(owner), new XAddArgs().maxlen(options.commandStreamMaxLen())
                    .approximateTrimming(), fields).whenComplete((ok, error) -> {
                        if (error != null) {
                            reply.complete(CommandOutcome.refused("the cluster bus is unreachable"));
                        }
                    });
        } catch (RuntimeException e) {
            reply.complete(CommandOutcome.refused("the cluster bus is unreachable"));
        }
        return reply.completeOnTimeout(CommandOutcome.refused(CommandOutcome.OWNER_UNREACHABLE),
                        options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((outcome, error) -> awaitingReply.remove(id));
    }

    /** Take-over behind the call's lease: refused while another supervisor (on any node) holds it. */
    CompletableFuture<CommandOutcome> takeOver(String callId, String operator) {
        String holder = holderName(operator);
        return attempt(() -> leases.acquire(shared.async(), callId, holder)).handle((other, error) -> {
            if (error != null) {
                if (isLocalLive(callId)) {
                    // Redis is away, so no supervisor on another node can reach this call (commands travel
                    // through Redis): the supervisor here may take it over, and the lease is claimed when
                    // Redis answers again (a renewal sets a missing lease).
                    leases.assume(callId, holder);
                    return dispatch(callId, new ClusterCommand.TakeOver(), operator).thenApply(o -> o.accepted()
                            ? CommandOutcome.accepted(o.detail() + " (lease claimed when Redis returns)") : o);
                }
                return CompletableFuture.completedFuture(
                        CommandOutcome.refused("the cluster bus is unreachable: a take-over needs the call's lease"));
            }
            if (other != null) {
                return CompletableFuture.completedFuture(CommandOutcome.refused("held by " + other));
            }
            return dispatch(callId, new ClusterCommand.TakeOver(), operator).thenCompose(outcome -> outcome.accepted()
                    ? CompletableFuture.completedFuture(outcome)
                    : leases.release(shared.async(), callId, holder).handle((x, y) -> outcome));
        }).thenCompose(f -> f);
    }

    /** Release by the lease's holder (or when nobody holds it); another supervisor's hold is refused. */
    CompletableFuture<CommandOutcome> release(String callId, String operator) {
        String holder = holderName(operator);
        return attempt(() -> leases.holder(shared.async(), callId)).handle((current, error) -> {
            if (error != null) {
                if (isLocalLive(callId)) {
                    leases.forget(callId, holder); // not renewed any more: it lapses within its TTL
                    return dispatch(callId, new ClusterCommand.Release(), operator);
                }
                return CompletableFuture.completedFuture(CommandOutcome.refused("the cluster bus is unreachable"));
            }
            if (current != null && !current.equals(holder)) {
                return CompletableFuture.completedFuture(CommandOutcome.refused("held by " + current));
            }
            return dispatch(callId, new ClusterCommand.Release(), operator).thenCompose(outcome ->
                    leases.release(shared.async(), callId, holder).handle((x, y) -> outcome));
        }).thenCompose(f -> f);
    }

    /** A Redis call's future; one that throws at once (the client rejecting commands) becomes a failed future. */
    private static <T> CompletableFuture<T> attempt(java.util.function.Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private String holderName(String operator) {
        return (operator == null ? defaultOperator() : operator) + "@" + options.nodeId();
    }

    private static String defaultOperator() {
        return System.getProperty("user.name", "unknown");
    }

    private boolean isLocalLive(String callId) {
        if (registry.find(callId) == null) {
            return false;
        }
        return registry.calls().stream().anyMatch(s -> s.callId().equals(callId) && s.endedAt() == null);
    }

    // ---- loops ----

    private void follow(String allFrom, String repliesFrom) {
        String allId = allFrom;
        String replyId = repliesFrom;
        String all = keys.allEvents();
        String replies = keys.replies(options.nodeId());
        long backoff = 100;
        while (!stopped) {
            try {
                List<StreamMessage<String, String>> messages = following.sync().xread(
                        XReadArgs.Builder.block(BLOCK_MS).count(1_000),
                        XReadArgs.StreamOffset.from(all, allId), XReadArgs.StreamOffset.from(replies, replyId));
                for (StreamMessage<String, String> m : messages) {
                    Map<String, String> body = m.getBody();
                    if (all.equals(m.getStream())) {
                        allId = m.getId();
                        CallEvent event = StreamCodec.event(body);
                        if (event != null) {
                            view.onEvent(body.get("node"), event);
                        }
                    } else {
                        replyId = m.getId();
                        CompletableFuture<CommandOutcome> reply = awaitingReply.remove(body.getOrDefault("id", ""));
                        if (reply != null) {
                            reply.complete(Boolean.parseBoolean(body.get("ok"))
                                    ? CommandOutcome.accepted(body.get("node"))
                                    : CommandOutcome.refused(body.getOrDefault("detail", "refused")));
                        }
                    }
                }
                backoff = 100;
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                markUnreachable(e);
                backoff = pause(backoff);
            }
        }
    }

    private void consumeCommands() {
        String commands = keys.commands(options.nodeId());
        Consumer<String> me = Consumer.from(ClusterKeys.OWNER_GROUP, options.nodeId());
        long backoff = 100;
        while (!stopped) {
            try {
                List<StreamMessage<String, String>> messages = consuming.sync().xreadgroup(me,
                        XReadArgs.Builder.block(BLOCK_MS).count(100), XReadArgs.StreamOffset.lastConsumed(commands));
                for (StreamMessage<String, String> m : messages) {
                    runCommand(m.getBody());
                    consuming.sync().xack(commands, ClusterKeys.OWNER_GROUP, m.getId());
                }
                backoff = 100;
            } catch (RedisCommandExecutionException e) {
                if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    // Redis came back empty: every command in the new stream is fresh, read it all.
                    try {
                        consuming.sync().xgroupCreate(XReadArgs.StreamOffset.from(commands, "0"),
                                ClusterKeys.OWNER_GROUP, XGroupCreateArgs.Builder.mkstream());
                    } catch (RuntimeException again) {
                        backoff = pause(backoff);
                    }
                } else {
                    backoff = pause(backoff);
                }
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                markUnreachable(e);
                backoff = pause(backoff);
            }
        }
    }

    private void runCommand(Map<String, String> body) {
        String from = body.get("from");
        String id = body.get("id");
        String callId = body.getOrDefault("call", "");
        ClusterCommand command = ClusterCommand.from(body);
        boolean ok;
        String detail;
        if (HANDOVER.equals(body.get("cmd"))) {
            ok = registry.handOver(callId);
            detail = ok ? "" : "call " + callId + " is not waiting for a reconnect on node " + options.nodeId();
            if (ok) {
                publisher.forget(callId);
                LOG.info("Call {} went on on node {}; this node let go of it", callId, from);
            } else {
                LOG.warn("Node {} took over call {}, which this node does not hold without a socket", from, callId);
            }
        } else if (command == null) {
            ok = false;
            detail = "unknown command " + body.get("cmd");
        } else if (!isLocalLive(callId)) {
            ok = false;
            detail = registry.find(callId) == null ? "call " + callId + " is not on node " + options.nodeId()
                    : "the call has ended";
        } else {
            String operator = body.get("operator");
            command.applyTo(operator == null || operator.isBlank() ? registry : registry.operatedBy(operator), callId);
            ok = true;
            detail = "";
        }
        if (from == null || id == null) {
            return;
        }
        Map<String, String> reply = new LinkedHashMap<>();
        reply.put("id", id);
        reply.put("ok", Boolean.toString(ok));
        reply.put("node", options.nodeId());
        reply.put("detail", detail);
        shared.async().xadd(keys.replies(from), new XAddArgs().maxlen(options.commandStreamMaxLen()).approximateTrimming(),
                reply);
    }

    private long pause(long backoff) {
        try {
            Thread.sleep(backoff); // a retry's back-off while Redis is away, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
        return Math.min(2_000, backoff * 2);
    }

    // ---- the timer ----

    private void tick() {
        try {
            heartbeat();
            markReachable();
            checkRedisRestarted();
            if (++ticks % INDEX_READ_EVERY == 0 || refreshIndex.get()) {
                refresh();
            } else {
                detectLostNodes(Map.of());
            }
            leases.renew(shared.async(), this::isOver);
        } catch (RuntimeException e) {
            if (!stopped) {
                markUnreachable(e);
            }
        }
    }

    private String runId() {
        return await(shared.async().info("server")).lines().filter(l -> l.startsWith("run_id:"))
                .map(l -> l.substring("run_id:".length()).strip()).findFirst().orElse("");
    }

    /**
     * A Redis without persistence comes back empty, and a replica promoted in a fail-over may lack
     * the last writes: events this node published (and Redis confirmed) may be gone before every
     * node read them. The calls' windows are published again (readers keep one per seq and fill
     * gaps), and the index is written again.
     */
    private void checkRedisRestarted() {
        String now = runId();
        if (now.equals(redisRunId)) {
            return;
        }
        redisRunId = now;
        refreshIndex.set(true);
        List<CallEvent> windows = new ArrayList<>();
        for (CallSummary s : registry.calls()) {
            windows.addAll(registry.events(s.callId()));
        }
        publisher.republish(windows);
        LOG.warn("Redis at {} restarted (new run id): publishing this node's {} calls' recent events again ({} events)",
                target, registry.calls().size(), windows.size());
    }

    private boolean isOver(String callId) {
        if (isLocal(callId)) {
            return !isLocalLive(callId);
        }
        ClusterView.RemoteCall call = view.call(callId);
        return call == null || (call.summary() != null && call.summary().endedAt() != null);
    }

    private void heartbeat() {
        RedisAsyncCommands<String, String> redis = shared.async();
        await(redis.set(keys.heartbeat(options.nodeId()), clock.instant().toString(),
                SetArgs.Builder.px(options.heartbeatTtl().toMillis())));
        // Liveness is the key's TTL (Redis's clock); the score only says when a lost node may be forgotten.
        redis.zadd(keys.nodes(), clock.millis(), options.nodeId());
        redis.del(keys.nodeLost(options.nodeId()));
    }

    /** The index: ours written again when Redis may have lost it, everyone's read into the view; node loss. */
    private void refresh() {
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

    private void detectLostNodes(Map<String, StreamCodec.IndexEntry> index) {
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
        try {
            return future.get(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Redis did not answer within " + options.commandTimeout().toMillis() + " ms");
        }
    }

    private void markReachable() {
        if (!reachable.getAndSet(true)) {
            // Redis may have restarted empty: write our index entries again at the next refresh.
            refreshIndex.set(true);
            LOG.info("Redis at {} is reachable again; {} buffered events are being published ({} dropped so far)",
                    target, publisher.waiting(), publisher.dropped());
        }
    }

    private void markUnreachable(Throwable cause) {
        if (reachable.getAndSet(false)) {
            LOG.warn("Redis at {} is unreachable ({}): calls go on, events wait in a buffer of {}", target,
                    rootMessage(cause), options.eventBuffer());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Events published so far; waits at most {@code timeout} for the buffer to empty. */
    boolean flush(Duration timeout) throws InterruptedException {
        return publisher.drain(timeout);
    }

    /** Stops every thread and connection without a word to Redis: what a killed node leaves behind. */
    void abandon() {
        stopAll();
    }

    /** Leaves the cluster: publishes what is buffered (briefly), removes the heartbeat. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        try {
            publisher.drain(options.commandTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // A node that leaves is not lost: out of the member set, then without a heartbeat.
            shared.async().zrem(keys.nodes(), options.nodeId()).get(500, TimeUnit.MILLISECONDS);
            shared.async().del(keys.heartbeat(options.nodeId())).get(500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("Removing the heartbeat failed: {}", rootMessage(e));
        }
        stopAll();
    }

    private void stopAll() {
        stopped = true;
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("Unsubscribing failed", e);
        }
        publisher.stop();
        timer.shutdownNow();
        loops.shutdownNow();
        try {
            loops.awaitTermination(BLOCK_MS * 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitingReply.values().forEach(f -> f.complete(CommandOutcome.refused("this node left the cluster")));
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
