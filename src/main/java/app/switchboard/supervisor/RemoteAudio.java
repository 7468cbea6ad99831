package app.switchboard.supervisor;

import app.switchboard.media.AudioFrame;
import app.switchboard.media.CallAudio;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live audio for a remote console: the call it listens to, heard over the supervisor API
 * ({@code listen}, then binary audio frames of that call only). Available while connected to
 * a relay whose {@code hello} says it serves audio. The call listened to is kept across a drop
 * and asked for again after each reconnect; a refusal or the call's end stops it and says why.
 * Frames reach the listener on the transport's thread (the player only queues them).
 */
public final class RemoteAudio implements CallAudio {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteAudio.class);

    /** One {@code listen}: the call, where its frames go, and who is told when it stops. */
    private record Listening(String callId, Consumer<AudioFrame> frames, Consumer<String> stopped) {
    }

    private final String relay;
    private final Supplier<SupervisorClient> connected;
    private final List<Runnable> availability = new CopyOnWriteArrayList<>();
    private volatile boolean online;
    private volatile boolean relayServesAudio;
    private volatile Listening current;

    /** @param connected the client of the connection up now, or null while disconnected */
    RemoteAudio(String relay, Supplier<SupervisorClient> connected) {
        this.relay = relay;
        this.connected = connected;
    }

    // ---- what the connection tells it ----

    void onConnected(SupervisorClient client) {
        SupervisorMessage.Hello hello = client.hello().getNow(null);
        relayServesAudio = hello != null && hello.listen();
        online = true;
        Listening l = current;
        if (l != null) {
            ask(client, l); // after a reconnect: the relay forgot this console's listening with the old connection
        }
        changed();
    }

    void onDropped() {
        online = false;
        changed();
    }

    void onAudio(SupervisorMessage.Audio audio) {
        Listening l = current;
        // A frame of the call listened to before a switch may still be on the wire: not this call's.
        if (l != null && l.callId().equals(audio.callId())) {
            l.frames().accept(audio.frame());
        }
    }

    void onEnded(SupervisorMessage.ListenEnded ended) {
        Listening l = current;
        if (l != null && l.callId().equals(ended.callId())) {
            current = null;
            l.stopped().accept("Not listening: " + ended.reason() + ".");
        }
    }

    // ---- CallAudio ----

    @Override
    public AutoCloseable listen(String callId, Consumer<AudioFrame> listener) {
        return listen(callId, listener, why -> { });
    }

    @Override
    public AutoCloseable listen(String callId, Consumer<AudioFrame> listener, Consumer<String> stopped) {
        Listening l = new Listening(callId, listener, stopped);
        current = l;
        SupervisorClient c = connected.get();
        if (c != null) {
            ask(c, l);
        }
        return () -> stop(l);
    }

    private void ask(SupervisorClient client, Listening l) {
        client.listen(l.callId(), true).whenComplete((reply, failure) -> {
            if (failure != null) {
                LOG.debug("listen to {} not answered: {}", l.callId(), failure.toString()); // asked again after the reconnect
            } else if (!reply.isAccepted() && current == l) {
                current = null;
                LOG.info("Relay {} refused to let this console listen to {}: {}", relay, l.callId(), reply.reason());
                l.stopped().accept("The relay refused: " + reply.reason() + ".");
            }
        });
    }

    private void stop(Listening l) {
        if (current != l) {
            return;
        }
        current = null;
        SupervisorClient c = connected.get();
        if (c != null) {
            c.listen(l.callId(), false);
        }
    }

    @Override
    public boolean available() {
        return online && relayServesAudio;
    }

    @Override
    public String why() {
        if (!online) {
            return "Not connected to relay " + relay + ": no live audio.";
        }
        return relayServesAudio ? "" : "Relay " + relay + " does not serve live audio (its listenToCalls setting is off).";
    }

    @Override
    public AutoCloseable subscribeAvailability(Runnable changed) {
        availability.add(changed);
        return () -> availability.remove(changed);
    }

    /** The call listened to now (asked for, or to be asked for after a reconnect), or null. */
    public String listening() {
        Listening l = current;
        return l == null ? null : l.callId();
    }

    private void changed() {
        for (Runnable r : availability) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("An audio availability listener failed", e);
            }
        }
    }
}
