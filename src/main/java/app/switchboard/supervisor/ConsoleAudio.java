package app.switchboard.supervisor;

import app.switchboard.call.CallSummary;
import app.switchboard.media.AudioFrame;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one console hears: the audio of at most one call, in a bounded queue of its own, apart
 * from its events. A frame is encoded and queued on the thread that received it from Twilio
 * (the call's media socket), which never waits: when the queue is full the oldest frame goes
 * (counted), so a slow console hears a gap, never a growing delay, and nothing is kept across
 * the gap. The console's one writer ({@link ConsoleOutbox}) sends a frame only when no event
 * waits. Listening stops when the console asks, listens to another call, leaves, or the call
 * ends (then a {@code listenEnded} notice goes out).
 */
final class ConsoleAudio {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAudio.class);

    private final SupervisorHub hub;
    private final String account;
    /** Starts the console's writer when it is idle. */
    private final Runnable wake;
    /** Sends a JSON message with the replies (the {@code listenEnded} notice). */
    private final Consumer<String> notice;
    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private String callId;
    private AutoCloseable subscription;
    private long seq;
    private boolean closed;
    private long dropped;

    ConsoleAudio(SupervisorHub hub, String account, Runnable wake, Consumer<String> notice) {
        this.hub = hub;
        this.account = account;
        this.wake = wake;
        this.notice = notice;
    }

    /** A {@code listen} command: checked, then this console's listening replaced (or stopped). Jetty's thread. */
    Reply listen(SupervisorMessage.Listen command) {
        String id = command.commandId();
        String target = command.callId();
        if (!command.on()) {
            stop(target);
            return Reply.accepted(id);
        }
        RelayAudio audio = hub.audio();
        if (!audio.on()) {
            return Reply.refused(id, "live audio is off on this relay (its listenToCalls setting)");
        }
        CallSummary call = hub.summaries().stream().filter(s -> s.callId().equals(target)).findFirst().orElse(null);
        if (call == null) {
            return Reply.refused(id, "unknown call " + target);
        }
        if (call.endedAt() != null) {
            return Reply.refused(id, "the call has ended");
        }
        if (!audio.ownedHere().test(target)) {
            return Reply.refused(id, "the call is on another cluster node: its audio reaches only consoles attached to that node");
        }
        AutoCloseable previous;
        synchronized (lock) {
            if (closed) {
                return Reply.refused(id, "the connection is closing");
            }
            previous = subscription;
            queue.clear(); // the old call's audio is never sent after the switch
            callId = target;
            seq = 0;
            subscription = null;
        }
        close(previous);
        AutoCloseable fresh = audio.source().listen(target, frame -> offer(target, frame));
        synchronized (lock) {
            if (!closed && target.equals(callId) && subscription == null) {
                subscription = fresh;
                fresh = null;
            }
        }
        close(fresh); // replaced (or the console left) meanwhile
        LOG.info("Console {} listens to call {}", account, target);
        return Reply.accepted(id);
    }

    /** A frame of the listened call; on the media socket's thread, which must not wait. */
    private void offer(String target, AudioFrame frame) {
        ByteBuffer encoded;
        synchronized (lock) {
            if (closed || !target.equals(callId)) {
                return;
            }
            long next = seq;
            seq = (seq + 1) & 0xFFFF_FFFFL;
            encoded = ByteBuffer.wrap(SupervisorCodec.encodeAudio(new SupervisorMessage.Audio(target, frame.track(), next,
                    frame.timestampMs() & 0xFFFF_FFFFL, frame.mulaw())));
            if (queue.size() >= hub.audio().queueFrames()) {
                queue.poll();
                dropped++;
                hub.countAudioDropped();
            }
            queue.add(encoded);
        }
        wake.run();
    }

    /** The next frame to write, or null. The console's writer. */
    ByteBuffer poll() {
        synchronized (lock) {
            return queue.poll();
        }
    }

    /** A call ended: when it is the one listened to, listening stops and the console is told. A call's executor. */
    void callEnded(String endedCallId) {
        if (stop(endedCallId)) {
            notice.accept(SupervisorCodec.encode(new SupervisorMessage.ListenEnded(endedCallId, "the call ended")));
        }
    }

    /** Stops listening to {@code target} if that is the call listened to; true when it was. */
    private boolean stop(String target) {
        AutoCloseable s;
        synchronized (lock) {
            if (target == null || !target.equals(callId)) {
                return false;
            }
            s = subscription;
            subscription = null;
            callId = null;
            queue.clear();
        }
        close(s);
        return true;
    }

    /** The console left: nothing more is heard or sent. */
    void shut() {
        AutoCloseable s;
        synchronized (lock) {
            closed = true;
            s = subscription;
            subscription = null;
            callId = null;
            queue.clear();
        }
        close(s);
    }

    /** The call listened to now, or null. */
    String listening() {
        synchronized (lock) {
            return callId;
        }
    }

    /** Frames dropped for this console because it did not read them in time. */
    long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private void close(AutoCloseable s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (Exception e) {
            LOG.debug("Closing an audio subscription failed", e);
        }
    }
}
