package app.switchboard.store;

/** A history query or export could not be done; the message says why in words a person can act on. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
