package app.switchboard.console;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import app.switchboard.sim.DemoCallers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The console on the real thing, as the demo will run it: the relay over TLS on a free loopback
 * port, the offline responder, and the simulator's demo callers over signed {@code wss://}.
 * For looking at the console (screenshots); the launcher's {@code --demo} is the product.
 */
public final class RelayDemoConsole {

    public static void main(String[] args) throws Exception {
        String token = "0123456789abcdef0123456789abcdef";
        Path root = Files.createTempDirectory("switchboard-demo");
        Settings settings = new Settings();
        OfflineResponder responder = new OfflineResponder(settings.responderTokensPerSecond);
        CallRegistry registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                settings.languageCodes(), "en-US");
        RelayServer relay = new RelayServer(new RelayConfig("127.0.0.1", 0, null,
                new RelayConfig.TlsSource.SelfSigned(root.resolve("data")), token, settings), registry);
        relay.modelName(responder::describe);
        relay.start();
        DemoCallers callers = DemoCallers.start(relay.localRelayUrl(), relay.relayUrl(), token,
                relay.localBaseUrl() + "/action", relay.actionUrl(), relay.fingerprint());
        ConsoleApp.launch(new ConsoleContext(registry, settings, AppDirectories.under(root),
                Secrets.from(Map.of("TWILIO_AUTH_TOKEN", token)), "demo", () -> {
                    callers.stop();
                    relay.close();
                    registry.close();
                    responder.close();
                }));
    }
}
