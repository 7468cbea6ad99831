package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallControl;
import app.switchboard.call.ClusterStatus;
import app.switchboard.call.ConnectionState.Phase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cluster} message: a real TLS relay whose {@link CallControl#clusterStatus()} the test
 * sets (the registry behind a proxy that answers that one method, as a clustered node's
 * {@code ClusterCallControl} would), an API console and a {@link RemoteCallControl}. The remote
 * console's {@code clusterStatus()} is what the main window's banner reads
 * ({@code MainWindowViewModel.clusterBanner}, covered by {@code ClusterBannerTest}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoteClusterStatusTest {

    private static final ClusterStatus HEALTHY = new ClusterStatus(true, "node-a", "redis://127.0.0.1:6379", true, 0, 0,
            List.of());
    private static final ClusterStatus BUS_AWAY = new ClusterStatus(true, "node-a", "redis://127.0.0.1:6379", false,
            1_234, 5, List.of("node-c"));

    @TempDir
    java.nio.file.Path dir;
    private final AtomicReference<ClusterStatus> cluster = new AtomicReference<>(HEALTHY);
    private ConsoleHarness harness;
    private String alice;

    private void start(ClusterStatus initial) throws Exception {
        cluster.set(initial);
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 0, SupervisorHub.DEFAULT_HOLD_GRACE, false,
                this::withClusterStatus);
        harness.hub.clusterPolling(Duration.ofMillis(50));
        alice = harness.accounts.add("alice");
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /** The registry, except that its cluster status is the test's. */
    private CallControl withClusterStatus(CallControl registry) {
        return (CallControl) Proxy.newProxyInstance(CallControl.class.getClassLoader(), new Class<?>[] {CallControl.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("clusterStatus") && method.getParameterCount() == 0) {
                        return cluster.get();
                    }
                    try {
                        return method.invoke(registry, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<SupervisorMessage.Cluster> clusterMessages(ConsoleHarness.Console console) {
        return console.messages.stream().filter(m -> m instanceof SupervisorMessage.Cluster)
                .map(m -> (SupervisorMessage.Cluster) m).toList();
    }

    @Test
    void aConsoleGetsTheClusterAfterItsSnapshotAndEachChange() throws Exception {
        start(HEALTHY);
        try (ConsoleHarness.Console console = harness.console(alice)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !clusterMessages(console).isEmpty());
            int snapshotAt = indexOf(console, SupervisorMessage.Snapshot.class);
            int clusterAt = indexOf(console, SupervisorMessage.Cluster.class);
            assertThat(snapshotAt).isGreaterThanOrEqualTo(0).isLessThan(clusterAt);
            assertThat(clusterMessages(console).get(0).asStatus()).isEqualTo(HEALTHY);

            cluster.set(BUS_AWAY);
            await().atMost(Duration.ofSeconds(10)).until(() -> clusterMessages(console).stream()
                    .anyMatch(m -> m.asStatus().equals(BUS_AWAY)));
            cluster.set(HEALTHY);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<SupervisorMessage.Cluster> seen = clusterMessages(console);
                return seen.get(seen.size() - 1).asStatus().equals(HEALTHY);
            });
            // Only changes are sent: healthy, away, healthy (the poll ran many times meanwhile).
            assertThat(clusterMessages(console)).extracting(SupervisorMessage.Cluster::busReachable)
                    .containsExactly(true, false, true);
        }
    }

    private static int indexOf(ConsoleHarness.Console console, Class<?> type) {
        for (int i = 0; i < console.messages.size(); i++) {
            if (type.isInstance(console.messages.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aRemoteConsoleReportsTheRelaysClusterForItsBanner() throws Exception {
        start(BUS_AWAY);
        try (RemoteCallControl remote = RemoteCallControl.overTls(URI.create(harness.relay.localBaseUrl()),
                harness.relay.fingerprint(), alice, RemoteCallControl.Options.defaults(List.of("en-US"))).start()) {
            assertThat(remote.firstAttempt().get(20, TimeUnit.SECONDS).phase()).isEqualTo(Phase.CONNECTED);
            await().atMost(Duration.ofSeconds(10)).until(() -> remote.clusterStatus().equals(BUS_AWAY));
            assertThat(remote.clusterStatus().degraded()).isTrue();
            assertThat(remote.clusterStatus().lostNodes()).containsExactly("node-c");

            cluster.set(HEALTHY);
            await().atMost(Duration.ofSeconds(10)).until(() -> remote.clusterStatus().equals(HEALTHY));
            assertThat(remote.clusterStatus().degraded()).isFalse();
        }
    }

    @Test
    void aSingleNodeRelaySendsNoClusterMessage() throws Exception {
        start(ClusterStatus.SINGLE_NODE);
        try (ConsoleHarness.Console console = harness.console(alice)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> console.messages.stream()
                    .anyMatch(m -> m instanceof SupervisorMessage.Presence));
            // A change to the relay after connecting: if a single node said anything, it would say it now.
            try (ConsoleHarness.Console bob = harness.console(harness.accounts.add("carol"))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> console.messages.stream()
                        .filter(m -> m instanceof SupervisorMessage.Presence).count() >= 2);
            }
            assertThat(clusterMessages(console)).isEmpty();
        }
    }
}
