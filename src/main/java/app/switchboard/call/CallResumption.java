package app.switchboard.call;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a relay finds the state of a call it does not hold, so that a reconnected socket can take
 * the call over: after this relay restarted (single node, the store), and later on another node of
 * a cluster (a shared record). Only the state is read here; whether the socket may have the call
 * (its per-call token) is decided before, by the relay.
 */
@FunctionalInterface
public interface CallResumption {

    /** No stored calls: a reconnect is resumed only while this relay still holds the call. */
    CallResumption NONE = callSid -> Optional.empty();

    /** The recorded state of {@code callSid}, or empty when there is none. May block on I/O. */
    Optional<StoredCall> find(String callSid);

    /**
     * The relay goes on with {@code call}, found here: called once, after the session is made and
     * before its socket is answered (a cluster node takes the call's ownership here). May block on I/O.
     */
    default void resumed(StoredCall call) {
    }

    /**
     * What a relay needs to go on with a call it did not hold: its recorded events, oldest first
     * (the last one's seq is where the call's seq continues), and how it last stood. {@code source}
     * is where they were read, as {@link EventPayload.SessionReconnected#source()} records it:
     * {@code store} (this relay's own record) or {@code cluster} (another node's call, from Redis).
     *
     * @param heldBy   the supervisor who holds the call where it was found (a cluster's take-over
     *                 lease), so the call goes on held by them; null when nobody does
     * @param openOn   the relay (a cluster node) where the call's last session is still open: a
     *                 socket arriving here for it is a second session and is refused; null when
     *                 no other relay has it open
     */
    record StoredCall(String callId, List<CallEvent> events, String source, String heldBy, String openOn) {

        public StoredCall {
            if (events == null || events.isEmpty()) {
                throw new IllegalArgumentException("a stored call has at least one event");
            }
            events = List.copyOf(events);
            source = source == null ? EventPayload.SessionReconnected.FROM_STORE : source;
        }

        public StoredCall(String callId, List<CallEvent> events, String source) {
            this(callId, events, source, null, null);
        }

        /** From this relay's own record. */
        public StoredCall(String callId, List<CallEvent> events) {
            this(callId, events, EventPayload.SessionReconnected.FROM_STORE);
        }

        public long lastSeq() {
            return events.get(events.size() - 1).seq();
        }

        public Instant lastEventAt() {
            return events.get(events.size() - 1).time();
        }

        /** The end recorded last, if the call's record ends with one (a later session reopens it). */
        public Optional<EventPayload.CallEnded> ending() {
            for (int i = events.size() - 1; i >= 0; i--) {
                EventPayload p = events.get(i).payload();
                if (p instanceof EventPayload.CallEnded ended) {
                    return Optional.of(ended);
                }
                if (p instanceof EventPayload.SessionStarted || p instanceof EventPayload.SessionReconnected) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        }

        /**
         * True when a reconnect may go on with this call at {@code now}: it was heard from within
         * {@code window}, and it is either unfinished or was ended only because the relay went away
         * (stopped, or found crashed at the next start), never by the caller, Twilio or a supervisor.
         */
        public boolean resumable(Instant now, Duration window) {
            if (lastEventAt().plus(window).isBefore(now)) {
                return false;
            }
            return ending().map(e -> Boolean.TRUE.equals(e.recovered())
                    || CallRegistry.RELAY_STOPPED.equals(e.reason())).orElse(true);
        }

        /** The session id of the last relay session recorded, or null. */
        public String lastSessionId() {
            for (int i = events.size() - 1; i >= 0; i--) {
                if (events.get(i).payload() instanceof EventPayload.SessionStarted s) {
                    return s.sessionId();
                }
            }
            return null;
        }
    }
}
