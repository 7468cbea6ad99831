package app.switchboard.call;

import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process relay socket for tests of the call model and the agent: it keeps every frame
 * the call wrote, raw and decoded with the strict reader Twilio's side uses (a frame Twilio would
 * reject lands in {@link #invalid}). Socket-level behaviour is tested over the real relay.
 */
public final class RecordingConnection implements RelayConnection {

    public final List<String> raw = new CopyOnWriteArrayList<>();
    public final List<OutboundMessage> frames = new CopyOnWriteArrayList<>();
    public final List<String> invalid = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    @Override
    public void sendText(String frame, SendResult result) {
        if (!open) {
            result.completed(new IllegalStateException("closed"));
            return;
        }
        raw.add(frame);
        try {
            frames.add(ProtocolCodec.decodeOutbound(frame));
        } catch (RuntimeException e) {
            invalid.add(frame + " -> " + e.getMessage());
        }
        result.completed(null);
    }

    @Override
    public void close(int statusCode, String reason) {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String remoteAddress() {
        return "in-process";
    }

    /** The text tokens written from raw frame {@code from} on, joined: what the caller would hear. */
    public String spokenSince(int from) {
        StringBuilder text = new StringBuilder();
        for (String frame : raw.subList(Math.min(from, raw.size()), raw.size())) {
            try {
                if (ProtocolCodec.decodeOutbound(frame) instanceof OutboundMessage.Text t) {
                    text.append(t.token());
                }
            } catch (RuntimeException ignored) {
                // an invalid frame is not heard; it is in {@link #invalid}
            }
        }
        return text.toString();
    }

    public <T extends OutboundMessage> List<T> framesOf(Class<T> type) {
        return frames.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
