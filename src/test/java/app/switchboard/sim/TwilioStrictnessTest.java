package app.switchboard.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twilio.security.RequestValidator;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator treats an app's bad frames the way Twilio does (protocol.md §3.6, §9). */
class TwilioStrictnessTest {

    private static final String TOKEN = "fedcba9876543210fedcba9876543210";
    private static final String PUBLIC_ACTION = "https://calls.example.test/prefix/action";
    private MisbehavingApp app;
    private SimClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        app.close();
    }

    private SimulatedCall call(Consumer<Session> onSetup) throws Exception {
        app = new MisbehavingApp(onSetup);
        client = SimClient.pinned(app.tls.fingerprint());
        return SimulatedCall.builder(client, URI.create(app.relayUrl()))
                .authToken(TOKEN)
                .action(URI.create(app.actionUrl()), PUBLIC_ACTION)
                .build();
    }

    private static void sendAll(Session s, List<String> frames) {
        // One at a time: Jetty allows a single outstanding write per socket.
        if (frames.isEmpty()) {
            return;
        }
        s.sendText(frames.get(0), Callback.from(() -> sendAll(s, frames.subList(1, frames.size())), t -> { }));
    }

    @Test
    void eachInvalidFrameIsAnsweredWithTwilios64107Error() throws Exception {
        List<String> bad = List.of("this is not json", "{\"type\":\"interrupt\"}", "{\"type\":\"text\"}",
                "{\"type\":\"sendDigits\",\"digits\":\"12x\"}");
        SimulatedCall call = call(s -> sendAll(s, bad));
        call.open();
        await().until(() -> app.received.size() == 1 + bad.size());

        for (int i = 0; i < bad.size(); i++) {
            assertEquals("{\"type\":\"error\",\"description\":\"Invalid message received, code: 64107, "
                    + bad.get(i).replace("\"", "\\\"") + "\"}", app.received.get(i + 1));
        }
        assertEquals(bad.size(), call.invalidFrames().size());
        assertTrue(call.isOpen(), "fewer than ten in a row: the session goes on");
    }

    @Test
    void tenInvalidFramesInARowClose1007AndReportFailedSigned() throws Exception {
        SimulatedCall call = call(s -> sendAll(s, java.util.Collections.nCopies(10, "garbage")));
        call.open();

        assertEquals(1007, app.closeCode.get(10, TimeUnit.SECONDS)[0]);
        assertEquals("Too many consecutive malformed messages.", app.closeReason.get(10, TimeUnit.SECONDS));
        Map<String, String> form = app.actionForm.get(10, TimeUnit.SECONDS);
        assertEquals("failed", form.get("SessionStatus"));
        assertEquals("64105", form.get("ErrorCode"));
        assertEquals("Websocket ended", form.get("ErrorMessage"));
        assertEquals("in-progress", form.get("CallStatus"));
        assertEquals(call.callSid(), form.get("CallSid"));
        assertTrue(new RequestValidator(TOKEN).validate(PUBLIC_ACTION, form, app.actionSignature.get(10, TimeUnit.SECONDS)));
        assertEquals(11, app.received.size(), "setup and ten error frames");
    }

    @Test
    void aValidFrameResetsTheMalformedCount() throws Exception {
        List<String> frames = new java.util.ArrayList<>(java.util.Collections.nCopies(9, "garbage"));
        frames.add("{\"type\":\"text\",\"token\":\"Hello\",\"last\":true}");
        frames.addAll(java.util.Collections.nCopies(9, "garbage"));
        SimulatedCall call = call(s -> sendAll(s, frames));
        call.open();
        await().until(() -> call.received().size() == 19);
        call.roundTrip();
        assertTrue(call.isOpen());
        assertEquals(18, call.invalidFrames().size());
        assertFalse(app.closeCode.isDone());
    }

    @Test
    void appDroppingTheSocketIsReportedAsAFailedSession() throws Exception {
        SimulatedCall call = call(s -> s.close(1011, "app crashed", Callback.NOOP));
        call.open();
        SimulatedCall.Close close = call.awaitClosed();
        assertEquals(1011, close.code());
        assertFalse(close.bySimulator());
        Map<String, String> form = app.actionForm.get(10, TimeUnit.SECONDS);
        assertEquals("failed", form.get("SessionStatus"));
        assertEquals("64105", form.get("ErrorCode"));
    }

    @Test
    void aCertificateOtherThanThePinnedOneIsRefused() throws Exception {
        app = new MisbehavingApp(s -> { });
        client = SimClient.pinned("00".repeat(32));
        SimulatedCall call = SimulatedCall.builder(client, URI.create(app.relayUrl())).build();
        CompletionException failure = assertThrows(CompletionException.class, () -> call.connect().join());
        assertTrue(hasCause(failure, javax.net.ssl.SSLHandshakeException.class), failure.toString());
        assertTrue(app.received.isEmpty());
    }

    private static boolean hasCause(Throwable t, Class<?> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
