package app.switchboard.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallAgent;
import app.switchboard.call.CallRegistry;
import app.switchboard.config.Settings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A setup that Twilio could not have sent is refused over the real socket before any call exists. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SetupValidationTest {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    private CallRegistry registry;
    private RelayServer relay;
    private RawSocket.Client client;
    private final CallTokens tokens = CallTokens.random();

    @BeforeEach
    void start() throws Exception {
        Settings settings = new Settings();
        registry = new CallRegistry(CallAgent.silent(), settings.languageCodes(), "en-US");
        relay = new RelayServer(new RelayConfig("127.0.0.1", 0, "https://calls.example.test",
                new RelayConfig.TlsSource.SelfSigned(dataDir), TOKEN, settings, tokens), registry);
        relay.start();
        client = new RawSocket.Client();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        relay.close();
        registry.close();
    }

    /** A setup shaped like the recorded real ones (fixtures/conversationrelay). */
    static ObjectNode realSetup(String callSid) {
        ObjectNode setup = JSON.createObjectNode();
        setup.put("type", "setup");
        setup.put("sessionId", "VX" + callSid.substring(2));
        setup.put("callSid", callSid);
        setup.put("parentCallSid", "");
        setup.put("from", "+15550100001");
        setup.put("to", "+15550100002");
        setup.put("forwardedFrom", "");
        setup.put("callerName", "");
        setup.put("direction", "inbound");
        setup.put("callType", "PSTN");
        setup.put("callStatus", "RINGING");
        setup.put("accountSid", "AC" + "0".repeat(32));
        setup.putObject("customParameters");
        return setup;
    }

    private RawSocket.Closed refusedWith(String frame) throws Exception {
        RawSocket socket = client.open(relay, TOKEN);
        socket.send(frame);
        RawSocket.Closed closed = socket.awaitClose();
        assertTrue(registry.calls().isEmpty(), "no call was created: " + registry.calls());
        return closed;
    }

    private RawSocket.Closed refusedWith(Consumer<ObjectNode> change) throws Exception {
        ObjectNode setup = realSetup("CA" + "a1".repeat(16));
        change.accept(setup);
        return refusedWith(setup.toString());
    }

    @Test
    void aSixtyThousandCharacterCallSidNeverBecomesACall() throws Exception {
        String huge = "CA" + "f".repeat(60_000);
        RawSocket.Closed closed = refusedWith(s -> s.put("callSid", huge));
        assertEquals(1008, closed.code());
        assertEquals("Invalid setup: callSid is not CA + 32 hex", closed.reason());
        assertEquals(null, registry.find(huge));
    }

    @Test
    void idsOfTheWrongShapeAreRefused() throws Exception {
        assertEquals("Invalid setup: sessionId is not VX + 32 hex",
                refusedWith(s -> s.put("sessionId", "VX123")).reason());
        assertEquals("Invalid setup: accountSid is not AC + 32 hex",
                refusedWith(s -> s.put("accountSid", "AC0000")).reason());
        assertEquals("Invalid setup: callSid is not CA + 32 hex",
                refusedWith(s -> s.put("callSid", "CA" + "g".repeat(32))).reason());
        assertEquals("Invalid setup: callSid is not CA + 32 hex", refusedWith(s -> s.remove("callSid")).reason());
    }

    @Test
    void controlCharactersInACallerFieldAreRefused() throws Exception {
        RawSocket.Closed closed = refusedWith(s -> s.put("from", "+1555\u0000\u0007"));
        assertEquals(1008, closed.code());
        assertEquals("Invalid setup: from/to/forwardedFrom/callerName has a control character", closed.reason());
    }

    @Test
    void anOverlongCallerNameIsRefused() throws Exception {
        assertEquals("Invalid setup: from/to/forwardedFrom/callerName is longer than 256 characters",
                refusedWith(s -> s.put("callerName", "x".repeat(257))).reason());
    }

    @Test
    void aLoneSurrogateAnywhereIsRefused() throws Exception {
        ObjectNode setup = realSetup("CA" + "b2".repeat(16));
        setup.put("callerName", "LONE");
        assertEquals("Invalid setup: from/to/forwardedFrom/callerName has a lone surrogate",
                refusedWith(setup.toString().replace("LONE", "\\ud800")).reason());
        ObjectNode params = realSetup("CA" + "b3".repeat(16));
        params.putObject("customParameters").put("note", "LONE");
        assertEquals("Invalid setup: customParameters has a lone surrogate",
                refusedWith(params.toString().replace("LONE", "x\\udc00")).reason());
    }

    @Test
    void aRecordedRealSetupStillStartsACall() throws Exception {
        String callSid = "CA00000000000000000000000000000001";
        RawSocket socket = client.open(relay, TOKEN);
        ObjectNode setup = realSetup(callSid);
        ((ObjectNode) setup.get("customParameters")).put(CallTokens.PARAMETER, tokens.token(callSid));
        socket.send(setup.toString());
        await().atMost(10, TimeUnit.SECONDS).until(() -> registry.find(callSid) != null);
        assertTrue(socket.isOpen());
    }
}
