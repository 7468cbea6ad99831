package app.switchboard.supervisor;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * How {@link SupervisorClient} reaches a relay: a text WebSocket with a bearer token on the
 * upgrade. The client (and the console above it) knows only this; {@link JettySupervisorTransport}
 * is the real one.
 */
public interface SupervisorTransport extends AutoCloseable {

    /** Opens {@code uri} ({@code wss://host:port/console}); fails with {@link Refused} when the upgrade is answered with an HTTP error. */
    CompletableFuture<Connection> open(URI uri, String bearerToken, Receiver receiver);

    /**
     * The close code a transport reports when it gave the connection up because the relay
     * answered no ping ({@link PingTiming}); in the private range, never sent on the wire.
     */
    int PEER_SILENT = 4408;

    interface Connection {
        void send(String text);

        void close();

        boolean isOpen();
    }

    interface Receiver {
        void onText(String text);

        /** A binary frame (live audio); {@code data} is valid only during the call. */
        default void onBinary(java.nio.ByteBuffer data) {
        }

        void onClose(int code, String reason);
    }

    /** The relay answered the upgrade with {@code status} (401, 404, 429, …). */
    final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status) {
            super("the relay refused the console connection: HTTP " + status);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    @Override
    void close();
}
