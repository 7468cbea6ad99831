package app.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.config.Settings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The live-audio setting's {@code <Start><Stream>} (docs/live-audio.md). */
class TwimlMediaStreamTest {

    private static final String RELAY = "wss://calls.example.test/relay";
    private static final String MEDIA = "wss://calls.example.test/media";
    private static final String ACTION = "https://calls.example.test/action";
    private static final Map<String, String> CALL = Map.of("CallSid", "CA0123456789abcdef0123456789abcdef", "From", "+15550100001");

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static Settings listening(boolean on) {
        Settings s = new Settings();
        s.listenToCalls = on;
        return s;
    }

    @Test
    void listeningIsOffByDefaultAndThenNoStreamIsStarted() throws Exception {
        assertFalse(new Settings().listenToCalls);
        Document doc = parse(new TwimlFactory(new Settings(), RELAY, ACTION, CallTokens.random(), null, MEDIA).connect(CALL));
        assertEquals(0, doc.getElementsByTagName("Start").getLength());
        assertEquals(0, doc.getElementsByTagName("Stream").getLength());
    }

    @Test
    void listeningStartsABothTracksStreamBeforeConnectWithTheCallTokenAsParameter() throws Exception {
        CallTokens tokens = CallTokens.random();
        Document doc = parse(new TwimlFactory(listening(true), RELAY, ACTION, tokens, null, MEDIA).connect(CALL));
        Element response = doc.getDocumentElement();
        Element first = firstElement(response);
        assertEquals("Start", first.getTagName());
        assertEquals("Connect", nextElement(first).getTagName());
        Element stream = (Element) first.getElementsByTagName("Stream").item(0);
        assertEquals(MEDIA, stream.getAttribute("url"));
        assertFalse(stream.getAttribute("url").contains("?"), "Twilio refuses query strings on stream URLs");
        assertEquals("both_tracks", stream.getAttribute("track"));
        Element parameter = (Element) stream.getElementsByTagName("Parameter").item(0);
        assertEquals(CallTokens.PARAMETER, parameter.getAttribute("name"));
        assertTrue(tokens.valid(CALL.get("CallSid"), parameter.getAttribute("value")));
    }

    @Test
    void aReconnectedSessionStartsNoSecondStream() throws Exception {
        TwimlFactory factory = new TwimlFactory(listening(true), RELAY, ACTION, CallTokens.random(), null, MEDIA);
        TwimlFactory.ActionAnswer answer = factory.action(Map.of("CallSid", CALL.get("CallSid"), "SessionStatus", "failed",
                "ErrorCode", "64105", "CallStatus", "in-progress"));
        assertEquals(TwimlFactory.ActionOutcome.RECONNECT, answer.outcome());
        Document doc = parse(answer.twiml());
        assertEquals(1, doc.getElementsByTagName("Connect").getLength());
        assertEquals(0, doc.getElementsByTagName("Stream").getLength());
    }

    @Test
    void aRelayWithoutMediaUrlStartsNoStreamEvenWhenListeningIsOn() throws Exception {
        Document doc = parse(new TwimlFactory(listening(true), RELAY, ACTION, CallTokens.random()).connect(CALL));
        assertEquals(0, doc.getElementsByTagName("Stream").getLength());
    }

    private static Element firstElement(Node parent) {
        Node n = parent.getFirstChild();
        while (n != null && n.getNodeType() != Node.ELEMENT_NODE) {
            n = n.getNextSibling();
        }
        return (Element) n;
    }

    private static Element nextElement(Node node) {
        Node n = node.getNextSibling();
        while (n != null && n.getNodeType() != Node.ELEMENT_NODE) {
            n = n.getNextSibling();
        }
        return (Element) n;
    }
}
