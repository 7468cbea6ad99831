package app.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.config.Settings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class TwimlFactoryTest {

    private static final String RELAY = "wss://calls.example.test/prefix/relay";
    private static final String ACTION = "https://calls.example.test/prefix/action";

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static Settings everyAttribute() {
        Settings s = new Settings();
        Settings.TwimlSettings t = s.twiml;
        t.welcomeGreeting = "Hi there";
        t.welcomeGreetingInterruptible = "dtmf";
        t.language = "en-US";
        t.ttsLanguage = "en-GB";
        t.transcriptionLanguage = "en-US";
        t.ttsProvider = "Google";
        t.voice = "en-US-Journey-O";
        t.transcriptionProvider = "Deepgram";
        t.speechModel = "nova-3-general";
        t.interruptible = "speech";
        t.interruptSensitivity = "low";
        t.dtmfDetection = true;
        t.reportInputDuringAgentSpeech = "speech";
        t.preemptible = true;
        t.partialPrompts = true;
        t.hints = "Acme,Switchboard";
        t.debug = "debugging speaker-events tokens-played";
        t.events = "speaker-events tokens-played";
        t.intelligenceService = "GA00000000000000000000000000000000";
        t.languages = List.of(new Settings.LanguageOption("en-US", null, null, null, null),
                new Settings.LanguageOption("es-ES", "Amazon", "Lucia-Neural", "Google", "telephony"));
        return s;
    }

    @Test
    void connectCarriesEveryConfiguredAttributeUnderItsDocumentedName() throws Exception {
        Document doc = parse(new TwimlFactory(everyAttribute(), RELAY, ACTION).connect(Map.of("From", "+15550100001")));
        Element connect = (Element) doc.getElementsByTagName("Connect").item(0);
        assertEquals(ACTION, connect.getAttribute("action"));
        assertEquals("POST", connect.getAttribute("method"));
        Element relay = (Element) connect.getElementsByTagName("ConversationRelay").item(0);
        Map<String, String> expected = Map.ofEntries(
                Map.entry("url", RELAY),
                Map.entry("welcomeGreeting", "Hi there"),
                Map.entry("welcomeGreetingInterruptible", "dtmf"),
                Map.entry("language", "en-US"),
                Map.entry("ttsLanguage", "en-GB"),
                Map.entry("transcriptionLanguage", "en-US"),
                Map.entry("ttsProvider", "Google"),
                Map.entry("voice", "en-US-Journey-O"),
                Map.entry("transcriptionProvider", "Deepgram"),
                Map.entry("speechModel", "nova-3-general"),
                Map.entry("interruptible", "speech"),
                Map.entry("interruptSensitivity", "low"),
                Map.entry("dtmfDetection", "true"),
                Map.entry("reportInputDuringAgentSpeech", "speech"),
                Map.entry("preemptible", "true"),
                Map.entry("partialPrompts", "true"),
                Map.entry("hints", "Acme,Switchboard"),
                Map.entry("debug", "debugging speaker-events tokens-played"),
                Map.entry("events", "speaker-events tokens-played"),
                Map.entry("intelligenceService", "GA00000000000000000000000000000000"));
        expected.forEach((name, value) -> assertEquals(value, relay.getAttribute(name), name));
    }

    @Test
    void applicationReconnectIsAskedForOnlyWhenTheSettingIsOn() throws Exception {
        Settings on = new Settings();
        on.applicationReconnect = true;
        Element relay = (Element) parse(new TwimlFactory(on, RELAY, ACTION).connect(Map.of()))
                .getElementsByTagName("ConversationRelay").item(0);
        assertEquals("true", relay.getAttribute("applicationReconnect"));

        Element off = (Element) parse(new TwimlFactory(new Settings(), RELAY, ACTION).connect(Map.of()))
                .getElementsByTagName("ConversationRelay").item(0);
        assertFalse(off.hasAttribute("applicationReconnect"), "off by default: Twilio's own default applies");
    }

    @Test
    void aReconnectAnsweredFromTheActionWebhookAlsoAsksForApplicationReconnect() throws Exception {
        Settings on = new Settings();
        on.applicationReconnect = true;
        TwimlFactory.ActionAnswer answer = new TwimlFactory(on, RELAY, ACTION).action(Map.of("SessionStatus", "failed",
                "ErrorCode", "64105", "CallStatus", "in-progress", "CallSid", "CA1"));
        assertEquals(TwimlFactory.ActionOutcome.RECONNECT, answer.outcome());
        Element relay = (Element) parse(answer.twiml()).getElementsByTagName("ConversationRelay").item(0);
        assertEquals("true", relay.getAttribute("applicationReconnect"));
    }

    @Test
    void reportInputDuringAgentSpeechIsTheEnumValueNotABoolean() throws Exception {
        Document doc = parse(new TwimlFactory(everyAttribute(), RELAY, ACTION).connect(Map.of()));
        Element relay = (Element) doc.getElementsByTagName("ConversationRelay").item(0);
        assertEquals("speech", relay.getAttribute("reportInputDuringAgentSpeech"));
    }

    @Test
    void languagesAndCallerParametersAreNestedElements() throws Exception {
        Document doc = parse(new TwimlFactory(everyAttribute(), RELAY, ACTION)
                .connect(Map.of("From", "+15550100001", "To", "+15550100002")));
        NodeList languages = doc.getElementsByTagName("Language");
        assertEquals(2, languages.getLength());
        Element spanish = (Element) languages.item(1);
        assertEquals("es-ES", spanish.getAttribute("code"));
        assertEquals("Amazon", spanish.getAttribute("ttsProvider"));
        assertEquals("Lucia-Neural", spanish.getAttribute("voice"));
        assertEquals("Google", spanish.getAttribute("transcriptionProvider"));
        assertEquals("telephony", spanish.getAttribute("speechModel"));
        NodeList params = doc.getElementsByTagName("Parameter");
        Map<String, String> byName = new java.util.HashMap<>();
        for (int i = 0; i < params.getLength(); i++) {
            Element p = (Element) params.item(i);
            byName.put(p.getAttribute("name"), p.getAttribute("value"));
        }
        assertEquals("+15550100001", byName.get("callerNumber"));
        assertEquals("+15550100002", byName.get("calledNumber"));
    }

    @Test
    void unsetAttributesAreLeftToTwilioDefaults() throws Exception {
        Settings s = new Settings();
        s.twiml.ttsProvider = null;
        Document doc = parse(new TwimlFactory(s, RELAY, ACTION).connect(Map.of()));
        Element relay = (Element) doc.getElementsByTagName("ConversationRelay").item(0);
        assertFalse(relay.hasAttribute("ttsProvider"));
        assertFalse(relay.hasAttribute("voice"));
    }

    @Test
    void endedWithHandoffDialsTheConfiguredHuman() throws Exception {
        Settings s = new Settings();
        s.handoffNumber = "+15550109999";
        TwimlFactory.ActionAnswer answer = new TwimlFactory(s, RELAY, ACTION).action(Map.of(
                "SessionStatus", "ended", "CallStatus", "in-progress",
                "HandoffData", "{\"reason\":\"billing dispute\",\"handToHuman\":true}"));
        assertEquals(TwimlFactory.ActionOutcome.HANDOFF, answer.outcome());
        Document doc = parse(answer.twiml());
        assertEquals("+15550109999", doc.getElementsByTagName("Dial").item(0).getTextContent());
    }

    @Test
    void endedWithoutAHumanNumberSaysGoodbyeAndHangsUp() throws Exception {
        TwimlFactory.ActionAnswer answer = new TwimlFactory(new Settings(), RELAY, ACTION).action(Map.of(
                "SessionStatus", "ended", "CallStatus", "in-progress", "HandoffData", "{\"handToHuman\":true}"));
        assertEquals(TwimlFactory.ActionOutcome.GOODBYE, answer.outcome());
        Document doc = parse(answer.twiml());
        assertEquals(1, doc.getElementsByTagName("Say").getLength());
        assertEquals(1, doc.getElementsByTagName("Hangup").getLength());
        assertEquals(0, doc.getElementsByTagName("Dial").getLength());
    }

    @Test
    void endedBySupervisorWithoutHandoffDoesNotDial() throws Exception {
        Settings s = new Settings();
        s.handoffNumber = "+15550109999";
        TwimlFactory.ActionAnswer answer = new TwimlFactory(s, RELAY, ACTION).action(Map.of(
                "SessionStatus", "ended", "CallStatus", "in-progress", "HandoffData", "{\"handToHuman\":false}"));
        assertEquals(TwimlFactory.ActionOutcome.GOODBYE, answer.outcome());
    }

    @Test
    void failedSessionOnALiveCallReconnectsToTheRelay() throws Exception {
        TwimlFactory.ActionAnswer answer = new TwimlFactory(new Settings(), RELAY, ACTION).action(Map.of(
                "SessionStatus", "failed", "ErrorCode", "64105", "ErrorMessage", "Websocket ended",
                "CallStatus", "in-progress", "From", "+15550100001"));
        assertEquals(TwimlFactory.ActionOutcome.RECONNECT, answer.outcome());
        Element relay = (Element) parse(answer.twiml()).getElementsByTagName("ConversationRelay").item(0);
        assertNotNull(relay);
        assertEquals(RELAY, relay.getAttribute("url"));
    }

    @Test
    void completedCallGetsAnEmptyResponse() throws Exception {
        TwimlFactory.ActionAnswer answer = new TwimlFactory(new Settings(), RELAY, ACTION).action(Map.of(
                "SessionStatus", "completed", "CallStatus", "completed"));
        assertEquals(TwimlFactory.ActionOutcome.CLOSED, answer.outcome());
        Element response = parse(answer.twiml()).getDocumentElement();
        assertEquals("Response", response.getTagName());
        assertTrue(response.getChildNodes().getLength() == 0);
    }

    /** Every character XML 1.0 forbids, plus a valid astral character that must survive. */
    private static final String HOSTILE = "a\u0000b\u0001\u000B\u001F\uFFFE\uFFFF\uD800c\uDC00d\uD83D\uDE00\te";

    private static String parameter(Document doc, String name) {
        NodeList params = doc.getElementsByTagName("Parameter");
        for (int i = 0; i < params.getLength(); i++) {
            Element p = (Element) params.item(i);
            if (p.getAttribute("name").equals(name)) {
                return p.getAttribute("value");
            }
        }
        return null;
    }

    @Test
    void callerSuppliedCharactersXmlForbidsNeverReachTheTwiml() throws Exception {
        Settings settings = everyAttribute();
        settings.twiml.welcomeGreeting = "Hello " + HOSTILE;
        settings.twiml.hints = HOSTILE;
        String xml = new TwimlFactory(settings, RELAY, ACTION)
                .connect(Map.of("From", "+1555" + HOSTILE, "To", HOSTILE, "FromCountry", HOSTILE));
        Document doc = parse(xml); // a real XML 1.0 parser: throws on any forbidden character
        String cleaned = "a\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDc\uFFFDd\uD83D\uDE00\te";
        assertEquals("+1555" + cleaned, parameter(doc, "callerNumber"));
        assertEquals(cleaned, parameter(doc, "callerCountry"));
        Element relay = (Element) doc.getElementsByTagName("ConversationRelay").item(0);
        assertEquals("Hello " + cleaned, relay.getAttribute("welcomeGreeting"));
        assertEquals(cleaned, relay.getAttribute("hints"));
    }

    @Test
    void handoffAndGoodbyeTwimlStayWellFormedWithForbiddenCharacters() throws Exception {
        Settings settings = new Settings();
        settings.handoffNumber = "+1555\u0000\u0002";
        settings.goodbyeMessage = "Bye\u0007" + HOSTILE;
        TwimlFactory twiml = new TwimlFactory(settings, RELAY, ACTION);
        Document handoff = parse(twiml.action(Map.of("SessionStatus", "ended", "CallStatus", "in-progress",
                "HandoffData", "{\"handToHuman\":true}")).twiml());
        assertEquals("+1555\uFFFD\uFFFD", handoff.getElementsByTagName("Dial").item(0).getTextContent());
        Document goodbye = parse(twiml.action(Map.of("SessionStatus", "ended", "CallStatus", "in-progress")).twiml());
        assertTrue(goodbye.getElementsByTagName("Say").item(0).getTextContent().startsWith("Bye\uFFFDa\uFFFDb"));
        Document reconnect = parse(twiml.action(Map.of("SessionStatus", "failed", "ErrorCode", "64105",
                "CallStatus", "in-progress", "From", HOSTILE)).twiml());
        assertNotNull(reconnect.getElementsByTagName("ConversationRelay").item(0));
    }
}
