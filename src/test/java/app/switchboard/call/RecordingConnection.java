package app.switchboard.call;

import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process socket for unit tests of the call model: it keeps every frame the call wrote,
 * each checked with the strict reader Twilio's side uses. Socket-level behaviour is tested over
 * the real relay.
 */
public final class RecordingConnection implements RelayConnection {

    public final List<OutboundMessage> frames = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    public volatile int closeCode;

    @Override
    public void sendText(String frame, SendResult result) {
        frames.add(ProtocolCodec.decodeOutbound(frame));
        result.completed(null);
    }

    @Override
    public void close(int statusCode, String reason) {
        open = false;
        closeCode = statusCode;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String remoteAddress() {
        return "in-process";
    }

    public <T extends OutboundMessage> List<T> framesOf(Class<T> type) {
        return frames.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
