package app.switchboard.sim;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.EventKind;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real relay for the simulator's tests: Jetty over TLS on a free loopback port, a self-signed
 * certificate, signature checks over a public URL that differs from the local one, and the
 * offline responder as the agent. The simulator pins the relay's certificate fingerprint.
 */
final class RelayHarness implements AutoCloseable {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String PUBLIC_URL = "https://calls.example.test/prefix";

    final Settings settings;
    final OfflineResponder responder;
    final CallRegistry registry;
    final RelayServer relay;
    final SimClient client;
    /** Every event of every call, including calls the registry has since replaced or forgotten. */
    final List<CallEvent> allEvents = new java.util.concurrent.CopyOnWriteArrayList<>();

    RelayHarness(Path dataDir, double tokensPerSecond) throws Exception {
        this(dataDir, tokensPerSecond, new Settings());
    }

    RelayHarness(Path dataDir, double tokensPerSecond, Settings settings) throws Exception {
        this.settings = settings;
        settings.handoffNumber = "+15550109999";
        responder = new OfflineResponder(tokensPerSecond);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        registry.subscribe(allEvents::add);
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, PUBLIC_URL,
                new RelayConfig.TlsSource.SelfSigned(dataDir), TOKEN, settings), registry);
        relay.start();
        client = SimClient.pinned(relay.fingerprint());
    }

    /** A caller as Twilio would place it: signed over the public URLs, connecting to loopback. */
    SimulatedCall.Builder caller() {
        return SimulatedCall.builder(client, URI.create(relay.localRelayUrl()))
                .signedUrl(relay.relayUrl())
                .authToken(TOKEN)
                .action(actionPostUrl(), relay.actionUrl())
                .voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(20));
    }

    URI actionPostUrl() {
        return URI.create(relay.localBaseUrl() + "/action");
    }

    URI twimlPostUrl() {
        return URI.create(relay.localBaseUrl() + "/twiml");
    }

    FixtureReplay.Target replayTarget() {
        return new FixtureReplay.Target(URI.create(relay.localRelayUrl()), relay.relayUrl(), twimlPostUrl(),
                relay.twimlUrl(), actionPostUrl(), relay.actionUrl(), TOKEN);
    }

    /** Every event recorded for this call id, across relay sessions. */
    List<CallEvent> events(String callSid) {
        return allEvents.stream().filter(e -> e.callId().equals(callSid)).toList();
    }

    List<CallEvent> events(String callSid, EventKind kind) {
        return events(callSid).stream().filter(e -> e.kind() == kind).toList();
    }

    @Override
    public void close() {
        try {
            closeAll();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void closeAll() throws Exception {
        client.close();
        relay.close();
        registry.close();
        responder.close();
    }
}
