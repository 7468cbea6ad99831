package app.switchboard;

import app.switchboard.account.AccountAccess;
import app.switchboard.account.TwilioAccount;
import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.LiveLlmClient;
import app.switchboard.agent.LlmClient;
import app.switchboard.agent.OpenAiChatClient;
import app.switchboard.call.CallControl;
import app.switchboard.agent.PostCallSummaries;
import app.switchboard.call.CallRegistry;
import app.switchboard.cluster.ClusterNode;
import app.switchboard.cluster.ClusterOptions;
import app.switchboard.cluster.RedisTarget;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.relay.HealthCheck;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.supervisor.ConsoleUpgrade;
import app.switchboard.supervisor.SupervisorAccounts;
import app.switchboard.supervisor.RelayAudio;
import app.switchboard.supervisor.SupervisorHub;
import app.switchboard.console.ConsoleApp;
import app.switchboard.console.ConsoleContext;
import app.switchboard.sim.DemoCallers;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import app.switchboard.store.StoreCallResumption;
import app.switchboard.history.StoreHealth;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running app: model client, calls, relay; and, unless headless, the console. The
 * composition root: the one class that knows every part, builds them in order, applies saved
 * settings to the parts that can take them live, and closes them in the reverse order. Over 400
 * lines because each part it wires (store, cluster, relay, supervisor API, live audio, summaries,
 * demo) adds its few lines here and nowhere else.
 */
