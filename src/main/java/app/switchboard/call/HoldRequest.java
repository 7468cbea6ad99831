package app.switchboard.call;

import java.util.Objects;

/**
 * Another supervisor asks for a call this console's supervisor holds ("Ask for it" on their
 * console). The holder decides: releasing hands the call back to the AI, and the one who asked
 * can then take it over.
 */
public record HoldRequest(String callId, String requestedBy) {
    public HoldRequest {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(requestedBy, "requestedBy");
    }
}
