package app.switchboard.cluster;

import app.switchboard.sim.SimulatedCall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One test's cluster: a redis-server (the shared one, or the test's own), a key prefix no other
 * test uses, the nodes started on them and the callers dialled into them, all closed together:
 * callers first, then nodes, then a Redis of the test's own.
 */
final class TestCluster implements AutoCloseable {

    /** Starts a node of this cluster; given its id, its data directory, Redis and the prefix. */
    interface NodeStart {
        ClusterTestNode start(String id, Path dir, String redis, String prefix) throws Exception;
    }

    final String redis;
    final String prefix = "test-" + UUID.randomUUID();
    private final Path dir;
    private final AutoCloseable[] ownRedis = new AutoCloseable[1];
    private final List<ClusterTestNode> nodes = new ArrayList<>();
    private final List<SimulatedCall> callers = new ArrayList<>();

    TestCluster(Path dir) throws Exception {
        this.dir = dir;
        this.redis = RedisServer.sharedOrOwn(ownRedis);
    }

    /** A node with the fast timings and the offline responder. */
    ClusterTestNode node(String id) throws Exception {
        return node(id, (nodeId, nodeDir, r, p) -> new ClusterTestNode(nodeId, nodeDir, r, p, ClusterTestNode.fastTimings()));
    }

    ClusterTestNode node(String id, NodeStart start) throws Exception {
        ClusterTestNode node = start.start(id, dir.resolve(id), redis, prefix);
        nodes.add(node);
        return node;
    }

    /** The nodes started so far, in order. */
    List<ClusterTestNode> nodes() {
        return nodes;
    }

    /** A caller to hang up when the test ends. */
    SimulatedCall track(SimulatedCall call) {
        callers.add(call);
        return call;
    }

    @Override
    public void close() throws Exception {
        callers.forEach(SimulatedCall::close);
        for (ClusterTestNode node : nodes) {
            node.close();
        }
        if (ownRedis[0] != null) {
            ownRedis[0].close();
        }
    }
}
