package app.switchboard.cluster;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.LlmClient;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.Settings;
import app.switchboard.relay.CallTokens;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallResumption;
import app.switchboard.supervisor.ConsoleUpgrade;
import app.switchboard.supervisor.SupervisorAccounts;
import app.switchboard.supervisor.SupervisorHub;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One relay node as the product runs it, on loopback: Jetty over TLS, the offline responder, its
 * own SQLite store, and its cluster membership. Callers reach it over real {@code wss://}.
 */
final class ClusterTestNode implements AutoCloseable {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String PUBLIC_URL = "https://calls.example.test";

    final String id;
    final OfflineResponder responder;
    final CallRegistry registry;
    final EventStore store;
    final RelayServer relay;
    final SimClient client;
    final ClusterNode node;
    /** The supervisor API on this node's relay, over the cluster's control (as the app wires it); null unless asked for. */
    final SupervisorHub hub;
    final SupervisorAccounts accounts;
    private boolean abandoned;

    ClusterTestNode(String id, Path dir, String redis, String prefix, ClusterOptions timings) throws Exception {
        this(id, dir, redis, prefix, timings, false);
    }

    ClusterTestNode(String id, Path dir, String redis, String prefix, ClusterOptions timings, boolean supervisorApi)
            throws Exception {
        this(id, dir, redis, prefix, timings, supervisorApi, null, null);
    }

    /**
     * With {@code llm} (null: the offline responder) answering, and with application reconnect on
     * when {@code reconnectWait} is set: the node's own record first, then the call's stream in
     * Redis, as the app wires a clustered node. The call tokens are the cluster's (shared key).
     */
    ClusterTestNode(String id, Path dir, String redis, String prefix, ClusterOptions timings, boolean supervisorApi,
                    LlmClient llm, Duration reconnectWait) throws Exception {
        this(id, dir, redis, prefix, timings, supervisorApi, llm, reconnectWait, s -> { });
    }

    /** As above, with {@code tune} changing the node's settings first (a short socket idle timeout, say). */
    ClusterTestNode(String id, Path dir, String redis, String prefix, ClusterOptions timings, boolean supervisorApi,
                    LlmClient llm, Duration reconnectWait, java.util.function.Consumer<Settings> tune) throws Exception {
        this.id = id;
        Settings settings = new Settings();
        tune.accept(settings);
        responder = new OfflineResponder(0);
        registry = new CallRegistry(ConversationAgent.factory(llm == null ? responder : llm, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        store = EventStore.open(dir.resolve("data"), EventStore.Options.defaults()).attach(registry);
        node = ClusterNode.join(RedisTarget.parse(redis, Map.of()),
                new ClusterOptions(prefix, id, timings.heartbeatEvery(), timings.heartbeatTtl(), timings.commandTimeout(),
                        timings.leaseTtl(), timings.eventBuffer(), timings.callStreamMaxLen(), timings.allEventsMaxLen(),
                        timings.commandStreamMaxLen(), timings.endedCallKept()),
                registry);
        if (reconnectWait != null) {
            settings.applicationReconnect = true;
            registry.reconnects(new CallRegistry.Reconnects(true, reconnectWait,
                    node.resumption(new StoreCallResumption(store), store::append)));
        }
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC_URL,
                // With reconnect on, the nodes stand behind one public name (a load balancer's): one certificate.
                new RelayConfig.TlsSource.SelfSigned(reconnectWait == null ? dir.resolve("tls") : dir.resolveSibling("tls")),
                TOKEN, settings,
                CallTokens.withSecret(node.callTokenSecret())), registry);
        if (supervisorApi) {
            accounts = SupervisorAccounts.in(dir.resolve("data"));
            hub = new SupervisorHub(node.control(), accounts, id, SupervisorHub.Limits.DEFAULT);
            relay.addWebSocket(ConsoleUpgrade.PATH, new ConsoleUpgrade(hub));
        } else {
            accounts = null;
            hub = null;
        }
        relay.start();
        client = SimClient.pinned(relay.fingerprint());
    }

    /** Timings short enough for a test: heartbeat 100 ms, lost after 600 ms, commands time out after 2 s. */
    static ClusterOptions fastTimings() {
        return ClusterOptions.defaults("timings").withTimings(Duration.ofMillis(100), Duration.ofMillis(600),
                Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    /** A caller as Twilio would place it (signed, pinned), as a load balancer sent it to this node. */
    SimulatedCall call() {
        return SimulatedCall.builder(client, URI.create(relay.localRelayUrl()))
                .signedUrl(relay.relayUrl())
                .authToken(TOKEN)
                .action(URI.create(relay.localBaseUrl() + "/action"), relay.actionUrl())
                .voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(20))
                .build().open();
    }

    URI consoleUri() {
        return URI.create(relay.localBaseUrl().replace("https://", "wss://") + ConsoleUpgrade.PATH);
    }

    /** The node dies: no goodbye to Redis, no more heartbeats; its callers' sockets drop. */
    void kill() {
        abandoned = true;
        node.abandon();
        relay.close();
    }

    @Override
    public void close() throws Exception {
        client.close();
        if (hub != null) {
            hub.close();
        }
        // As the app stops: the calls end first (recorded, and published), then the node leaves.
        registry.close();
        if (!abandoned) {
            node.close();
            relay.close();
        }
        store.close();
        responder.close();
    }
}
