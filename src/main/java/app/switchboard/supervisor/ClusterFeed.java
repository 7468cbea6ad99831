package app.switchboard.supervisor;

import app.switchboard.call.CallControl;
import app.switchboard.call.ClusterStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's state for remote consoles' banner: read every so often (it is a few fields in
 * memory) and told to every console when it changed. A single node never says anything; one
 * that was clustered says so once more, so consoles clear their banner.
 */
final class ClusterFeed {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFeed.class);

    private final CallControl calls;
    private final ScheduledExecutorService timer;
    private final List<SupervisorEndpoint> connections;
    /** Touched only on the {@code timer} thread (and once in the constructor, before it runs). */
    private ClusterStatus last;
    private boolean sent;
    private ScheduledFuture<?> poll;

    ClusterFeed(CallControl calls, ScheduledExecutorService timer, List<SupervisorEndpoint> connections) {
        this.calls = calls;
        this.timer = timer;
        this.connections = connections;
        // The state now is what consoles get with their snapshot; the poll sends only what changes after it.
        this.last = calls.clusterStatus();
        this.sent = last.clustered();
    }

    /** Reads the cluster's state every {@code every} from now on. */
    synchronized void every(Duration every) {
        if (poll != null) {
            poll.cancel(false);
        }
        poll = timer.scheduleWithFixedDelay(this::check, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            ClusterStatus now = calls.clusterStatus();
            if (now.equals(last)) {
                return;
            }
            last = now;
            if (!now.clustered() && !sent) {
                return;
            }
            sent = true;
            String json = SupervisorCodec.encode(SupervisorMessage.Cluster.of(now));
            for (SupervisorEndpoint c : connections) {
                c.cluster(json);
            }
        } catch (RuntimeException e) {
            LOG.warn("Reading the cluster's state for the consoles failed", e);
        }
    }

    /** The cluster message as it stands now (sent to a console after its snapshot), or null on a single node. */
    String json() {
        ClusterStatus now = calls.clusterStatus();
        return now.clustered() ? SupervisorCodec.encode(SupervisorMessage.Cluster.of(now)) : null;
    }
}
