package app.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The start-up contract of {@code --headless}, in a separate JVM as a user or a script runs it. */
@Timeout(120) // each test waits on a child JVM; every wait is bounded, this is the backstop
class HeadlessContractTest {

    private static final Pattern READY = Pattern.compile("^Switchboard relay listening on (wss://[^\\s/]+:(\\d+)/relay)$");

    @TempDir
    Path dataDir;

    private Process launch(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("TWILIO_AUTH_TOKEN");
        pb.environment().remove("OPENAI_API_KEY");
        return pb.start();
    }

    @Test
    void printsTheReadyLineFirstAndClosesOpenCallsOnSigterm() throws Exception {
        Process relay = launch("--headless", "--port", "0", "--data-dir", dataDir.toString());
        try {
            ProcessLines out = ProcessLines.of(relay);
            String first = out.next(Duration.ofSeconds(30));
            Matcher ready = READY.matcher(first == null ? "" : first);
            assertTrue(ready.matches(), "first line was: " + first);
            String second = out.next(Duration.ofSeconds(10));
            assertTrue(second != null && second.startsWith("TwiML webhook: https://"), "second line was: " + second);
            assertTrue(Files.exists(dataDir.resolve("data").resolve("relay-tls.p12")), "certificate kept in the data dir");

            HttpClient http = new HttpClient();
            http.setSslContextFactory(new SslContextFactory.Client(true));
            WebSocketClient ws = new WebSocketClient(http);
            ws.start();
            CloseWatcher watcher = new CloseWatcher();
            CompletableFuture<Integer> closeCode = watcher.code;
            Session session = ws.connect(watcher, URI.create(ready.group(1))).get(10, TimeUnit.SECONDS);
            session.sendText(ProtocolCodec.encodeInbound(new InboundMessage.Setup("VX" + "1".repeat(32), "AC" + "1".repeat(32), "CA" + "1".repeat(32), "", "+15550100001",
                    "+15550100002", "", "", "inbound", "PSTN", "RINGING", Map.of())), Callback.NOOP);
            relay.destroy(); // SIGTERM
            int code = closeCode.get(15, TimeUnit.SECONDS);
            assertTrue(code == 1000 || code == 1001, "close frame with code " + code);
            assertTrue(relay.waitFor(15, TimeUnit.SECONDS), "relay exits after SIGTERM");
            ws.stop();
        } finally {
            relay.destroyForcibly();
        }
    }

    @Test
    void unknownFlagIsAOneLineErrorWithExitCodeTwo() throws Exception {
        Process p = launch("--headless", "--no-such-flag");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(err.startsWith("switchboard: Unknown option: '--no-such-flag'"), err);
        assertFalse(err.contains("\n"), "one line: " + err);
    }

    @Test
    void unreadableKeystoreIsAOneLineErrorWithExitCodeTwo() throws Exception {
        Path garbage = dataDir.resolve("relay.p12");
        Files.writeString(garbage, "not a keystore");
        Process p = launch("--headless", "--port", "0", "--data-dir", dataDir.toString(), "--keystore", garbage.toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(err.lines().anyMatch(l -> l.startsWith("switchboard: Cannot read keystore")), err);
        assertEquals("", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), "no ready line");
    }

    @Test
    void publicUrlMustBeHttps() throws Exception {
        Process p = launch("--headless", "--port", "0", "--data-dir", dataDir.toString(), "--public-url", "http://x.test");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
    }


    /** Jetty calls listener methods through method handles: the class must be public. */
    public static final class CloseWatcher implements Session.Listener.AutoDemanding {
        final CompletableFuture<Integer> code = new CompletableFuture<>();

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            code.complete(statusCode);
            callback.succeed();
        }
    }
}
