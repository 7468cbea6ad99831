package app.switchboard.cluster;

import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSummary;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervisors' commands across the cluster: a command for a call this node owns runs here, one
 * for another node's call travels through that node's command stream and its reply comes back on
 * this node's reply stream (completed by the node's follower through {@link #onReply}). Take-over
 * and release go through the call's lease first. Also the other end: this node's consumer of its
 * own command stream, which runs what other nodes send for its calls and answers each.
 */
final class ClusterCommands {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCommands.class);
    /** The command a node that took a call over sends its previous owner (not a supervisor's command). */
    static final String HANDOVER = "handover";
    /** Twilio's action webhook, landed on another node, for the owner to record (not a supervisor's command). */
    static final String ACTION = "action";
    /** A node a reconnect reached asks the owner whether it still has the call's socket open (not a supervisor's command). */
    static final String SOCKET = "socket";

    /** What the node's loops share: whether it is stopping, Redis trouble, and the retry back-off. */
    interface Loop {
        boolean stopped();

        void unreachable(Throwable cause);

        long pause(long backoff);
    }

    private final ClusterOptions options;
    private final ClusterKeys keys;
    private final CallRegistry registry;
    private final ClusterView view;
    private final Leases leases;
    private final EventPublisher publisher;
    private final NodeMembership membership;
    private final StatefulRedisConnection<String, String> shared;
    private final StatefulRedisConnection<String, String> consuming;
    private final Loop loop;
    private final Map<String, CompletableFuture<CommandOutcome>> awaitingReply = new ConcurrentHashMap<>();

    ClusterCommands(ClusterOptions options, ClusterKeys keys, CallRegistry registry, ClusterView view, Leases leases,
                    EventPublisher publisher, NodeMembership membership, StatefulRedisConnection<String, String> shared,
                    StatefulRedisConnection<String, String> consuming, Loop loop) {
        this.options = options;
        this.keys = keys;
        this.registry = registry;
        this.view = view;
        this.leases = leases;
        this.publisher = publisher;
        this.membership = membership;
        this.shared = shared;
        this.consuming = consuming;
        this.loop = loop;
    }

    /** Renews the leases this node's supervisors hold; {@code isOver} drops those of ended calls. */
    void renewLeases(java.util.function.Predicate<String> isOver) {
        leases.renew(shared.async(), isOver);
    }

    /** A reply from the node that ran one of this node's commands. */
    void onReply(Map<String, String> body) {
        CompletableFuture<CommandOutcome> reply = awaitingReply.remove(body.getOrDefault("id", ""));
        if (reply != null) {
            reply.complete(Boolean.parseBoolean(body.get("ok"))
                    ? CommandOutcome.accepted(body.get("node"))
                    : CommandOutcome.refused(body.getOrDefault("detail", "refused")));
        }
    }

    /** Commands still waiting for a reply are refused: this node is leaving. */
    void refuseWaiting() {
        awaitingReply.values().forEach(f -> f.complete(CommandOutcome.refused("this node left the cluster")));
    }

    /** Runs the command where the call is: here, or on its owner through the owner's command stream. */
    CompletableFuture<CommandOutcome> dispatch(String callId, ClusterCommand command, String operator) {
        if (isLocalLive(callId)) {
            command.applyTo(operator == null ? registry : registry.operatedBy(operator), callId);
            return CompletableFuture.completedFuture(CommandOutcome.accepted(options.nodeId()));
        }
        if (registry.find(callId) != null) {
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
        return sendTo(owner, callId, command.fields(), operator);
    }

    /**
     * Twilio's action webhook for a call another node owns (the load balancer sent it here): it
     * is recorded on the owner, in the call's record, as if it had landed there. Completes with
     * the owner's answer, or refused when no live node owns the call.
     */
    CompletableFuture<CommandOutcome> actionCallback(String callId, Map<String, String> form, String outcome) {
        ClusterView.RemoteCall call = view.call(callId);
        String owner = call == null ? null : call.owner();
        if (owner == null || owner.equals(options.nodeId())) {
            return CompletableFuture.completedFuture(CommandOutcome.refused("no such call in the cluster"));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("cmd", ACTION);
        fields.put("form", StreamCodec.form(form));
        fields.put("outcome", outcome == null ? "" : outcome);
        // Twilio is the sender, not a supervisor: the owner records it under nobody's name.
        return sendTo(owner, callId, fields, "twilio");
    }

    /**
     * Asks {@code owner} whether its socket for the call is open: accepted when it is, refused when
     * not, and refused {@value CommandOutcome#OWNER_UNREACHABLE} when no answer came within the
     * command timeout (the owner died and its heartbeat has not lapsed yet).
     */
    CompletableFuture<CommandOutcome> socketOpen(String owner, String callId) {
        return sendTo(owner, callId, Map.of("cmd", SOCKET), options.nodeId());
    }

    private CompletableFuture<CommandOutcome> sendTo(String owner, String callId, Map<String, String> commandFields,
                                                     String operator) {
        if (membership.lostNodes().contains(owner)) {
            return CompletableFuture.completedFuture(CommandOutcome.refused(CommandOutcome.OWNER_UNREACHABLE
                    + " (node " + owner + " stopped heart-beating)"));
        }
        String id = UUID.randomUUID().toString();
        CompletableFuture<CommandOutcome> reply = new CompletableFuture<>();
        awaitingReply.put(id, reply);
        Map<String, String> fields = new LinkedHashMap<>(commandFields);
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
        return RedisReplies.attempt(() -> leases.acquire(shared.async(), callId, holder)).handle((other, error) -> {
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
        return RedisReplies.attempt(() -> leases.holder(shared.async(), callId)).handle((current, error) -> {
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


    private String holderName(String operator) {
        return (operator == null ? defaultOperator() : operator) + "@" + options.nodeId();
    }

    private static String defaultOperator() {
        return System.getProperty("user.name", "unknown");
    }

    boolean isLocalLive(String callId) {
        if (registry.find(callId) == null) {
            return false;
        }
        return registry.calls().stream().anyMatch(s -> s.callId().equals(callId) && s.endedAt() == null);
    }

    /** The loop on a {@code cluster-*} thread: this node's command stream, read through its consumer group. */
    void consume() {
        String commands = keys.commands(options.nodeId());
        Consumer<String> me = Consumer.from(ClusterKeys.OWNER_GROUP, options.nodeId());
        long backoff = 100;
        while (!loop.stopped()) {
            try {
                List<StreamMessage<String, String>> messages = consuming.sync().xreadgroup(me,
                        XReadArgs.Builder.block(ClusterNode.BLOCK_MS).count(100), XReadArgs.StreamOffset.lastConsumed(commands));
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
                        backoff = loop.pause(backoff);
                    }
                } else {
                    backoff = loop.pause(backoff);
                }
            } catch (RuntimeException e) {
                if (loop.stopped()) {
                    return;
                }
                loop.unreachable(e);
                backoff = loop.pause(backoff);
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
        } else if (SOCKET.equals(body.get("cmd"))) {
            ok = registry.refusesSecondSession(callId, "node " + from);
            detail = ok ? "" : "no open socket for call " + callId + " on node " + options.nodeId();
        } else if (ACTION.equals(body.get("cmd"))) {
            ok = registry.find(callId) != null;
            detail = ok ? "" : "call " + callId + " is not on node " + options.nodeId();
            if (ok) {
                registry.actionCallback(callId, StreamCodec.form(body.getOrDefault("form", "{}")),
                        body.getOrDefault("outcome", ""));
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

    private <T> T await(io.lettuce.core.RedisFuture<T> future) {
        return RedisReplies.await(future, options.commandTimeout());
    }
}
