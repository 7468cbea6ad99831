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

    /**
     * Whether the caller can interrupt (barge in on) what the call says from now on: every later
     * text/play frame carries Twilio's per-message {@code interruptible}. The voice cannot be
     * changed mid-call: Twilio's {@code config} message is not documented as far as could be read
     * (docs/live-settings.md).
     */
    void setInterruptible(String callId, boolean interruptible);

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

    // ---- attention rules and alerts ----

    /**
     * Acknowledges the {@link EventPayload.Alert} recorded at {@code alertSeq} of the call, as this
     * control's operator: the call records {@link EventKind#ALERT_ACKNOWLEDGED} (its events, the
     * store, the audit trail). Asynchronous like every command.
     *
     * @return false when this control cannot acknowledge alerts (the console then says so)
     */
    default boolean acknowledgeAlert(String callId, long alertSeq) {
        return false;
    }

    /**
     * The attention rules every call applies from now on, live calls included.
     *
     * @return false when this control cannot change them (a remote relay keeps its own rules)
     */
    default boolean alertRules(List<AlertRule> rules) {
        return false;
    }

    // ---- several supervisors: exclusive holds and presence ----

    /**
     * Takes the call over for this control's operator unless another supervisor holds it.
     * Exclusive: the hold belongs to one operator until they release it (or, for a remote
     * console, until it has been gone for the grace period).
     *
     * @return null when the take-over was handed to the call (or this operator already holds
     *         it), else the name of the supervisor who holds it
     */
    default String takeOverUnlessHeld(String callId) {
        takeOver(callId);
        return null;
    }

    /**
     * Releases the call if this control's operator holds it.
     *
     * @return null when released (or nobody held it), else the name of the supervisor who holds it
     */
    default String releaseIfHolder(String callId) {
        release(callId);
        return null;
    }

    /**
     * {@code holder} is gone (a console that did not come back): if they still hold the call, the
     * hold ends, recorded with {@code reason} so the transcript says it, and the AI takes the call back.
     */
    default void releaseAbandoned(String callId, String holder, String reason) {
    }

    /** Who is watching and holding which call now; in process, nobody watches remotely. */
    default SupervisorPresence presence() {
        java.util.Map<String, String> holders = new java.util.HashMap<>();
        for (CallSummary s : calls()) {
            if (s.heldBy() != null) {
                holders.put(s.callId(), s.heldBy());
            }
        }
        return new SupervisorPresence(List.of(), holders);
    }

    /**
     * The relay's console connections report who is signed in and what they have open; the
     * calls combine it with the holds into {@link #presence()} and tell its subscribers.
     */
    default void supervisorsOnline(List<SupervisorPresence.Supervisor> supervisors) {
    }

    /** Each presence change from now on, on a relay thread: return quickly. */
    default AutoCloseable subscribePresence(Consumer<SupervisorPresence> listener) {
        return () -> { };
    }

    /**
     * The call this console has open now (null: none), so the other supervisors see who is
     * watching it. In process nobody else is told: the default does nothing.
     */
    default void watch(String callId) {
    }

    /**
     * Asks the supervisor holding the call for it; the answer comes as a {@link CommandOutcome}
     * (refused when nobody else holds it or the holder has no console to ask).
     *
     * @return null when the request was sent, else why it cannot be (in process there is no one to ask)
     */
    default String requestHold(String callId) {
        return "asking for a call is only possible from a console connected to a relay";
    }

    /** Each request from another supervisor for a call this operator holds, on any thread: return quickly. */
    default AutoCloseable subscribeHoldRequests(Consumer<HoldRequest> listener) {
        return () -> { };
    }

    /** The seq of the oldest event of the call still in memory (older ones are only in the store); 0 when unknown. */
    default long firstSeqInWindow(String callId) {
        List<CallEvent> events = events(callId);
        return events.isEmpty() ? 0 : events.get(0).seq();
    }

    /**
     * Whether commands can reach the calls now. In process always {@link ConnectionState.Phase#IN_PROCESS};
     * a remote control reports its connection to the relay.
     */
    default ConnectionState connection() {
        return ConnectionState.IN_PROCESS_STATE;
    }

    /** Receives the current {@link #connection()} at once, then each change, on any thread: return quickly. */
    default AutoCloseable subscribeConnection(Consumer<ConnectionState> listener) {
        listener.accept(connection());
        return () -> { };
    }

    /**
     * The outcome of each command from now on, where a command can be refused after it left
     * (a remote relay's reply, or refused at once while disconnected); on any thread: return quickly.
     * In process a command reaches its call directly and nothing is reported.
     */
    default AutoCloseable subscribeOutcomes(Consumer<CommandOutcome> listener) {
        return () -> { };
    }
}
