package app.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervisor take-over leases: {@code SET lease:CALL operator@node NX PX ttl}. Whoever set it
 * holds the call until they release it (compare-and-delete) or stop renewing it (their node
 * died): two supervisors, on one node or on two, never both hold a call. The holding node
 * renews its leases every heartbeat, and re-creates one that vanished (Redis restarted empty).
 */
final class Leases {

    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

    /** 1: renewed; 2: was gone and is set again; 0: someone else holds it now. */
    private static final String RENEW = """
            local v = redis.call('get', KEYS[1])
            if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
            if not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
            return 0""";
    private static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
            return 0""";

    private final ClusterKeys keys;
    private final long ttlMs;
    /** The leases this node holds: call id → holder. */
    private final Map<String, String> held = new ConcurrentHashMap<>();

    Leases(ClusterKeys keys, long ttlMs) {
        this.keys = keys;
        this.ttlMs = ttlMs;
    }

    /** Null when {@code holder} now holds the call (or already did); else who does. */
    CompletableFuture<String> acquire(RedisAsyncCommands<String, String> redis, String callId, String holder) {
        String key = keys.lease(callId);
        return redis.set(key, holder, SetArgs.Builder.nx().px(ttlMs)).toCompletableFuture().thenCompose(ok -> {
            if ("OK".equals(ok)) {
                held.put(callId, holder);
                return CompletableFuture.completedFuture((String) null);
            }
            return redis.get(key).toCompletableFuture().thenApply(current -> {
                if (holder.equals(current)) {
                    held.put(callId, holder);
                    return null;
                }
                return current == null ? "a lease that just expired" : current;
            });
        });
    }

    /** Null when released (or nobody held it); else who holds it instead. */
    CompletableFuture<String> release(RedisAsyncCommands<String, String> redis, String callId, String holder) {
        // Let go here first: a renewal sent after the delete would otherwise set the lease again.
        boolean wasHeld = held.remove(callId, holder);
        String key = keys.lease(callId);
        return redis.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key}, holder).toCompletableFuture()
                .thenCompose(deleted -> deleted != null && deleted > 0
                        ? CompletableFuture.completedFuture((String) null)
                        : redis.get(key).toCompletableFuture())
                .whenComplete((other, error) -> {
                    if (error != null && wasHeld) {
                        held.put(callId, holder); // not released after all: keep renewing it
                    }
                });
    }

    /** Who holds the call's lease now (null: nobody). */
    CompletableFuture<String> holder(RedisAsyncCommands<String, String> redis, String callId) {
        return redis.get(keys.lease(callId)).toCompletableFuture();
    }

    /** Every heartbeat: keep this node's leases alive; lets go of calls that are over. */
    void renew(RedisAsyncCommands<String, String> redis, java.util.function.Predicate<String> over) {
        held.forEach((callId, holder) -> {
            if (over.test(callId)) {
                release(redis, callId, holder);
                return;
            }
            redis.<Long>eval(RENEW, ScriptOutputType.INTEGER, new String[] {keys.lease(callId)}, holder,
                    Long.toString(ttlMs)).thenAccept(result -> {
                        if (result != null && result == 0) {
                            held.remove(callId, holder);
                            LOG.warn("Lease on call {} was taken by another supervisor while {} could not renew it",
                                    callId, holder);
                        }
                    });
        });
    }

    /** Held without Redis's word (it was unreachable): the next renewal sets the lease, or learns it is taken. */
    void assume(String callId, String holder) {
        held.put(callId, holder);
    }

    void forget(String callId, String holder) {
        held.remove(callId, holder);
    }
}
