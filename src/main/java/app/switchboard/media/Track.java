package app.switchboard.media;

/**
 * A Media Streams track, named as Twilio names them from its own side of the call: inbound is
 * what the caller says (to Twilio), outbound is what Twilio plays to the caller (the agent).
 */
public enum Track {
    INBOUND("inbound"),
    OUTBOUND("outbound");

    private final String wire;

    Track(String wire) {
        this.wire = wire;
    }

    /** The value in {@code media.track} and {@code start.tracks}. */
    public String wire() {
        return wire;
    }

    /**
     * The track a wire value names, or null. {@code dtmf.track} is documented as
     * {@code inbound_track}, the TwiML attribute's spelling, so that is read too.
     */
    public static Track fromWire(String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "inbound", "inbound_track" -> INBOUND;
            case "outbound", "outbound_track" -> OUTBOUND;
            default -> null;
        };
    }
}
