package app.switchboard.history;

import java.time.Instant;

/**
 * Whether call history is being saved, for the console's persistent warning.
 *
 * @param status  OK while writes succeed; DEGRADED while they fail and events wait in memory;
 *                FAILED when events are being lost (the waiting buffer overflowed) or the
 *                writer itself stopped and is being restarted
 * @param message what a person needs to know, or null when there is nothing to say; also set
 *                on OK after a recovery the user should hear about (a damaged file moved aside)
 * @param pending events waiting in memory to be written
 * @param dropped events lost since start because the waiting buffer was full (oldest first)
 * @param since   when this status began
 */
public record StoreHealth(Status status, String message, int pending, long dropped, Instant since) {

    public enum Status { OK, DEGRADED, FAILED }

    public boolean ok() {
        return status == Status.OK;
    }
}
