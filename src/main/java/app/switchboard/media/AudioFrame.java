package app.switchboard.media;

/**
 * One piece of a call's audio as the relay hands it on: the track, the stream's timestamp (ms
 * since the stream began) and the raw μ-law bytes (8 kHz: 8 bytes per ms). Immutable.
 */
public record AudioFrame(String callId, Track track, long timestampMs, byte[] mulaw) {

    public AudioFrame {
        mulaw = mulaw.clone();
    }

    @Override
    public byte[] mulaw() {
        return mulaw.clone();
    }

    /** Bytes of audio without a copy. */
    public int length() {
        return mulaw.length;
    }

    /** Where this frame's audio would go, read without a copy (the buffers below copy it once). */
    void copyTo(byte[] target, int offset) {
        System.arraycopy(mulaw, 0, target, offset, mulaw.length);
    }

    short[] pcm() {
        return MuLaw.decode(mulaw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioFrame f && f.callId.equals(callId) && f.track == track && f.timestampMs == timestampMs
                && java.util.Arrays.equals(f.mulaw, mulaw);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(callId, track, timestampMs, java.util.Arrays.hashCode(mulaw));
    }

    @Override
    public String toString() {
        return "AudioFrame[" + callId + " " + track.wire() + " @" + timestampMs + "ms, " + mulaw.length + " bytes]";
    }
}
