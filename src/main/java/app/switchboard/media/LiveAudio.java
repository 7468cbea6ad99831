package app.switchboard.media;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's live audio: per streaming call, a short ring per track (nothing is stored), and
 * the listeners of each call. The socket that owns a call's stream feeds it; consoles listen.
 */
public final class LiveAudio implements CallAudio {

    private static final Logger LOG = LoggerFactory.getLogger(LiveAudio.class);
    /** 2 s of μ-law at 8 kHz per track. */
    public static final int DEFAULT_RING_BYTES = 2 * 8000;

    private final int ringBytes;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<AudioFrame>>> listeners = new ConcurrentHashMap<>();

    public LiveAudio() {
        this(DEFAULT_RING_BYTES);
    }

    public LiveAudio(int ringBytes) {
        this.ringBytes = ringBytes;
    }

    /** One call's stream: its Twilio stream SID and its two rings. */
    private static final class Stream {
        final String streamSid;
        final AudioRing inbound;
        final AudioRing outbound;

        Stream(String streamSid, int bytes) {
            this.streamSid = streamSid;
            this.inbound = new AudioRing(bytes);
            this.outbound = new AudioRing(bytes);
        }

        AudioRing ring(Track track) {
            return track == Track.INBOUND ? inbound : outbound;
        }
    }

    /**
     * A stream for {@code callId} began; false (and nothing changed) when another stream already
     * feeds that call: one stream per call, as the TwiML asks for one.
     */
    public boolean open(String callId, String streamSid) {
        Stream fresh = new Stream(streamSid, ringBytes);
        return streams.putIfAbsent(callId, fresh) == null;
    }

    /** A frame of {@code callId}'s stream {@code streamSid}; ignored when that stream is not the call's. */
    public void frame(String streamSid, AudioFrame frame) {
        Stream stream = streams.get(frame.callId());
        if (stream == null || !stream.streamSid.equals(streamSid)) {
            return;
        }
        stream.ring(frame.track()).add(frame.mulaw());
        List<Consumer<AudioFrame>> those = listeners.get(frame.callId());
        if (those == null) {
            return;
        }
        for (Consumer<AudioFrame> l : those) {
            try {
                l.accept(frame);
            } catch (RuntimeException e) {
                LOG.warn("Audio listener of call {} failed", frame.callId(), e);
            }
        }
    }

    /** The stream ended; its rings go with it. */
    public void close(String callId, String streamSid) {
        streams.computeIfPresent(callId, (id, s) -> s.streamSid.equals(streamSid) ? null : s);
    }

    public boolean streaming(String callId) {
        return streams.containsKey(callId);
    }

    /** The newest audio of a track (at most the ring's size), oldest first; empty when not streaming. */
    public byte[] recent(String callId, Track track) {
        Stream s = streams.get(callId);
        return s == null ? new byte[0] : s.ring(track).snapshot();
    }

    /** Bytes a track has received in all, including what the ring no longer holds. */
    public long received(String callId, Track track) {
        Stream s = streams.get(callId);
        return s == null ? 0 : s.ring(track).written();
    }

    public int ringBytes() {
        return ringBytes;
    }

    @Override
    public AutoCloseable listen(String callId, Consumer<AudioFrame> listener) {
        // Added inside compute, so a concurrent close of the last listener cannot drop the new one's list.
        listeners.compute(callId, (id, list) -> {
            List<Consumer<AudioFrame>> those = list == null ? new CopyOnWriteArrayList<>() : list;
            those.add(listener);
            return those;
        });
        return () -> listeners.computeIfPresent(callId, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Calls someone listens to. */
    public int listenedCalls() {
        return listeners.size();
    }
}
