package app.switchboard.media;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every Media Streams message Twilio sends on a {@code <Start><Stream>} socket (docs/live-audio.md,
 * twilio.com/docs/voice/media-streams/websocket-messages). Frames are JSON keyed by {@code event}.
 * What cannot be read becomes {@link Malformed}; an event not documented, {@link Unknown}: the
 * socket decides what they cost, the codec never throws.
 */
public sealed interface MediaMessage {

    /** The {@code event} value. */
    String event();

    /** {@code {"event":"connected","protocol":"Call","version":"1.0.0"}}: the first frame. */
    record Connected(String protocol, String version) implements MediaMessage {
        @Override
        public String event() {
            return "connected";
        }
    }

    /** {@code start.mediaFormat}; Twilio documents {@code audio/x-mulaw}, 8000 Hz, 1 channel. */
    record MediaFormat(String encoding, int sampleRate, int channels) {
        public static final MediaFormat MULAW_8K = new MediaFormat("audio/x-mulaw", 8000, 1);

        public boolean isMulaw8kMono() {
            return MULAW_8K.equals(this);
        }
    }

    /** Once, after {@code connected}: which call the stream belongs to and what it will carry. */
    record Start(long sequenceNumber, String streamSid, String accountSid, String callSid, List<Track> tracks,
                 Map<String, String> customParameters, MediaFormat mediaFormat) implements MediaMessage {
        public Start {
            tracks = List.copyOf(tracks);
            customParameters = Map.copyOf(customParameters);
        }

        @Override
        public String event() {
            return "start";
        }
    }

    /**
     * One piece of audio: {@code payload} is raw μ-law at 8 kHz (base64 on the wire, decoded
     * here); {@code chunk} counts from 1 per track; {@code timestamp} is ms since the stream began.
     */
    record Media(long sequenceNumber, String streamSid, Track track, long chunk, long timestamp, byte[] payload)
            implements MediaMessage {
        public Media {
            Objects.requireNonNull(track, "track");
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public String event() {
            return "media";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Media m && m.sequenceNumber == sequenceNumber && Objects.equals(m.streamSid, streamSid)
                    && m.track == track && m.chunk == chunk && m.timestamp == timestamp
                    && java.util.Arrays.equals(m.payload, payload);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sequenceNumber, streamSid, track, chunk, timestamp, java.util.Arrays.hashCode(payload));
        }

        @Override
        public String toString() {
            return "Media[" + streamSid + " " + track.wire() + " #" + chunk + " @" + timestamp + "ms, "
                    + payload.length + " bytes]";
        }
    }

    /** The stream ended (the call hung up, or the stream was stopped). */
    record Stop(long sequenceNumber, String streamSid, String accountSid, String callSid) implements MediaMessage {
        @Override
        public String event() {
            return "stop";
        }
    }

    /** Documented for bidirectional streams; tolerated here. */
    record Mark(long sequenceNumber, String streamSid, String name) implements MediaMessage {
        @Override
        public String event() {
            return "mark";
        }
    }

    /** A key press on the stream; documented for bidirectional streams, tolerated here. */
    record Dtmf(long sequenceNumber, String streamSid, Track track, String digit) implements MediaMessage {
        @Override
        public String event() {
            return "dtmf";
        }
    }

    /** Valid JSON with an event this model does not know. */
    record Unknown(String event, String raw) implements MediaMessage {
    }

    /** Not JSON, no {@code event}, or a documented event without what it must carry. */
    record Malformed(String raw, String problem) implements MediaMessage {
        @Override
        public String event() {
            return "";
        }
    }
}
