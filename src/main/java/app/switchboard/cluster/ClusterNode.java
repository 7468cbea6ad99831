package app.switchboard.cluster;

import app.switchboard.concurrent.Threads;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallResumption;
import app.switchboard.call.CallSummary;
import app.switchboard.call.ClusterStatus;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>The parts live apart: {@link EventPublisher} (this node's events out), {@link NodeMembership}
 * (heartbeats, the index, lost nodes), {@link ClusterCommands} (supervisors' commands between
 * nodes, leases), {@link CallTakeover} (a reconnect that lands here), {@link ClusterView} (every
 * other node's calls). This class owns their connections and threads and the follower loop; it
 * is over 400 lines because start, Redis-restart detection and an orderly close must see all of
 * them at once.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** How long a blocking read waits before it looks at whether the node is stopping. */
    static final long BLOCK_MS = 1_000;
    /** Events of each live remote call kept in memory (a console opening a call reads older ones from Redis). */
    static final int VIEW_WINDOW = 500;
    /** Rule sets kept in the attention rules' stream: the last one is in force; a few before it show who changed what. */
    static final long ALERT_RULE_SETS_KEPT = 100;
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
    private final NodeMembership membership;
    private final ClusterCommands commands;
    private final CallTakeover takeover;
    private final AutoCloseable subscription;
    private final ExecutorService loops;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final AtomicBoolean refreshIndex = new AtomicBoolean(true);
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
        this.membership = new NodeMembership(options, keys, clock, shared, publisher, view, refreshIndex);
        this.commands = new ClusterCommands(options, keys, registry, view, new Leases(keys, options.leaseTtl().toMillis()),
                publisher, membership, shared, consuming, new ClusterCommands.Loop() {
                    @Override
                    public boolean stopped() {
                        return stopped;
                    }

                    @Override
                    public void unreachable(Throwable cause) {
                        markUnreachable(cause);
                    }

                    @Override
                    public long pause(long backoff) {
                        return ClusterNode.this.pause(backoff);
                    }
                });
        this.takeover = new CallTakeover(options, keys, shared, publisher, view, membership, commands);
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
            throw new IllegalStateException("cannot reach Redis at " + target + ": " + RedisReplies.rootMessage(e), e);
        }
        try {
            node.start();
        } catch (RuntimeException e) {
            node.close();
            throw new IllegalStateException("cannot join the cluster at " + target + ": " + RedisReplies.rootMessage(e), e);
        }
        return node;
    }

    private void start() {
        membership.heartbeat();
        redisRunId = runId();
        String commandStream = keys.commands(options.nodeId());
        // Commands sent while this node was away are stale (their senders were told "owner
        // unreachable"): the group starts at the stream's end, now.
        try {
            shared.sync().xgroupCreate(XReadArgs.StreamOffset.from(commandStream, "$"), ClusterKeys.OWNER_GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisCommandExecutionException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
            shared.sync().xgroupSetid(XReadArgs.StreamOffset.from(commandStream, "$"), ClusterKeys.OWNER_GROUP);
        }
        String allFrom = lastId(keys.allEvents());
        String repliesFrom = lastId(keys.replies(options.nodeId()));
        String rulesFrom = joinAlertRules();
        membership.refresh();
        // The load balancer sends Twilio's webhooks to any node: an action webhook for another node's call goes there.
        registry.actionsElsewhere(this::routeAction);
        loops.execute(publisher);
        loops.execute(() -> follow(allFrom, repliesFrom, rulesFrom));
        loops.execute(commands::consume);
        long every = options.heartbeatEvery().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Cluster node {} joined through Redis at {}", options.nodeId(), target);
    }

    /**
     * The cluster's attention rules: the last set saved on any node applies here too; the first
     * node to start gives the cluster its own. Returns the stream id the follower goes on from.
     */
    private String joinAlertRules() {
        String stream = keys.alertRules();
        List<StreamMessage<String, String>> last = shared.sync().xrevrange(stream, Range.unbounded(),
                io.lettuce.core.Limit.from(1));
        if (last.isEmpty()) {
            return shared.sync().xadd(stream, new io.lettuce.core.XAddArgs().maxlen(ALERT_RULE_SETS_KEPT)
                    .approximateTrimming(), alertRuleEntry(registry.alertRules()));
        }
        applyAlertRules(last.get(0).getBody());
        return last.get(0).getId();
    }

    private Map<String, String> alertRuleEntry(List<app.switchboard.call.AlertRule> rules) {
        return Map.of("node", options.nodeId(), "rules", StreamCodec.rules(rules));
    }

    private void applyAlertRules(Map<String, String> entry) {
        List<app.switchboard.call.AlertRule> rules = StreamCodec.rules(entry.getOrDefault("rules", ""));
        if (rules == null) {
            LOG.warn("Attention rules from node {} could not be read; the rules in force stay", entry.get("node"));
            return;
        }
        registry.alertRules(rules);
        LOG.info("Attention rules from node {} apply here: {} rule(s)", entry.get("node"), rules.size());
    }

    /**
     * Saved in Settings on this node: applied here at once, and published for every node (each
     * applies the set when its follower reads it). Redis away: they apply on this node only, said in the log.
     */
    boolean publishAlertRules(List<app.switchboard.call.AlertRule> rules) {
        List<app.switchboard.call.AlertRule> set = rules == null ? List.of() : List.copyOf(rules);
        registry.alertRules(set);
        try {
            shared.async().xadd(keys.alertRules(), new io.lettuce.core.XAddArgs().maxlen(ALERT_RULE_SETS_KEPT)
                    .approximateTrimming(), alertRuleEntry(set)).whenComplete((id, error) -> {
                        if (error != null) {
                            LOG.warn("Attention rules apply on this node only: publishing them failed ({})",
                                    RedisReplies.rootMessage(error));
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warn("Attention rules apply on this node only: publishing them failed ({})", RedisReplies.rootMessage(e));
        }
        return true;
    }

    private boolean routeAction(String callSid, Map<String, String> form, String outcome) {
        ClusterView.RemoteCall call = view.call(callSid);
        if (call == null || call.owner() == null) {
            return false;
        }
        commands.actionCallback(callSid, form, outcome).thenAccept(o -> {
            if (o.accepted()) {
                LOG.info("Action webhook for call {} ({}) recorded on its owner, node {}", callSid,
                        form.get("SessionStatus"), o.detail());
            } else {
                LOG.warn("Action webhook for call {} ({}) could not reach its owner: {}", callSid,
                        form.get("SessionStatus"), o.detail());
            }
        });
        return true;
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
     * ({@code own}) or the call's stream in Redis, whichever is longer (see {@link CallTakeover}).
     */
    public CallResumption resumption(CallResumption own, java.util.function.Consumer<CallEvent> record) {
        return takeover.resumption(own, record);
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


    public ClusterStatus status() {
        return new ClusterStatus(true, options.nodeId(), target.toString(), reachable.get(), publisher.waiting(),
                publisher.dropped(), List.copyOf(membership.lostNodes()));
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
            LOG.debug("Reading call {} from Redis failed: {}", callId, RedisReplies.rootMessage(e));
            return events;
        }
    }


    // ---- loops ----

    private void follow(String allFrom, String repliesFrom, String rulesFrom) {
        String allId = allFrom;
        String replyId = repliesFrom;
        String rulesId = rulesFrom;
        String all = keys.allEvents();
        String replies = keys.replies(options.nodeId());
        String rules = keys.alertRules();
        long backoff = 100;
        while (!stopped) {
            try {
                List<StreamMessage<String, String>> messages = following.sync().xread(
                        XReadArgs.Builder.block(BLOCK_MS).count(1_000),
                        XReadArgs.StreamOffset.from(all, allId), XReadArgs.StreamOffset.from(replies, replyId),
                        XReadArgs.StreamOffset.from(rules, rulesId));
                for (StreamMessage<String, String> m : messages) {
                    Map<String, String> body = m.getBody();
                    if (all.equals(m.getStream())) {
                        allId = m.getId();
                        CallEvent event = StreamCodec.event(body);
                        if (event != null) {
                            view.onEvent(body.get("node"), event);
                        }
                    } else if (rules.equals(m.getStream())) {
                        rulesId = m.getId();
                        applyAlertRules(body);
                    } else {
                        replyId = m.getId();
                        commands.onReply(body);
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
            membership.heartbeat();
            markReachable();
            checkRedisRestarted();
            if (++ticks % INDEX_READ_EVERY == 0 || refreshIndex.get()) {
                membership.refresh();
            } else {
                membership.detectLostNodes(Map.of());
            }
            commands.renewLeases(this::isOver);
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
        if (await(shared.async().xlen(keys.alertRules())) == 0) {
            // The attention rules went with Redis's memory: the set in force here is the cluster's again.
            shared.async().xadd(keys.alertRules(), new io.lettuce.core.XAddArgs().maxlen(ALERT_RULE_SETS_KEPT)
                    .approximateTrimming(), alertRuleEntry(registry.alertRules()));
        }
        LOG.warn("Redis at {} restarted (new run id): publishing this node's {} calls' recent events again ({} events)",
                target, registry.calls().size(), windows.size());
    }

    private boolean isOver(String callId) {
        if (isLocal(callId)) {
            return !commands.isLocalLive(callId);
        }
        ClusterView.RemoteCall call = view.call(callId);
        return call == null || (call.summary() != null && call.summary().endedAt() != null);
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
                    RedisReplies.rootMessage(cause), options.eventBuffer());
        }
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
            LOG.debug("Removing the heartbeat failed: {}", RedisReplies.rootMessage(e));
        }
        stopAll();
    }

    private void stopAll() {
        stopped = true;
        registry.actionsElsewhere(null);
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
        commands.refuseWaiting();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private <T> T await(io.lettuce.core.RedisFuture<T> future) {
        return RedisReplies.await(future, options.commandTimeout());
    }

    /** Supervisors' commands for the cluster's calls (what {@link ClusterCallControl} sends through). */
    ClusterCommands commands() {
        return commands;
    }
}
