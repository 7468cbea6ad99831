package app.switchboard.call;

/**
 * What the console shows about the relay serving the calls. {@code handoffConfigured}: the relay
 * has a number to hand calls to; without one, "hand to a human" would only say goodbye and hang up.
 */
public record RelayStatus(
        String relayUrl,
        String twimlUrl,
        int port,
        String tlsFingerprint,
        boolean signaturesVerified,
        String model,
        int liveCalls,
        boolean handoffConfigured) {
}
