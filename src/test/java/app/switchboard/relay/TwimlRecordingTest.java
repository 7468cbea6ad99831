package app.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.config.Settings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The opt-in recording in the voice webhook's TwiML: {@code <Start><Recording>} before {@code <Connect>}. */
class TwimlRecordingTest {

    private static final String RELAY = "wss://calls.example.test/prefix/relay";
    private static final String ACTION = "https://calls.example.test/prefix/action";
    private static final String RECORDING_STATUS = "https://calls.example.test/prefix/recording-status";
    private static final Map<String, String> CALL = Map.of("CallSid", "CA0123456789abcdef0123456789abcdef",
            "From", "+15550100001", "To", "+15550100002");

    private static Element parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                elements.add((Element) nodes.item(i));
            }
        }
        return elements;
    }

    private static List<String> names(List<Element> elements) {
        return elements.stream().map(Element::getTagName).toList();
    }

    private static TwimlFactory factory(boolean recordCalls) {
        Settings settings = new Settings();
        settings.recordCalls = recordCalls;
        return new TwimlFactory(settings, RELAY, ACTION, null, RECORDING_STATUS, null);
    }

    @Test
    void recordingIsOffByDefault() throws Exception {
        Settings settings = new Settings();
        Element response = parse(new TwimlFactory(settings, RELAY, ACTION, null, RECORDING_STATUS, null).connect(CALL));
        assertEquals(List.of("Connect"), names(children(response)));
    }

    @Test
    void recordingOnStartsARecordingOfItsOwnBeforeConnect() throws Exception {
        Element response = parse(factory(true).connect(CALL));
        List<Element> verbs = children(response);
        assertEquals(List.of("Start", "Connect"), names(verbs));
        assertEquals(List.of("Recording"), names(children(verbs.get(0))), "a <Start> holding only the recording");
        assertEquals(List.of("ConversationRelay"), names(children(verbs.get(1))));
    }

    @Test
    void recordingReportsEveryStatusToTheRelayAndRecordsBothSidesOnTwoChannels() throws Exception {
        Element recording = (Element) parse(factory(true).connect(CALL)).getElementsByTagName("Recording").item(0);
        assertEquals(Map.of(
                "recordingStatusCallback", RECORDING_STATUS,
                "recordingStatusCallbackMethod", "POST",
                "recordingStatusCallbackEvent", "in-progress completed absent",
                "track", "both",
                "channels", "dual",
                "trim", "do-not-trim"), attributes(recording));
    }

    @Test
    void aReconnectAfter64105DoesNotStartASecondRecording() throws Exception {
        Element response = parse(factory(true).action(Map.of("SessionStatus", "failed", "ErrorCode", "64105",
                "CallStatus", "in-progress", "CallSid", "CA0123456789abcdef0123456789abcdef")).twiml());
        assertEquals(List.of("Connect"), names(children(response)));
    }

    @Test
    void withoutARecordingStatusUrlNothingIsRecorded() throws Exception {
        Settings settings = new Settings();
        settings.recordCalls = true;
        Element response = parse(new TwimlFactory(settings, RELAY, ACTION).connect(CALL));
        assertEquals(List.of("Connect"), names(children(response)));
    }

    private static Map<String, String> attributes(Element element) {
        Map<String, String> attributes = new java.util.HashMap<>();
        for (int i = 0; i < element.getAttributes().getLength(); i++) {
            Node a = element.getAttributes().item(i);
            attributes.put(a.getNodeName(), a.getNodeValue());
        }
        return attributes;
    }
}
