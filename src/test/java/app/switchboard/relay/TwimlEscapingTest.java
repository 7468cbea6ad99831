package app.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.config.Settings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Text from settings and from the caller's webhook reaches TwiML attributes and text: a real
 * XML parser must read back exactly what went in, and markup in a value must stay a value.
 */
class TwimlEscapingTest {

    private static final String RELAY = "wss://calls.example.test/relay";
    private static final String ACTION = "https://calls.example.test/action";
    /** Every character XML gives meaning to, plus an attempt to close the attribute and add an element. */
    private static final String MARKUP = "Tom & Jerry's <b>\"best\"</b> > \"/><Hangup/><Say x=\"";

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element relay(Document doc) {
        return (Element) doc.getElementsByTagName("ConversationRelay").item(0);
    }

    private static Map<String, String> parameters(Document doc) {
        NodeList params = doc.getElementsByTagName("Parameter");
        Map<String, String> byName = new HashMap<>();
        for (int i = 0; i < params.getLength(); i++) {
            Element p = (Element) params.item(i);
            byName.put(p.getAttribute("name"), p.getAttribute("value"));
        }
        return byName;
    }

    @Test
    void greetingAndHintsRoundTripThroughAnXmlParser() throws Exception {
        Settings s = new Settings();
        s.twiml.welcomeGreeting = "Welcome to " + MARKUP;
        s.twiml.hints = "AT&T,<Acme>,\"Switch\"board";
        Element relay = relay(parse(new TwimlFactory(s, RELAY, ACTION).connect(Map.of())));
        assertEquals("Welcome to " + MARKUP, relay.getAttribute("welcomeGreeting"));
        assertEquals("AT&T,<Acme>,\"Switch\"board", relay.getAttribute("hints"));
    }

    @Test
    void markupInAValueAddsNoElement() throws Exception {
        Settings s = new Settings();
        s.twiml.welcomeGreeting = MARKUP;
        Document doc = parse(new TwimlFactory(s, RELAY, ACTION).connect(Map.of("From", MARKUP)));
        assertEquals(0, doc.getElementsByTagName("Hangup").getLength());
        assertEquals(0, doc.getElementsByTagName("Say").getLength());
        assertEquals(0, doc.getElementsByTagName("b").getLength());
    }

    @Test
    void callerParametersRoundTripThroughAnXmlParser() throws Exception {
        // From is caller-controlled for SIP calls ("sip:<anything>@host"), so it is untrusted text.
        Map<String, String> webhook = Map.of("From", "sip:" + MARKUP + "@example.test", "To", "+15550100002",
                "FromCountry", "A&B <\"C\">");
        Document doc = parse(new TwimlFactory(new Settings(), RELAY, ACTION).connect(webhook));
        assertEquals(Map.of("callerNumber", "sip:" + MARKUP + "@example.test", "calledNumber", "+15550100002",
                "callerCountry", "A&B <\"C\">"), parameters(doc));
    }

    @Test
    void languageOptionsRoundTripThroughAnXmlParser() throws Exception {
        Settings s = new Settings();
        s.twiml.languages = List.of(new Settings.LanguageOption("en-US", "Eleven & Labs", "\"Aria\" <neural>", null, null));
        Element language = (Element) parse(new TwimlFactory(s, RELAY, ACTION).connect(Map.of()))
                .getElementsByTagName("Language").item(0);
        assertEquals("Eleven & Labs", language.getAttribute("ttsProvider"));
        assertEquals("\"Aria\" <neural>", language.getAttribute("voice"));
    }

    @Test
    void goodbyeSentenceRoundTripsAsSayText() throws Exception {
        Settings s = new Settings();
        s.goodbyeMessage = "Thanks & goodbye <3 \"see you\"";
        TwimlFactory.ActionAnswer answer = new TwimlFactory(s, RELAY, ACTION).action(Map.of(
                "SessionStatus", "ended", "CallStatus", "in-progress"));
        Document doc = parse(answer.twiml());
        assertEquals("Thanks & goodbye <3 \"see you\"", doc.getElementsByTagName("Say").item(0).getTextContent());
    }

    @Test
    void reconnectTwimlCarriesTheCallerParametersEscaped() throws Exception {
        TwimlFactory.ActionAnswer answer = new TwimlFactory(new Settings(), RELAY, ACTION).action(Map.of(
                "SessionStatus", "failed", "ErrorCode", "64105", "CallStatus", "in-progress", "From", MARKUP));
        assertEquals(MARKUP, parameters(parse(answer.twiml())).get("callerNumber"));
    }
}
