package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.switchboard.media.Track;
import app.switchboard.supervisor.SupervisorMessage.Audio;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The live-audio messages of the supervisor API: {@code listen}, {@code listenEnded}, the binary audio frame, hello's flag. */
class LiveAudioCodecTest {

    private static byte[] mulaw(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 3);
        }
        return b;
    }

    @Test
    void anAudioFrameReadsBackAsWrittenWithItsDocumentedLayout() {
        Audio audio = new Audio("CA0123", Track.OUTBOUND, 0xFFFF_FFFEL, 0x8000_0000L, mulaw(160, 7));
        byte[] frame = SupervisorCodec.encodeAudio(audio);

        assertThat(frame).hasSize(12 + 6 + 160);
        assertThat(Arrays.copyOf(frame, 12)).containsExactly(1, 1, 1, 6, 0xFF, 0xFF, 0xFF, 0xFE, 0x80, 0, 0, 0);
        assertThat(new String(frame, 12, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("CA0123");
        assertThat(Arrays.copyOfRange(frame, 18, frame.length)).isEqualTo(mulaw(160, 7));
        assertThat(SupervisorCodec.decodeBinary(ByteBuffer.wrap(frame))).isEqualTo(audio);
    }

    @Test
    void readingStartsAtTheBuffersPositionAndCopiesTheBytes() {
        Audio audio = new Audio("CA1", Track.INBOUND, 3, 60, mulaw(20, 1));
        byte[] frame = SupervisorCodec.encodeAudio(audio);
        ByteBuffer padded = ByteBuffer.allocate(frame.length + 4);
        padded.put(new byte[] {9, 9}).put(frame).put(new byte[] {9, 9}).flip().position(2).limit(2 + frame.length);

        Audio read = (Audio) SupervisorCodec.decodeBinary(padded);
        padded.put(2 + 12 + 3, (byte) 0x55); // the socket's buffer is reused after the call

        assertThat(read).isEqualTo(audio);
    }

    @Test
    void writingRefusesWhatCouldNotBeSent() {
        assertThatThrownBy(() -> new Audio(" ", Track.INBOUND, 0, 0, mulaw(1, 0))).hasMessageContaining("callId");
        assertThatThrownBy(() -> new Audio("CA".repeat(200), Track.INBOUND, 0, 0, mulaw(1, 0)))
                .hasMessageContaining("255");
        assertThatThrownBy(() -> new Audio("CA1", null, 0, 0, mulaw(1, 0))).hasMessageContaining("track");
        assertThatThrownBy(() -> new Audio("CA1", Track.INBOUND, 1L << 32, 0, mulaw(1, 0))).hasMessageContaining("seq");
        assertThatThrownBy(() -> new Audio("CA1", Track.INBOUND, 0, -1, mulaw(1, 0))).hasMessageContaining("timestampMs");
        assertThatThrownBy(() -> new Audio("CA1", Track.INBOUND, 0, 0, new byte[0])).hasMessageContaining("0");
        assertThatThrownBy(() -> new Audio("CA1", Track.INBOUND, 0, 0, new byte[8001])).hasMessageContaining("8001");
        // Audio is never JSON.
        assertThatThrownBy(() -> SupervisorCodec.encode(new Audio("CA1", Track.INBOUND, 0, 0, mulaw(1, 0))))
                .hasMessageContaining("binary");
    }

    @Test
    void aNewerLayoutOrKindOrTrackIsIgnoredNotAnError() {
        byte[] frame = SupervisorCodec.encodeAudio(new Audio("CA1", Track.INBOUND, 0, 0, mulaw(4, 0)));
        byte[] newer = frame.clone();
        newer[0] = 2;
        byte[] otherKind = frame.clone();
        otherKind[1] = 9;
        byte[] mixedTrack = frame.clone();
        mixedTrack[2] = 2;

        assertThat(SupervisorCodec.decodeBinary(ByteBuffer.wrap(newer))).isInstanceOf(SupervisorMessage.Unknown.class);
        assertThat(SupervisorCodec.decodeBinary(ByteBuffer.wrap(otherKind))).isInstanceOf(SupervisorMessage.Unknown.class);
        assertThat(SupervisorCodec.decodeBinary(ByteBuffer.wrap(mixedTrack))).isInstanceOf(SupervisorMessage.Unknown.class);
    }

    @Test
    void aBrokenFrameIsMalformedAndSaysWhatIsWrong() {
        byte[] frame = SupervisorCodec.encodeAudio(new Audio("CA0123", Track.INBOUND, 0, 0, mulaw(4, 0)));

        assertThat(reason(new byte[] {1})).contains("too short for a version and a kind");
        assertThat(reason(Arrays.copyOf(frame, 9))).contains("9 bytes, shorter than its 12-byte header");
        assertThat(reason(Arrays.copyOf(frame, 15))).contains("too short for its 6-byte callId");
        assertThat(reason(Arrays.copyOf(frame, 18))).contains("audio of 1..8000 bytes, not 0");
        byte[] noId = frame.clone();
        noId[3] = 0;
        assertThat(reason(noId)).contains("callId is required");
        byte[] zero = frame.clone();
        zero[0] = 0;
        assertThat(reason(zero)).contains("version 0");
    }

    private static String reason(byte[] frame) {
        SupervisorMessage.ServerMessage m = SupervisorCodec.decodeBinary(ByteBuffer.wrap(frame));
        assertThat(m).isInstanceOf(SupervisorMessage.Malformed.class);
        return ((SupervisorMessage.Malformed) m).reason();
    }

    @Test
    void listenIsACommandWithARequiredOnFlag() {
        SupervisorMessage.Listen on = new SupervisorMessage.Listen("c1", "CA1", true);
        String json = SupervisorCodec.encode(on);

        assertThat(json).isEqualTo("{\"v\":1,\"type\":\"listen\",\"commandId\":\"c1\",\"callId\":\"CA1\",\"on\":true}");
        assertThat(SupervisorCodec.decodeClient(json)).isEqualTo(on);
        assertThat(SupervisorCodec.decodeClient("{\"type\":\"listen\",\"commandId\":\"c2\",\"callId\":\"CA1\",\"on\":false,\"extra\":1}"))
                .isEqualTo(new SupervisorMessage.Listen("c2", "CA1", false));
        // Without on (or with a string) it cannot be run: malformed, with the commandId so the relay can refuse it.
        SupervisorMessage.ClientMessage missing = SupervisorCodec.decodeClient(
                "{\"type\":\"listen\",\"commandId\":\"c3\",\"callId\":\"CA1\",\"on\":\"yes\"}");
        assertThat(missing).isInstanceOf(SupervisorMessage.Malformed.class);
        assertThat(((SupervisorMessage.Malformed) missing).commandId()).isEqualTo("c3");
        assertThat(((SupervisorMessage.Malformed) missing).reason()).contains("on (true or false) is required");
        assertThatThrownBy(() -> new SupervisorMessage.Listen("c4", "", true)).hasMessageContaining("callId");
    }

    @Test
    void listenEndedAndHellosFlagReadBackAndDefaultTolerantly() {
        SupervisorMessage.ListenEnded ended = new SupervisorMessage.ListenEnded("CA1", "the call ended");
        SupervisorMessage.Hello hello = new SupervisorMessage.Hello("relay", "alice", 1, true);

        assertThat(SupervisorCodec.decodeServer(SupervisorCodec.encode(ended))).isEqualTo(ended);
        assertThat(SupervisorCodec.decodeServer(SupervisorCodec.encode(hello))).isEqualTo(hello);
        // An older relay says nothing of audio: it serves none.
        assertThat(SupervisorCodec.decodeServer("{\"v\":1,\"type\":\"hello\",\"relay\":\"r\",\"supervisor\":\"a\",\"protocol\":1}"))
                .isEqualTo(new SupervisorMessage.Hello("r", "a", 1, false));
        assertThat(SupervisorCodec.decodeServer("{\"v\":1,\"type\":\"listenEnded\",\"callId\":\"CA1\"}"))
                .isInstanceOf(SupervisorMessage.Malformed.class);
        assertThatThrownBy(() -> new SupervisorMessage.ListenEnded("CA1", " ")).hasMessageContaining("says why");
    }
}
