package app.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A setup frame as recorded from a real call (protocol.md §2.1 field order). */
    private static final String REAL_SETUP = "{\"type\":\"setup\",\"sessionId\":\"VX00000000000000000000000000000001\","
            + "\"callSid\":\"CA00000000000000000000000000000001\",\"parentCallSid\":\"\",\"from\":\"+15550100001\","
            + "\"to\":\"+15550100002\",\"forwardedFrom\":\"+15550100002\",\"callerName\":\"\",\"direction\":\"inbound\","
            + "\"callType\":\"PSTN\",\"callStatus\":\"RINGING\",\"accountSid\":\"AC00000000000000000000000000000000\","
            + "\"customParameters\":{\"callerNumber\":\"+15550100001\"}}";

    @Test
    void setupKeepsAllThirteenFields() {
        InboundMessage.Setup s = assertInstanceOf(InboundMessage.Setup.class, ProtocolCodec.decodeInbound(REAL_SETUP));
        assertEquals("VX00000000000000000000000000000001", s.sessionId());
        assertEquals("CA00000000000000000000000000000001", s.callSid());
        assertEquals("", s.parentCallSid());
        assertEquals("+15550100001", s.from());
        assertEquals("+15550100002", s.to());
        assertEquals("+15550100002", s.forwardedFrom());
        assertEquals("", s.callerName());
        assertEquals("inbound", s.direction());
        assertEquals("PSTN", s.callType());
        assertEquals("RINGING", s.callStatus());
        assertEquals("AC00000000000000000000000000000000", s.accountSid());
        assertEquals(Map.of("callerNumber", "+15550100001"), s.customParameters());
    }

    @Test
    void everyInboundTypeRoundTripsThroughTheSimulatorEncoding() {
        InboundMessage[] messages = {
            ProtocolCodec.decodeInbound(REAL_SETUP),
            new InboundMessage.Prompt("What is my bill?", "en-US", true),
            new InboundMessage.Prompt("What is", "en", false),
            new InboundMessage.Dtmf("#"),
            new InboundMessage.Interrupt("Your last bill was", 684L),
            new InboundMessage.TwilioError("Invalid message received, code: 64107, x"),
            new InboundMessage.Info("tokensPlayed", "I heard:"),
        };
        for (InboundMessage m : messages) {
            assertEquals(m, ProtocolCodec.decodeInbound(ProtocolCodec.encodeInbound(m)), m.type());
        }
    }

    @Test
    void interruptDurationIsAcceptedAsNumberOrString() {
        InboundMessage.Interrupt asNumber = (InboundMessage.Interrupt) ProtocolCodec.decodeInbound(
                "{\"type\":\"interrupt\",\"utteranceUntilInterrupt\":\"Hello\",\"durationUntilInterruptMs\":684}");
        InboundMessage.Interrupt asString = (InboundMessage.Interrupt) ProtocolCodec.decodeInbound(
                "{\"type\":\"interrupt\",\"utteranceUntilInterrupt\":\"Hello\",\"durationUntilInterruptMs\":\"460\"}");
        assertEquals(684L, asNumber.durationUntilInterruptMs());
        assertEquals(460L, asString.durationUntilInterruptMs());
    }

    @Test
    void unknownFieldsAreIgnored() {
        InboundMessage m = ProtocolCodec.decodeInbound(
                "{\"type\":\"prompt\",\"voicePrompt\":\"hi\",\"lang\":\"en-US\",\"last\":true,\"confidence\":0.9,\"extra\":{\"a\":1}}");
        assertEquals(new InboundMessage.Prompt("hi", "en-US", true), m);
    }

    @Test
    void unknownTypeIsKeptWithItsRawText() {
        String raw = "{\"type\":\"connected\",\"protocol\":\"Call\"}";
        InboundMessage.Unknown u = assertInstanceOf(InboundMessage.Unknown.class, ProtocolCodec.decodeInbound(raw));
        assertEquals("connected", u.wireType());
        assertEquals(raw, u.raw());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"type\":", "[1,2]", "42", "{\"voicePrompt\":\"no type\"}", "{\"type\":7}", ""})
    void malformedFramesBecomeValuesNotExceptions(String raw) {
        InboundMessage.Malformed m = assertInstanceOf(InboundMessage.Malformed.class, ProtocolCodec.decodeInbound(raw));
        assertEquals(raw, m.raw());
        assertFalse(m.reason().isBlank());
    }

    @Test
    void textFrameCarriesOnlyTheFlagsThatWereSet() throws Exception {
        JsonNode plain = JSON.readTree(ProtocolCodec.encode(OutboundMessage.Text.token(" world")));
        assertEquals("text", plain.get("type").asText());
        assertEquals(" world", plain.get("token").asText(), "tokens are never trimmed");
        assertFalse(plain.get("last").asBoolean());
        assertFalse(plain.has("lang"));
        assertFalse(plain.has("preemptible"));

        JsonNode full = JSON.readTree(ProtocolCodec.encode(new OutboundMessage.Text("Hola", true, "es-ES", false, true)));
        assertTrue(full.get("last").asBoolean());
        assertEquals("es-ES", full.get("lang").asText());
        assertFalse(full.get("interruptible").asBoolean());
        assertTrue(full.get("preemptible").asBoolean());
    }

    @Test
    void everyOutboundTypeRoundTripsThroughTheStrictReader() {
        OutboundMessage[] messages = {
            new OutboundMessage.Text("Hello ", false, null, null, true),
            new OutboundMessage.Play("https://example.test/hold.mp3", 0, true, null),
            new OutboundMessage.SendDigits("9www4085551212#*"),
            new OutboundMessage.Language("sv-SE", "en-US"),
            new OutboundMessage.Language(null, "es-ES"),
            new OutboundMessage.End("{\"reason\":\"done\"}"),
            new OutboundMessage.End(null),
        };
        for (OutboundMessage m : messages) {
            assertEquals(m, ProtocolCodec.decodeOutbound(ProtocolCodec.encode(m)), m.type());
        }
    }

    @Test
    void endCarriesHandoffDataAsAString() throws Exception {
        JsonNode end = JSON.readTree(ProtocolCodec.encode(new OutboundMessage.End("{\"handToHuman\":true}")));
        assertTrue(end.get("handoffData").isTextual());
        assertEquals("{\"handToHuman\":true}", end.get("handoffData").asText());
    }

    @Test
    void messagesTwilioWouldRejectCannotBeBuilt() {
        assertThrows(InvalidMessageException.class, () -> new OutboundMessage.Text(null, false, null, null, null));
        assertThrows(InvalidMessageException.class, () -> new OutboundMessage.SendDigits("12a"));
        assertThrows(InvalidMessageException.class, () -> new OutboundMessage.SendDigits(""));
        assertThrows(InvalidMessageException.class, () -> new OutboundMessage.Language(null, " "));
        assertThrows(InvalidMessageException.class, () -> new OutboundMessage.Play("not a url", null, null, null));
        assertThrows(InvalidMessageException.class, () -> new OutboundMessage.Play("ftp://x.test/a.mp3", null, null, null));
        assertThrows(InvalidMessageException.class, () -> new OutboundMessage.Play("https://x.test/a.mp3", -1, null, null));
    }

    @Test
    void strictReaderRefusesWhatTwilioRefuses() {
        assertThrows(InvalidMessageException.class, () -> ProtocolCodec.decodeOutbound("{\"type\":\"interrupt\"}"));
        assertThrows(InvalidMessageException.class, () -> ProtocolCodec.decodeOutbound("{\"type\":\"connected\"}"));
        assertThrows(InvalidMessageException.class, () -> ProtocolCodec.decodeOutbound("{\"type\":\"text\"}"));
        assertThrows(InvalidMessageException.class, () -> ProtocolCodec.decodeOutbound("{\"type\":\"end\",\"handoffData\":{\"a\":1}}"));
        assertThrows(InvalidMessageException.class, () -> ProtocolCodec.decodeOutbound("hello"));
    }

    @Test
    void emptySetupParametersDecodeAsAnEmptyMap() {
        InboundMessage.Setup s = (InboundMessage.Setup) ProtocolCodec.decodeInbound("{\"type\":\"setup\",\"callSid\":\"CA1\"}");
        assertTrue(s.customParameters().isEmpty());
        assertNull(s.from());
    }
}
