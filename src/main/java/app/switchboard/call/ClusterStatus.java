package app.switchboard.call;

import java.util.List;

/**
 * What a console shows about the cluster behind its {@link CallControl}: whether the shared bus
 * (Redis) is reachable, how many of this node's events wait to be published or were dropped from
 * that wait (the node's own store is never affected), and which nodes stopped heart-beating.
 * A single-node relay reports {@link #SINGLE_NODE}.
 *
 * @param bus the bus's address without credentials, or empty on a single node
 */
public record ClusterStatus(boolean clustered, String nodeId, String bus, boolean busReachable,
                            long eventsWaiting, long eventsDropped, List<String> lostNodes) {

    public static final ClusterStatus SINGLE_NODE = new ClusterStatus(false, "", "", true, 0, 0, List.of());

    public ClusterStatus {
        lostNodes = List.copyOf(lostNodes);
    }

    /** A console shows a banner while this is true: other nodes' calls may be stale, commands to them fail. */
    public boolean degraded() {
        return clustered && !busReachable;
    }
}
