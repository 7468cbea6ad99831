package app.switchboard.media;

/**
 * The newest {@code capacity} bytes of one track: older audio is overwritten, so a call's memory
 * for audio never grows. Written by the socket's thread, read by whoever asks for a snapshot.
 */
final class AudioRing {

    private final byte[] ring;
    private int next;
    private int size;
    private long written;

    AudioRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.ring = new byte[capacity];
    }

    synchronized void add(byte[] audio) {
        int from = Math.max(0, audio.length - ring.length); // more than fits: only its newest part
        for (int i = from; i < audio.length; i++) {
            ring[next] = audio[i];
            next = (next + 1) % ring.length;
        }
        size = Math.min(ring.length, size + audio.length - from);
        written += audio.length;
    }

    /** The buffered audio, oldest first. */
    synchronized byte[] snapshot() {
        byte[] out = new byte[size];
        int start = (next - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return out;
    }

    synchronized long written() {
        return written;
    }

    int capacity() {
        return ring.length;
    }
}