final class SwitchboardApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SwitchboardApp.class);

    private final Settings settings;
    private final Secrets secrets;
    private final AppDirectories dirs;
    private final LiveLlmClient llm;
    /** What every call's agent reads at each answer; replaced when the console saves settings. */
    private final java.util.concurrent.atomic.AtomicReference<AgentSettings> agentSettings;
    private final CallRegistry registry;
    private PostCallSummaries summaries;
    private final RelayServer relay;
    private final EventStore store;
    private final Settings saved;
    private final SupervisorHub consoles;
    /** Null on a single node. */
    private final ClusterNode cluster;
    /** What consoles (embedded and remote) use: the registry, or the cluster's view of every node. */
    private final CallControl control;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile DemoCallers demo;
    private volatile AccountAccess account = new AccountAccess.Unavailable("the relay has not started");

    private SwitchboardApp(Settings settings, Secrets secrets, AppDirectories dirs, LiveLlmClient llm,
                           java.util.concurrent.atomic.AtomicReference<AgentSettings> agentSettings, CallRegistry registry, RelayServer relay, EventStore store, Settings saved,
                           SupervisorHub consoles, ClusterNode cluster, CallControl control) {
        this.consoles = consoles;
        this.cluster = cluster;
        this.control = control;
        this.settings = settings;
        this.secrets = secrets;
        this.dirs = dirs;
        this.llm = llm;
        this.agentSettings = agentSettings;
        this.registry = registry;
        this.relay = relay;
        this.store = store;
        this.saved = saved;
    }

    /**
     * @param settings what this run uses (saved settings with the command line's overrides)
     * @param saved    the settings as saved, which the console's settings dialog edits
     */
    /** {@code --cluster}: where Redis is and how this node takes part. */
    record ClusterSetup(RedisTarget target, ClusterOptions options) {
    }

    /** The node could not join its cluster (Redis unreachable, refused credentials); the message names Redis redacted. */
    static final class ClusterUnavailable extends IOException {
        ClusterUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static SwitchboardApp start(Settings settings, Settings saved, Secrets secrets, AppDirectories dirs,
                                RelayConfig.TlsSource tls, int demoCallers) throws IOException {
        return start(settings, saved, secrets, dirs, tls, demoCallers, null);
    }

    static SwitchboardApp start(Settings settings, Settings saved, Secrets secrets, AppDirectories dirs,
                                RelayConfig.TlsSource tls, int demoCallers, ClusterSetup clusterSetup) throws IOException {
        LiveLlmClient llm = new LiveLlmClient(createLlm(settings, secrets));
        java.util.concurrent.atomic.AtomicReference<AgentSettings> agentSettings =
                new java.util.concurrent.atomic.AtomicReference<>(AgentSettings.from(settings, secrets));
        CallRegistry registry = new CallRegistry(ConversationAgent.factory(llm, agentSettings::get),
                settings.languageCodes(), settings.twiml.language);
        // The embedded console's name in the audit trail and on its holds (a changed one applies at the next start).
        registry.embeddedOperator(settings::supervisorDisplayName);
        // The supervisor's attention rules; the settings dialog replaces them on live calls when it saves.
        registry.alertRules(app.switchboard.console.settings.AlertRuleSettings.toRules(settings.attentionRules));
        // Subscribed before the relay listens, so no call's first event is missed.
        // Demo calls are kept apart from the real call history.
        EventStore store = EventStore.open(demoCallers > 0 ? dirs.data().resolve("demo") : dirs.data(),
                EventStore.Options.defaults().withRetention(() -> settings.retentionDays)).attach(registry);
        registry.reconnects(reconnects(settings, store));
        ClusterNode cluster = null;
        if (clusterSetup != null) {
            // Also subscribed before the relay listens. The store stays fed by the registry itself:
            // Redis is the bus between nodes, never this node's record.
            try {
                cluster = ClusterNode.join(clusterSetup.target(), clusterSetup.options(), registry);
            } catch (RuntimeException e) {
                registry.close();
                store.close();
                llm.close();
                throw new ClusterUnavailable(e.getMessage(), e);
            }
        }
        CallControl control = cluster == null ? registry : cluster.control();
        app.switchboard.relay.CallTokens tokens;
        if (cluster == null) {
            tokens = app.switchboard.relay.CallTokens.loadOrCreate(dirs.data());
        } else {
            // A reconnect may land on any node: every node checks tokens under the cluster's one key.
            registry.reconnects(reconnects(settings, store, cluster));
            try {
                tokens = app.switchboard.relay.CallTokens.withSecret(cluster.callTokenSecret());
            } catch (RuntimeException e) {
                registry.close();
                cluster.close();
                store.close();
                llm.close();
                throw new ClusterUnavailable("cannot read the cluster's call-token key: " + e.getMessage(), e);
            }
        }
        RelayServer relay = new RelayServer(
                new RelayConfig(settings.host, settings.port, settings.publicUrl, tls, secrets.twilioAuthToken(), settings,
                        tokens).withLimits(socketLimits(settings)),
                registry);
        relay.modelName(llm::describe);
        relay.addHealthCheck(() -> storeHealth(store));
        // The supervisor API shares the relay's TLS port; it answers 404 until an account exists.
        SupervisorAccounts supervisors = SupervisorAccounts.in(dirs.data());
        SupervisorHub consoles = new SupervisorHub(control, supervisors,
                settings.publicUrl == null || settings.publicUrl.isBlank() ? "switchboard" : settings.publicUrl,
                SupervisorHub.Limits.DEFAULT, java.time.Duration.ofSeconds(Math.max(0, settings.holdGraceSeconds)))
                .history(new StoreCallHistory(store))
                // Audio reaches the node whose /media socket has the call's stream: this node's own calls.
                .audio(RelayAudio.of(relay.liveAudio(), () -> settings.listenToCalls, id -> registry.find(id) != null));
        relay.addWebSocket(ConsoleUpgrade.PATH, new ConsoleUpgrade(consoles));
        try {
            relay.start();
        } catch (IOException e) {
            consoles.close();
            registry.close();
            closeQuietly(cluster);
            store.close();
            llm.close();
            throw e;
        } catch (Exception e) {
            consoles.close();
            registry.close();
            closeQuietly(cluster);
            store.close();
            llm.close();
            throw new IOException(e.getMessage(), e);
        }
        SwitchboardApp app = new SwitchboardApp(settings, secrets, dirs, llm, agentSettings, registry, relay, store, saved, consoles,
                cluster, control);
        if (cluster != null) {
            LOG.info("Cluster node {}: consoles on this node see and steer every node's calls", cluster.nodeId());
        }
        // Each ended call gets its summary: the model's with a key, rule-based without (or when it fails).
        app.summaries = PostCallSummaries.attach(registry, llm);
        LOG.info(supervisors.isEmpty() ? "Supervisor API {} is off: no accounts (switchboard users add NAME)"
                : "Supervisor API on {} for {} account(s)", relay.localBaseUrl().replace("https://", "wss://")
                + ConsoleUpgrade.PATH, supervisors.list().size());
        app.openAccount();
        if (demoCallers > 0) {
            try {
                app.startDemoCallers(demoCallers);
            } catch (Exception e) {
                app.close();
                throw new IOException("cannot start the demo callers: " + e.getMessage(), e);
            }
        }
        return app;
    }

    /**
     * Settings saved in the console's dialog, applied to the running app where they can be: the
     * prompt, fallback sentence and first-token timeout from the next answer of every call; model
     * and base URL from the next model request (unless OPENAI_MODEL / OPENAI_BASE_URL fix them);
     * greeting, voice options, handoff number and goodbye for the next call's TwiML; retention at
     * once (old calls are pruned now, then daily); the supervisor name for the next command.
     * What the relay was started with (port, host, public URL, TLS, switchable languages,
     * application reconnect, hold grace, limits) waits for the next start; the dialog says so.
     *
     * <p>The relay's threads read these fields of {@link #settings} for each request; a field is
     * replaced as a whole (a string, a number, or a new TwiML block), never edited in pieces, so a
     * request sees the old value or the new one.
     *
     * @return what was applied, for the log
     */
    synchronized java.util.List<String> applySettings(Settings changed) {
        java.util.List<String> applied = new java.util.ArrayList<>();
        if (closed || changed == null) {
            return applied;
        }
        if (!java.util.Objects.equals(settings.systemPrompt, changed.systemPrompt)
                || !java.util.Objects.equals(settings.fallbackSentence, changed.fallbackSentence)
                || settings.firstTokenTimeoutMs != changed.firstTokenTimeoutMs) {
            settings.systemPrompt = changed.systemPrompt;
            settings.fallbackSentence = changed.fallbackSentence;
            settings.firstTokenTimeoutMs = changed.firstTokenTimeoutMs;
            agentSettings.set(AgentSettings.from(settings, secrets));
            applied.add("prompt and fallback sentence");
        }
        String modelBefore = effectiveModel(settings, secrets);
        settings.model = changed.model;
        settings.baseUrl = changed.baseUrl;
        if (secrets.hasOpenAiKey() && !modelBefore.equals(effectiveModel(settings, secrets))) {
            llm.replace(createLlm(settings, secrets));
            applied.add("model " + llm.describe());
        }
        if (!java.util.Objects.equals(settings.handoffNumber, changed.handoffNumber)) {
            settings.handoffNumber = changed.handoffNumber;
            applied.add("handoff number");
        }
        settings.goodbyeMessage = changed.goodbyeMessage;
        Settings.TwimlSettings twiml = changed.copy().twiml;
        // The switchable languages are the registry's, fixed at start: the TwiML keeps offering those.
        twiml.languages = settings.twiml.languages;
        if (!java.util.Objects.equals(twiml.welcomeGreeting, settings.twiml.welcomeGreeting)) {
            applied.add("welcome greeting");
        }
        settings.twiml = twiml;
        settings.supervisorName = changed.supervisorName;
        if (settings.retentionDays != changed.retentionDays) {
            settings.retentionDays = changed.retentionDays;
            applied.add("retention " + changed.retentionDays + " days");
            if (changed.retentionDays > 0) {
                int days = changed.retentionDays;
                store.applyRetention(days).whenComplete((deleted, failure) -> {
                    if (failure != null) {
                        LOG.warn("Retention of {} days did not run: {}", days, failure.getMessage());
                    } else if (deleted > 0) {
                        LOG.info("Retention: deleted {} calls that ended more than {} days ago", deleted, days);
                    }
                });
            }
        }
        if (!applied.isEmpty()) {
            LOG.info("Settings applied without a restart: {}", String.join(", ", applied));
        }
        return applied;
    }

    /** The model and server requests go to: the environment's choice first, as at start. */
    private static String effectiveModel(Settings settings, Secrets secrets) {
        String base = secrets.openAiBaseUrl() != null ? secrets.openAiBaseUrl() : settings.baseUrl;
        String name = secrets.openAiModel() != null ? secrets.openAiModel() : settings.model;
        return name + " at " + base;
    }

    /** What consoles on this node use (tests look through it as a console would). */
    CallControl control() {
        return control;
    }

    RelayServer relay() {
        return relay;
    }

    EventStore store() {
        return store;
    }

    CallRegistry registry() {
        return registry;
    }

    /** Application reconnect as the settings ask; calls this relay does not hold come from its store. */
    static CallRegistry.Reconnects reconnects(Settings settings, EventStore store) {
        if (!settings.applicationReconnect) {
            return CallRegistry.Reconnects.OFF;
        }
        return new CallRegistry.Reconnects(true, java.time.Duration.ofSeconds(Math.max(1, settings.reconnectWaitSeconds)),
                new StoreCallResumption(store));
    }

    /** Application reconnect on a cluster node: this node's own record first, then the call's stream in Redis. */
    static CallRegistry.Reconnects reconnects(Settings settings, EventStore store, ClusterNode cluster) {
        CallRegistry.Reconnects single = reconnects(settings, store);
        if (!single.enabled()) {
            return single;
        }
        return new CallRegistry.Reconnects(true, single.waitFor(), cluster.resumption(single.stored(), store::append));
    }

    private static void closeQuietly(ClusterNode cluster) {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The socket limits, with the frame rate from the settings where it is set. */
    static RelayConfig.Limits socketLimits(Settings settings) {
        RelayConfig.Limits limits = RelayConfig.Limits.defaults();
        if (settings.socketFramesPerSecond != null || settings.socketFrameBurst != null) {
            limits = limits.withFrameRate(
                    settings.socketFramesPerSecond != null ? settings.socketFramesPerSecond : limits.framesPerSecond(),
                    settings.socketFrameBurst != null ? settings.socketFrameBurst : limits.frameBurst());
        }
        return limits;
    }

    /** Free space below which the disk is reported as nearly full (the store stops at full). */
    static final long LOW_DISK_BYTES = 256L * 1024 * 1024;

    /** The call history's part of /health: its state, and the disk it writes to. */
    static HealthCheck.Result storeHealth(EventStore store) {
        StoreHealth h = store.health();
        HealthCheck.Level level = switch (h.status()) {
            case OK -> HealthCheck.Level.OK;
            case DEGRADED -> HealthCheck.Level.DEGRADED;
            case FAILED -> HealthCheck.Level.FAILED;
        };
        String reason = h.ok() ? null : withoutPaths(h.message());
        if (level == HealthCheck.Level.OK) {
            try {
                long free = Files.getFileStore(store.file().getParent()).getUsableSpace();
                if (free < LOW_DISK_BYTES) {
                    level = HealthCheck.Level.DEGRADED;
                    reason = String.format("the disk holding the call history has %,d MB free", free / (1024 * 1024));
                }
            } catch (IOException e) {
                // the store reports a disk it cannot use itself
            }
        }
        return new HealthCheck.Result("store", level, reason);
    }

    /** /health is reachable from the internet: the store's messages name local folders, which it need not. */
    static String withoutPaths(String message) {
        return message == null ? null : message.replaceAll("\\s*\\((?:/|[A-Za-z]:\\\\)[^)]*\\)", "");
    }

    /** The Twilio account side: used by the console; its absence is logged with the reason, never fatal. */
    private void openAccount() {
        try {
            account = AccountAccess.open(secrets, settings.publicUrl,
                    new TwilioAccount.RelayUrls(relay.twimlUrl(), relay.statusUrl()), dirs.data(), registry.outbound());
        } catch (RuntimeException e) {
            account = new AccountAccess.Unavailable("could not set up the Twilio REST client: " + e.getMessage());
        }
        if (account instanceof AccountAccess.Unavailable u) {
            LOG.info("Twilio account features (numbers, outbound calls) unavailable: {}", u.reason());
        } else {
            LOG.info("Twilio account features available");
        }
    }

    private static LlmClient createLlm(Settings settings, Secrets secrets) {
        // With OPENAI_API_KEY: openai-java (OPENAI_BASE_URL, OPENAI_MODEL); without: the offline responder, said loudly.
        return OpenAiChatClient.create(secrets, settings);
    }

    /** The start-up contract: the ready line first, then what a user needs to connect Twilio. */
    void printReady(PrintStream out) {
        out.println("Switchboard relay listening on " + relay.localRelayUrl());
        out.println("TwiML webhook: " + relay.twimlUrl());
        out.println("TLS certificate SHA-256: " + relay.fingerprint());
        out.println("Model: " + llm.describe());
        if (!relay.verifiesSignatures()) {
            out.println("WARNING: TWILIO_AUTH_TOKEN is not set: requests are NOT verified; anyone who can reach "
                    + relay.localBaseUrl() + " can open calls.");
        }
        out.flush();
    }

    /** Opens the console; returns when its window is closed. */
    void runConsole() {
        ConsoleApp.launch(new ConsoleContext(control, saved, dirs, secrets, demo == null ? null : "demo", () -> { })
                .withHistory(new StoreCallHistory(store)).withAccount(account)
                .withConnector(new RemoteRelays(saved.languageCodes()))
                .withAudio(relay.liveAudio())
                .withSettingsListener(this::applySettings));
    }

    /**
     * Simulated callers dial the relay as Twilio would: over {@code wss://}, with the
     * certificate pinned and every upgrade and webhook signed.
     */
    private void startDemoCallers(int concurrent) throws Exception {
        demo = DemoCallers.start(DemoCallers.Options.of(relay.localRelayUrl(), relay.relayUrl(),
                secrets.twilioAuthToken(), relay.localBaseUrl() + "/action", relay.actionUrl(), relay.fingerprint())
                .withConcurrentCalls(concurrent));
        LOG.info("Demo: up to {} simulated callers at once", concurrent);
    }

    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (demo != null) {
            demo.stop();
        }
        if (summaries != null) {
            summaries.close(); // calls ended by the shutdown itself get no summary
        }
        // The calls end first, so their ends reach the remote consoles (the hub sends what is
        // queued before closing them); then the consoles, then the sockets.
        registry.close();
        consoles.close();
        // After the registry: the calls' ends reach the other nodes before this one leaves.
        closeQuietly(cluster);
        relay.close();
        store.close(); // after the registry: the calls' own ends are recorded first
        llm.close();
        stopped.countDown();
    }
}
