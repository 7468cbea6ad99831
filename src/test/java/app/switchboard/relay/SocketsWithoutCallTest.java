package app.switchboard.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallAgent;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.Settings;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sockets that never send {@code setup} cost the relay a bounded time and a bounded number:
 * each is closed at its deadline, and past the cap further sockets are closed at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketsWithoutCallTest {

    private static final String TOKEN = SetupValidationTest.TOKEN;

    @TempDir
    Path dataDir;
    private CallRegistry registry;
    private RelayServer relay;
    private RawSocket.Client client;
    private final CallTokens tokens = CallTokens.random();

    private void start(RelayConfig.Limits limits) throws Exception {
        Settings settings = new Settings();
        registry = new CallRegistry(CallAgent.silent(), settings.languageCodes(), "en-US");
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, "https://calls.example.test",
                new RelayConfig.TlsSource.SelfSigned(dataDir), TOKEN, settings, tokens, limits), registry);
        relay.start();
        client = new RawSocket.Client();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** The client sees the upgrade answered a moment before the relay's open callback has run. */
    private void awaitWaiting(int count) {
        await().atMost(5, TimeUnit.SECONDS).until(() -> relay.socketsWithoutCall() == count);
    }

    private String validSetup(String callSid) {
        ObjectNode setup = SetupValidationTest.realSetup(callSid);
        ((ObjectNode) setup.get("customParameters")).put(CallTokens.PARAMETER, tokens.token(callSid));
        return setup.toString();
    }

    @Test
    void aSocketThatNeverSendsSetupIsClosedAtTheDeadline() throws Exception {
        start(RelayConfig.Limits.defaults().withSetupDeadline(Duration.ofMillis(800)));
        RawSocket silent = client.open(relay, TOKEN);
        long opened = System.nanoTime();
        awaitWaiting(1);
        RawSocket.Closed closed = silent.awaitClose();
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
        assertEquals(new RawSocket.Closed(1008, "No setup within 800 ms"), closed);
        // The relay's clock starts before the client sees the upgrade answered, so allow for that.
        assertTrue(waitedMs >= 400, "closed after " + waitedMs + " ms, before the deadline");
        await().atMost(5, TimeUnit.SECONDS).until(() -> relay.socketsWithoutCall() == 0);
    }

    @Test
    void framesOtherThanSetupDoNotPutTheDeadlineOff() throws Exception {
        start(RelayConfig.Limits.defaults().withSetupDeadline(Duration.ofSeconds(1)));
        RawSocket chatty = client.open(relay, TOKEN);
        chatty.send("{\"type\":\"prompt\",\"voicePrompt\":\"hello\",\"lang\":\"en-US\",\"last\":true}").get(5, TimeUnit.SECONDS);
        chatty.send("{\"type\":\"dtmf\",\"digit\":\"1\"}").get(5, TimeUnit.SECONDS);
        assertEquals(new RawSocket.Closed(1008, "No setup within 1 s"), chatty.awaitClose());
        assertTrue(registry.calls().isEmpty());
    }

    @Test
    void aSetupInTimeMakesACallTheDeadlineLeavesAlone() throws Exception {
        start(RelayConfig.Limits.defaults().withSetupDeadline(Duration.ofMillis(500)));
        String callSid = "CA" + "c4".repeat(16);
        RawSocket socket = client.open(relay, TOKEN);
        socket.send(validSetup(callSid)).get(5, TimeUnit.SECONDS);
        await().atMost(5, TimeUnit.SECONDS).until(() -> registry.find(callSid) != null);
        assertEquals(0, relay.socketsWithoutCall());
        // Well past the deadline, the socket with a call is still open.
        await().during(1500, TimeUnit.MILLISECONDS).atMost(5, TimeUnit.SECONDS).until(socket::isOpen);
    }

    @Test
    void pastTheCapASocketIsClosedTryAgainLaterAndAPlaceFreesWhenOneLeaves() throws Exception {
        start(RelayConfig.Limits.defaults().withSetupDeadline(Duration.ofSeconds(50)).withMaxSocketsWithoutCall(3));
        List<RawSocket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(client.open(relay, TOKEN));
        }
        awaitWaiting(3);

        RawSocket fourth = client.open(relay, TOKEN);
        assertEquals(new RawSocket.Closed(1013, "Too many sockets without a call"), fourth.awaitClose());
        assertEquals(3, relay.socketsWithoutCall());

        // One leaves by closing, one by sending its setup: both places come back.
        held.get(0).close();
        held.get(0).awaitClose();
        String callSid = "CA" + "d5".repeat(16);
        held.get(1).send(validSetup(callSid)).get(5, TimeUnit.SECONDS);
        awaitWaiting(1);

        RawSocket fifth = client.open(relay, TOKEN);
        RawSocket sixth = client.open(relay, TOKEN);
        awaitWaiting(3);
        assertTrue(fifth.isOpen() && sixth.isOpen());
        assertEquals(1013, client.open(relay, TOKEN).awaitClose().code());
    }

    @Test
    void aRefusedSetupGivesItsPlaceBack() throws Exception {
        start(RelayConfig.Limits.defaults().withMaxSocketsWithoutCall(1));
        RawSocket socket = client.open(relay, TOKEN);
        socket.send(SetupValidationTest.realSetup("CA" + "e6".repeat(16)).toString()).get(5, TimeUnit.SECONDS);
        assertEquals(1008, socket.awaitClose().code()); // no relay token
        await().atMost(5, TimeUnit.SECONDS).until(() -> relay.socketsWithoutCall() == 0);
        RawSocket next = client.open(relay, TOKEN);
        awaitWaiting(1);
        assertTrue(next.isOpen());
    }

    @Test
    void theCapHoldsWhenManySocketsOpenAtOnce() throws Exception {
        start(RelayConfig.Limits.defaults().withSetupDeadline(Duration.ofSeconds(50)).withMaxSocketsWithoutCall(5));
        List<CompletableFuture<RawSocket>> opening = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            opening.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return client.open(relay, TOKEN);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<RawSocket> sockets = new ArrayList<>();
        for (CompletableFuture<RawSocket> f : opening) {
            sockets.add(f.get(30, TimeUnit.SECONDS));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> sockets.stream().filter(s -> s.closed.isDone()).count() == 25);
        assertEquals(5, sockets.stream().filter(RawSocket::isOpen).count());
        assertTrue(sockets.stream().filter(s -> s.closed.isDone()).allMatch(s -> s.closed.join().code() == 1013));
        assertEquals(5, relay.socketsWithoutCall());
    }
}
