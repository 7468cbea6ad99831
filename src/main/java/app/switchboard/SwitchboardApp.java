package app.switchboard;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.LlmClient;
import app.switchboard.agent.OpenAiChatClient;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.RelayServer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running app: model client, calls, relay; and, unless headless, the console. */
final class SwitchboardApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SwitchboardApp.class);

    private final Settings settings;
    private final Secrets secrets;
    private final AppDirectories dirs;
    private final LlmClient llm;
    private final CallRegistry registry;
    private final RelayServer relay;
    private final int demoCallers;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private SwitchboardApp(Settings settings, Secrets secrets, AppDirectories dirs, LlmClient llm,
                           CallRegistry registry, RelayServer relay, int demoCallers) {
        this.settings = settings;
        this.secrets = secrets;
        this.dirs = dirs;
        this.llm = llm;
        this.registry = registry;
        this.relay = relay;
        this.demoCallers = demoCallers;
    }

    static SwitchboardApp start(Settings settings, Secrets secrets, AppDirectories dirs,
                                RelayConfig.TlsSource tls, int demoCallers) throws IOException {
        LlmClient llm = createLlm(settings, secrets);
        AgentSettings agentSettings = AgentSettings.from(settings, secrets);
        CallRegistry registry = new CallRegistry(ConversationAgent.factory(llm, agentSettings),
                settings.languageCodes(), settings.twiml.language);
        RelayServer relay = new RelayServer(
                new RelayConfig(settings.host, settings.port, settings.publicUrl, tls, secrets.twilioAuthToken(), settings),
                registry);
        relay.modelName(llm::describe);
        try {
            relay.start();
        } catch (IOException e) {
            registry.close();
            llm.close();
            throw e;
        } catch (Exception e) {
            registry.close();
            llm.close();
            throw new IOException(e.getMessage(), e);
        }
        return new SwitchboardApp(settings, secrets, dirs, llm, registry, relay, demoCallers);
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

    void runConsole() {
        throw new SwitchboardCommand.StartupException(
                "the console is not available in this build; use --headless", 1);
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
        registry.close();
        relay.close();
        llm.close();
        stopped.countDown();
    }
}
