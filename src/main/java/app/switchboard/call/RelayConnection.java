package app.switchboard.call;

/**
 * The socket of one relay session as the call sees it. The relay implements it over Jetty; the
 * call never sees Jetty. Implementations must accept {@link #sendText} from any thread and
 * keep frames in order.
 */
public interface RelayConnection {

    /** Queues one text frame; failures are reported to the callback, never thrown. */
    void sendText(String frame, SendResult result);

    /** Closes the socket with a close frame. */
    void close(int statusCode, String reason);

    boolean isOpen();

    /** Where the far end connected from, for the record. */
    String remoteAddress();

    @FunctionalInterface
    interface SendResult {
        void completed(Throwable failureOrNull);
    }
}
