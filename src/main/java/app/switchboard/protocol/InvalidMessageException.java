package app.switchboard.protocol;

/** An outbound message Twilio would reject; thrown before anything reaches the wire. */
public class InvalidMessageException extends IllegalArgumentException {
    public InvalidMessageException(String message) {
        super(message);
    }
}
