package app.switchboard.call;

/** What the console's status bar shows about the relay serving the calls. */
public record RelayStatus(
        String relayUrl,
        String twimlUrl,
        int port,
        String tlsFingerprint,
        boolean signaturesVerified,
        String model,
        int liveCalls) {
}
