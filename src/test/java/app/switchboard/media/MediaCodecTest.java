package app.switchboard.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The codec on the examples of Twilio's "Media Streams - WebSocket Messages" page
 * (twilio.com/docs/voice/media-streams/websocket-messages): their shape and field names, SIDs as
 * placeholders; the media payload is 20 ms made up here (the page's own is longer).
 */
class MediaCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONNECTED = "{\"event\": \"connected\", \"protocol\": \"Call\", \"version\": \"1.0.0\"}";
    static final String START = """
            {
              "event": "start",
              "sequenceNumber": "1",
              "start": {
                "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                "callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                "tracks": [ "inbound" ],
                "mediaFormat": { "encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1 },
                "customParameters": { "FirstName": "Jane", "LastName": "Doe", "RemoteParty": "Bob" }
              },
              "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
            }""";
    static final String MEDIA = """
            {
              "event": "media",
              "sequenceNumber": "3",
              "media": {
                "track": "outbound",
                "chunk": "1",
                "timestamp": "5",
                "payload": "nqGkp6qtsLO2uby/wsXIy87R1Nfa3eDj5uns7/L1+Pv+AQQHCg0QExYZHB8iJSgrLjE0Nzo9QENGSUxPUlVYW15hZGdqbXBzdnl8f4KFiIuOkZSXmp2go6aprK+ytbi7vsHEx8rN0NPW2dzf4uXo6+7x9Pf6/QADBgkMDxIVGBseISQnKi0wMzY5PD9CRUhLTlFUV1pdYGNmaWxvcnV4ew=="
              },
              "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
            }""";
    static final String STOP = """
            {
              "event": "stop",
              "sequenceNumber": "5",
              "stop": {
                "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                "callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
              },
              "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
            }""";
    static final String DTMF = """
            {
              "event": "dtmf",
              "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
              "sequenceNumber": "5",
              "dtmf": { "track": "inbound_track", "digit": "1" }
            }""";
    static final String MARK = """
            {
              "event": "mark",
              "sequenceNumber": "4",
              "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
              "mark": { "name": "my label" }
            }""";

    @Test
    void connectedIsTheDocumentedProtocolAndVersion() {
        assertEquals(new MediaMessage.Connected("Call", "1.0.0"), MediaCodec.decode(CONNECTED));
    }

    @Test
    void startCarriesTheCallTracksFormatAndParameters() {
        MediaMessage.Start start = assertInstanceOf(MediaMessage.Start.class, MediaCodec.decode(START));
        assertEquals(1, start.sequenceNumber());
        assertEquals("MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", start.streamSid());
        assertEquals("CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", start.callSid());
        assertEquals("ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", start.accountSid());
        assertEquals(List.of(Track.INBOUND), start.tracks());
        assertTrue(start.mediaFormat().isMulaw8kMono());
        assertEquals(Map.of("FirstName", "Jane", "LastName", "Doe", "RemoteParty", "Bob"), start.customParameters());
    }

    @Test
    void mediaDecodesItsBase64PayloadAndStringNumbers() {
        MediaMessage.Media media = assertInstanceOf(MediaMessage.Media.class, MediaCodec.decode(MEDIA));
        assertEquals(Track.OUTBOUND, media.track());
        assertEquals(3, media.sequenceNumber());
        assertEquals(1, media.chunk());
        assertEquals(5, media.timestamp());
        assertEquals(160, media.payload().length, "20 ms of μ-law at 8 kHz");
        assertEquals((byte) 0x9e, media.payload()[0]);
    }

    @Test
    void stopDtmfAndMarkAreRead() {
        assertEquals(new MediaMessage.Stop(5, "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), MediaCodec.decode(STOP));
        assertEquals(new MediaMessage.Dtmf(5, "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", Track.INBOUND, "1"), MediaCodec.decode(DTMF));
        assertEquals(new MediaMessage.Mark(4, "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "my label"), MediaCodec.decode(MARK));
    }

    @Test
    void readingToleratesNumbersAsNumbersAndUnknownFields() {
        MediaMessage m = MediaCodec.decode("{\"event\":\"media\",\"sequenceNumber\":7,\"extra\":{\"a\":1},"
                + "\"media\":{\"track\":\"inbound\",\"chunk\":2,\"timestamp\":40,\"payload\":\"/38=\",\"more\":true},\"streamSid\":\"MZ1\"}");
        MediaMessage.Media media = assertInstanceOf(MediaMessage.Media.class, m);
        assertEquals(7, media.sequenceNumber());
        assertEquals(40, media.timestamp());
        assertArrayEquals(new byte[] {(byte) 0xff, 0x7f}, media.payload());
    }

    @Test
    void whatCannotBeReadIsMalformedOrUnknownNeverAnException() {
        assertInstanceOf(MediaMessage.Malformed.class, MediaCodec.decode("not json"));
        assertInstanceOf(MediaMessage.Malformed.class, MediaCodec.decode("[1,2]"));
        assertInstanceOf(MediaMessage.Malformed.class, MediaCodec.decode("{\"type\":\"setup\"}"));
        assertInstanceOf(MediaMessage.Malformed.class, MediaCodec.decode("{\"event\":\"media\",\"media\":{\"track\":\"inbound\",\"payload\":\"***\"}}"));
        assertInstanceOf(MediaMessage.Malformed.class, MediaCodec.decode("{\"event\":\"media\",\"media\":{\"track\":\"sideways\",\"payload\":\"\"}}"));
        assertInstanceOf(MediaMessage.Malformed.class, MediaCodec.decode("{\"event\":\"start\",\"start\":{}}"));
        assertInstanceOf(MediaMessage.Malformed.class, MediaCodec.decode("{\"event\":\"media\",\"sequenceNumber\":\"x\",\"media\":{\"track\":\"inbound\",\"payload\":\"\"}}"));
        MediaMessage.Unknown unknown = assertInstanceOf(MediaMessage.Unknown.class, MediaCodec.decode("{\"event\":\"clear\",\"streamSid\":\"MZ1\"}"));
        assertEquals("clear", unknown.event());
    }

    @Test
    void writingReproducesTheDocumentedExamplesFieldForField() throws Exception {
        for (String example : List.of(CONNECTED, START, MEDIA, STOP, DTMF, MARK)) {
            JsonNode documented = JSON.readTree(example);
            JsonNode written = JSON.readTree(MediaCodec.encode(MediaCodec.decode(example)));
            assertEquals(documented, written, example);
        }
    }

    @Test
    void onlyDocumentedEventsAreWritten() {
        assertThrows(IllegalArgumentException.class, () -> MediaCodec.encode(new MediaMessage.Unknown("clear", "{}")));
        assertThrows(IllegalArgumentException.class, () -> MediaCodec.encode(new MediaMessage.Malformed("x", "not JSON")));
    }

    @Test
    void aWrittenMediaFrameRoundTrips() {
        byte[] audio = Base64.getDecoder().decode("AAECAwQFBgc=");
        MediaMessage.Media media = new MediaMessage.Media(12, "MZ1", Track.INBOUND, 11, 200, audio);
        assertEquals(media, MediaCodec.decode(MediaCodec.encode(media)));
    }
}
