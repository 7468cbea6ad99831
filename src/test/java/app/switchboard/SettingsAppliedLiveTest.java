package app.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.agent.FakeOpenAiServer;
import app.switchboard.agent.FakeOpenAiServer.Reply;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.TestEvents;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.TwilioSignatures;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TwilioSignature;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings saved in the console reach the running app without a restart: the app as the launcher
 * assembles it, openai-java against a local model server, a simulated call over real wss, the
 * TwiML over real HTTPS and the SQLite history.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SettingsAppliedLiveTest {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;
    private FakeOpenAiServer model;
    private SwitchboardApp app;
    private Settings settings;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        model = new FakeOpenAiServer();
        model.script(r -> Reply.tokens("Okay."));
        AppDirectories dirs = AppDirectories.under(dir).create();
        settings = new Settings();
        settings.host = "127.0.0.1";
        settings.port = 0;
        settings.baseUrl = model.baseUrl();
        settings.model = "first-model";
        settings.systemPrompt = "You are the first persona.";
        Secrets secrets = new Secrets("sk-test-live-settings", null, null, TOKEN, null, null, null, null);
        app = SwitchboardApp.start(settings, settings.copy(), secrets, dirs, new RelayConfig.TlsSource.SelfSigned(dirs.data()), 0);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (app != null) {
            app.close();
        }
        model.close();
    }

    private SimulatedCall call() throws Exception {
        SimClient twilio = SimClient.pinned(app.relay().fingerprint());
        open.add(twilio::close);
        SimulatedCall call = SimulatedCall.builder(twilio, URI.create(app.relay().localRelayUrl()))
                .signedUrl(app.relay().relayUrl()).authToken(TOKEN)
                .action(URI.create(app.relay().localBaseUrl() + "/action"), app.relay().actionUrl())
                .voiceWebhookBesideAction()
                .timeout(Duration.ofSeconds(30)).build().open();
        open.add(call::close);
        return call;
    }

    private Settings edited() {
        return settings.copy();
    }

    @Test
    void aSavedPromptAndModelReachTheNextRequestOfALiveCall() throws Exception {
        SimulatedCall call = call();
        call.say("Hello there", "en-US");
        call.awaitTurn(0);
        assertThat(model.request(0).last("system")).isEqualTo("You are the first persona.");
        assertThat(model.request(0).body.get("model").asText()).isEqualTo("first-model");

        Settings changed = edited();
        changed.systemPrompt = "You are the second persona.";
        changed.model = "second-model";
        assertThat(app.applySettings(changed)).contains("prompt and fallback sentence");

        int mark = call.mark();
        call.say("And another thing", "en-US");
        call.awaitTurn(mark);
        assertThat(model.request(1).last("system")).isEqualTo("You are the second persona.");
        assertThat(model.request(1).body.get("model").asText()).isEqualTo("second-model");
    }

    @Test
    void aSavedFallbackSentenceIsWhatTheCallerHearsWhenTheModelFails() throws Exception {
        Settings changed = edited();
        changed.fallbackSentence = "One moment please, our assistant is thinking.";
        app.applySettings(changed);
        model.script(r -> Reply.status(500));
        SimulatedCall call = call();
        call.say("Hello there", "en-US");
        assertThat(call.awaitTurn(0).text()).contains("One moment please, our assistant is thinking.");
    }

    @Test
    void aSavedGreetingAndHandoffNumberAreInTheNextCallsTwiml() throws Exception {
        assertThat(app.control().status().handoffConfigured()).isFalse();
        Settings changed = edited();
        changed.twiml.welcomeGreeting = "Hi, you are talking to an AI assistant of Example Corp.";
        changed.handoffNumber = "+15550109999";
        app.applySettings(changed);

        assertThat(twiml()).contains("welcomeGreeting=\"Hi, you are talking to an AI assistant of Example Corp.\"");
        assertThat(app.control().status().handoffConfigured()).isTrue();
    }

    private String twiml() throws Exception {
        HttpClient http = new HttpClient();
        http.setSslContextFactory(new SslContextFactory.Client(true));
        http.start();
        try {
            Map<String, String> form = Map.of("CallSid", "CA" + "1".repeat(32), "From", "+15550001111", "To", "+15550002222");
            Fields fields = new Fields();
            form.forEach(fields::put);
            ContentResponse response = http.newRequest(app.relay().localBaseUrl() + "/twiml").method(HttpMethod.POST)
                    .body(new FormRequestContent(fields))
                    .headers(h -> h.put(TwilioSignatures.HEADER, TwilioSignature.sign(TOKEN, app.relay().twimlUrl(), form)))
                    .send();
            assertThat(response.getStatus()).isEqualTo(200);
            return response.getContentAsString();
        } finally {
            http.stop();
        }
    }

    @Test
    void aShorterRetentionDeletesOldCallsAtOnce() throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(40));
        app.store().append(new CallEvent("CA-old", 1, old, TestEvents.payload(EventKind.SETUP, "sessionId", "VXold",
                "callSid", "CA-old", "from", "+15550006666", "to", "+18005550100", "direction", "inbound",
                "customParameters", Map.of())));
        app.store().append(new CallEvent("CA-old", 2, old.plusSeconds(60), TestEvents.payload(EventKind.CALL_ENDED, "reason", "completed")));
        assertThat(app.store().flush(Duration.ofSeconds(30))).isTrue();
        assertThat(app.store().call("CA-old")).isPresent();

        Settings changed = edited();
        changed.retentionDays = 30;
        app.applySettings(changed);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.store().call("CA-old").isEmpty());
    }

    @Test
    void whatNeedsARestartIsLeftAsTheRelayStartedIt() throws Exception {
        int port = app.relay().port();
        Settings changed = edited();
        changed.port = port + 1;
        changed.applicationReconnect = true;
        assertThat(app.applySettings(changed)).isEmpty();
        assertThat(app.relay().port()).isEqualTo(port);
        assertThat(twiml()).doesNotContain("applicationReconnect");
    }
}
