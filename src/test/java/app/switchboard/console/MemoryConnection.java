package app.switchboard.console;

import app.switchboard.call.RelayConnection;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The caller's end of a relay session without a socket: keeps every frame the call writes, as
 * written. For view-model tests and the dev console; the TestFX action tests use the real relay.
 */
final class MemoryConnection implements RelayConnection {

    private final List<String> frames = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    @Override
    public void sendText(String frame, SendResult result) {
        if (!open) {
            result.completed(new IllegalStateException("closed"));
            return;
        }
        frames.add(frame);
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
        return "127.0.0.1:0";
    }

    List<String> frames() {
        return List.copyOf(frames);
    }

    /** Every frame decoded with the protocol's own codec. */
    List<OutboundMessage> messages() {
        return frames.stream().map(ProtocolCodec::decodeOutbound).toList();
    }

    /** The text tokens sent since frame {@code from}, joined: what the caller would hear. */
    String spokenSince(int from) {
        StringBuilder text = new StringBuilder();
        List<OutboundMessage> all = messages();
        for (int i = from; i < all.size(); i++) {
            if (all.get(i) instanceof OutboundMessage.Text t) {
                text.append(t.token());
            }
        }
        return text.toString();
    }
}
