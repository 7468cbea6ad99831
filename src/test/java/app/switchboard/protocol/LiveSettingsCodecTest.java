package app.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The live-settings part of the protocol (docs/live-settings.md). Twilio's documentation, as
 * far as it could be read, gives no JSON example of {@code config}, {@code hints} or
 * {@code configUpdated}: the frames below are therefore not Twilio's examples. The
 * {@code configUpdated} ones only carry the two names the changelogs give it (its own type,
 * CL-2610; an {@code info} named so, CL-2611) around made-up content, which is the point: the
 * reader must keep whatever the content is. The {@code text} frame uses the field names D-WS
 * documents for {@code text}.
 */
class LiveSettingsCodecTest {

    /** Made-up content: the payload is not documented. */
    private static final String CONFIG_UPDATED_AS_TYPE =
            "{\"type\":\"configUpdated\",\"anything\":{\"nested\":[1,2]},\"more\":\"x\"}";
    private static final String CONFIG_UPDATED_AS_INFO =
            "{\"type\":\"info\",\"name\":\"configUpdated\",\"value\":{\"tts\":{\"provider\":\"Backup\"}},\"extra\":true}";

    @Test
    void configUpdatedAsItsOwnTypeIsKeptVerbatimWhateverItHolds() {
        InboundMessage m = ProtocolCodec.decodeInbound(CONFIG_UPDATED_AS_TYPE);

        assertEquals(new InboundMessage.ConfigUpdated(CONFIG_UPDATED_AS_TYPE), m);
    }

    @Test
    void configUpdatedAsAnInfoMessageIsKeptVerbatimWhateverItHolds() {
        InboundMessage m = ProtocolCodec.decodeInbound(CONFIG_UPDATED_AS_INFO);

        assertEquals(new InboundMessage.ConfigUpdated(CONFIG_UPDATED_AS_INFO), m);
    }

    @Test
    void otherInfoMessagesStayInfo() {
        InboundMessage m = ProtocolCodec.decodeInbound("{\"type\":\"info\",\"name\":\"agentSpeaking\",\"value\":\"on\"}");

        assertEquals(new InboundMessage.Info("agentSpeaking", "on"), m);
    }

    @Test
    void configUpdatedRoundTripsThroughTheSimulatorEncodingByteForByte() {
        for (String raw : new String[] {CONFIG_UPDATED_AS_TYPE, CONFIG_UPDATED_AS_INFO}) {
            InboundMessage m = ProtocolCodec.decodeInbound(raw);

            assertEquals(raw, ProtocolCodec.encodeInbound(m));
        }
    }

    /** Nothing guessed is sent: the strict reader (Twilio's side) does not know a config frame either. */
    @Test
    void configIsNotAMessageTheAppCanSend() {
        InvalidMessageException refused = assertThrows(InvalidMessageException.class,
                () -> ProtocolCodec.decodeOutbound("{\"type\":\"config\",\"interruptible\":false}"));

        assertTrue(refused.getMessage().contains("unknown message type: config"), refused.getMessage());
    }

    @Test
    void bargeInOffIsTheDocumentedPerMessageFieldOnAnAgentToken() {
        OutboundMessage.Text token = new OutboundMessage.Text("Sure, ", false, null, false, true);

        String frame = ProtocolCodec.encode(token);

        assertEquals("{\"type\":\"text\",\"token\":\"Sure, \",\"last\":false,\"interruptible\":false,\"preemptible\":true}",
                frame);
        assertEquals(token, assertInstanceOf(OutboundMessage.Text.class, ProtocolCodec.decodeOutbound(frame)));
    }

    @Test
    void bargeInOnAPlayFrameRoundTripsThroughTheStrictReader() {
        OutboundMessage.Play play = new OutboundMessage.Play("https://example.com/hold.mp3", null, null, true);

        assertEquals(play, ProtocolCodec.decodeOutbound(ProtocolCodec.encode(play)));
    }
}
