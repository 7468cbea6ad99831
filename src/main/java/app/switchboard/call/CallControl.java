package app.switchboard.call;

import java.util.List;
import java.util.function.Consumer;

/**
 * Everything the console may do with calls. It is implemented in process by
 * {@link CallRegistry}; the console only ever uses this interface, so it could attach to a
 * relay running elsewhere later.
 *
 * <p>Commands are asynchronous: each runs on the call's executor and is recorded as a
 * {@link CallEvent}; an unknown call id or a call that is over is recorded nowhere and ignored
 * with a log line, since a supervisor can click on a call that has just ended.
 */
public interface CallControl {

    List<CallSummary> calls();

    /** Every event of one call so far, in order. */
    List<CallEvent> events(String callId);

    /**
     * Receives every event of every call from now on, on the calling call's executor thread:
     * listeners must return quickly (queue, do not work).
     */
    AutoCloseable subscribe(Consumer<CallEvent> listener);

    RelayStatus status();

    /** The cluster this control is part of; a single-node relay is never degraded. */
    default ClusterStatus clusterStatus() {
        return ClusterStatus.SINGLE_NODE;
    }

    /**
     * Recent outbound calls with their latest Twilio status (ringing, busy, no-answer, …),
     * newest first. A call that was answered is also in {@link #calls()} once it reaches the relay.
     */
    default List<OutboundAttempt> outboundAttempts() {
        return List.of();
    }

    /** Each change to {@link #outboundAttempts()} from now on, on a relay or REST thread: return quickly. */
    default AutoCloseable subscribeOutbound(Consumer<OutboundAttempt> listener) {
        return () -> { };
    }

    /** Language codes the supervisor may switch a call to. */
    List<String> languages();

    void say(String callId, String text);

    void interrupt(String callId);

    void switchLanguage(String callId, String ttsLanguage, String transcriptionLanguage);

    /** Ends the relay session; with {@code handToHuman} the action webhook dials the configured number. */
    void end(String callId, String reason, boolean handToHuman);

    void takeOver(String callId);

    void release(String callId);

    void whisper(String callId, String guidance);

    /**
     * The same calls, with every command recorded as taken by {@code operator} (a supervisor
     * account of the remote API) instead of this process's user. The embedded console keeps
     * using this control itself.
     */
    default CallControl operatedBy(String operator) {
        throw new UnsupportedOperationException("this CallControl cannot name another operator");
    }

    /** The seq of the oldest event of the call still in memory (older ones are only in the store); 0 when unknown. */
    default long firstSeqInWindow(String callId) {
        List<CallEvent> events = events(callId);
        return events.isEmpty() ? 0 : events.get(0).seq();
    }
}
