package app.switchboard.console;

import app.switchboard.call.CallControl;
import app.switchboard.history.CallHistory;
import app.switchboard.media.CallAudio;
import java.io.IOException;
import java.net.URI;

/**
 * How the console reaches a relay on another machine (File › Connect to relay…) without
 * knowing sockets: the launcher supplies it. The console shows the fingerprint, lets the
 * supervisor accept it, keeps the pin in settings and opens a window over the connection.
 */
public interface RelayConnector {

    /** The SHA-256 fingerprint of the certificate the relay at {@code relay} presents; sends no token. */
    String fingerprint(URI relay) throws IOException;

    /**
     * Starts connecting to {@code relay}, trusting only the certificate with {@code fingerprint};
     * returns at once. Watch {@link CallControl#subscribeConnection} for the outcome.
     */
    Remote connect(URI relay, String fingerprint, String token);

    /**
     * A relay's calls, its call history over the same connection (null: History is unavailable),
     * how to let go of them (closing the connection), and its live audio for Listen (null: none).
     */
    record Remote(CallControl calls, CallHistory history, Runnable close, CallAudio audio) {
        public Remote(CallControl calls, CallHistory history, Runnable close) {
            this(calls, history, close, null);
        }

        public Remote(CallControl calls, Runnable close) {
            this(calls, null, close);
        }
    }
}
