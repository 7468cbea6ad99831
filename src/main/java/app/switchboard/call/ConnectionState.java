package app.switchboard.call;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether the console can reach the calls it shows. The in-process registry is always
 * {@link Phase#IN_PROCESS}; a remote control moves between the other phases as its connection to
 * the relay opens, drops and comes back.
 *
 * @param relay      host:port of the relay (null in process)
 * @param supervisor the account signed in on the relay, once it said hello (null otherwise)
 * @param retryAt    when the next connection attempt starts (DISCONNECTED only)
 * @param problem    why the last attempt failed or the connection dropped, for the supervisor to read
 */
public record ConnectionState(Phase phase, String relay, String supervisor, Instant retryAt, String problem) {

    public enum Phase {
        /** The calls run in this process: nothing to lose. */
        IN_PROCESS,
        /** A connection attempt is under way. */
        CONNECTING,
        /** Connected and signed in: events flow, commands go out. */
        CONNECTED,
        /** The connection dropped or an attempt failed; another attempt follows at {@code retryAt}. */
        DISCONNECTED,
        /** The relay or its certificate was refused for good (wrong fingerprint, revoked token): no retry. */
        REFUSED
    }

    public static final ConnectionState IN_PROCESS_STATE = new ConnectionState(Phase.IN_PROCESS, null, null, null, null);

    public ConnectionState {
        Objects.requireNonNull(phase, "phase");
    }

    /** Commands can be sent now. */
    public boolean canCommand() {
        return phase == Phase.IN_PROCESS || phase == Phase.CONNECTED;
    }

    public boolean isRemote() {
        return phase != Phase.IN_PROCESS;
    }
}
