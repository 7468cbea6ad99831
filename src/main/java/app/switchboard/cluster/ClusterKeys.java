package app.switchboard.cluster;

/**
 * The key layout in Redis (docs/cluster.md explains each choice). Every key starts with the
 * cluster's prefix, so several clusters (or a test per cluster) can share one Redis.
 */
final class ClusterKeys {

    /** The group every node's command stream is read with; one consumer (the owning node) per stream. */
    static final String OWNER_GROUP = "owner";

    private final String prefix;

    ClusterKeys(String prefix) {
        this.prefix = prefix.endsWith(":") ? prefix : prefix + ":";
    }

    /** Stream: every event of one call (its recent window; the owner's SQLite file is the record). */
    String callEvents(String callId) {
        return prefix + "call:" + callId + ":events";
    }

    /** Stream: every event of every call of the cluster, which each node follows to keep its view. */
    String allEvents() {
        return prefix + "events";
    }

    /** Hash: call id → the call's summary and its owning node (the live-call index). */
    String callIndex() {
        return prefix + "calls";
    }

    /** String with a TTL: present while the node heart-beats. */
    String heartbeat(String nodeId) {
        return prefix + "node:" + nodeId + ":alive";
    }

    /**
     * Sorted set: every node id that heart-beats, scored with its last heartbeat (ms). A member
     * without a live heartbeat key is lost; a node that leaves cleanly removes itself.
     */
    String nodes() {
        return prefix + "nodes";
    }

    /** String: set once by whichever node first saw {@code nodeId}'s heartbeat expire (SET NX). */
    String nodeLost(String nodeId) {
        return prefix + "node:" + nodeId + ":lost";
    }

    /** Stream with a consumer group: commands for the calls {@code nodeId} owns. */
    String commands(String nodeId) {
        return prefix + "node:" + nodeId + ":commands";
    }

    /** Stream: replies to the commands {@code nodeId} sent, matched by correlation id. */
    String replies(String nodeId) {
        return prefix + "node:" + nodeId + ":replies";
    }

    /** String with a TTL: the supervisor holding the call ({@code operator@node}). */
    String lease(String callId) {
        return prefix + "lease:" + callId;
    }

    /**
     * String, no TTL: the key of the per-call tokens (HMAC, relay.CallTokens), set once by the
     * first node ({@code SET NX}) so a reconnect's token checks on every node.
     */
    String callTokenKey() {
        return prefix + "call-token-key";
    }

    /**
     * Stream: the supervisors' attention rules, one entry per saved rule set ({@code node},
     * {@code rules}); the last entry is the set every node applies, and a node that starts reads it.
     */
    String alertRules() {
        return prefix + "alert-rules";
    }
}
