package app.switchboard.sim;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import app.switchboard.sim.SimulatedCall.Frame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every frame the app sends as Twilio reads it (protocol.md §9): decoded by the one
 * codec, an invalid frame is answered with an {@code error} frame (64107) and ten in a row close
 * the socket with 1007; an {@code end} closes with 1000 and reports the handoff. Valid frames go
 * to the {@link FrameLog} and its play queue. Counting shares the call's lock with the log.
 */
final class StrictFrameReader {

    // Logged under the facade's name, where log settings for the simulator already point.
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCall.class);

    private final SimulatedCall call;
    private final FrameLog log;
    private final Object lock;

    // Guarded by lock.
    private int consecutiveInvalid;

    StrictFrameReader(SimulatedCall call, FrameLog log, Object lock) {
        this.call = call;
        this.log = log;
        this.lock = lock;
    }

    void onText(String raw) {
        long now = System.nanoTime();
        OutboundMessage message = null;
        String invalid = null;
        try {
            message = ProtocolCodec.decodeOutbound(raw);
        } catch (RuntimeException e) {
            invalid = e.getMessage();
        }
        List<CompletableFuture<Frame>> ready;
        Frame frame;
        boolean tooMany = false;
        synchronized (lock) {
            frame = log.receive(now, raw, message, invalid);
            if (message == null) {
                consecutiveInvalid++;
                tooMany = consecutiveInvalid >= SimulatedCall.MALFORMED_LIMIT;
            } else {
                consecutiveInvalid = 0;
                log.play(message, now);
            }
            ready = log.takeWaitersFor(frame);
        }
        ready.forEach(w -> w.complete(frame));
        if (message == null) {
            LOG.debug("App frame rejected as Twilio would (64107): {} - {}", invalid, raw);
            call.send(new InboundMessage.TwilioError("Invalid message received, code: 64107, " + raw));
            if (tooMany) {
                call.closeAndReport(1007, SimulatedCall.TOO_MANY_MALFORMED, "failed", "in-progress", null);
            }
        } else if (message instanceof OutboundMessage.End end) {
            log.endReceived(end.handoffData());
            call.closeAndReport(1000, SimulatedCall.CLOSING_REASON, "ended", "in-progress", end.handoffData());
        }
    }
}
