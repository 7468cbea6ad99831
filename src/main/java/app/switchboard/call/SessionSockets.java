package app.switchboard.call;

import app.switchboard.protocol.InboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's relay sockets, one after another (Twilio opens a new socket with the same
 * {@code callSid} after a reconnect): which socket is current, a reconnect that overtakes the
 * close of the socket before it, a second live socket refused, the wait for an application
 * reconnect, and the call's end. Confined to the call's executor, except the volatile fields
 * that snapshots read.
 */
final class SessionSockets {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSockets.class);

    private final CallSession call;
    private final Clock clock;

    /** Written on the executor; volatile so that {@link #hasOpenSocket()} may read it from any thread. */
    private volatile RelayConnection connection;
    private InboundMessage.Setup setup;
    /** Written on the executor; read by the registry's reconnect timer to see whether a socket came since. */
    private volatile int sessionCount;
    /** The socket dropped unexpectedly with application reconnect on: Twilio is expected back with a setup. */
    private boolean awaitingReconnect;
    /** Since when the call has had no socket (the drop, or the last stored event); null while it has one. */
    private Instant disconnectedAt;
    private String previousSessionId;
    /** The record this call was resumed from (a relay restart), until its first socket attached; then null. */
    private CallResumption.StoredCall restoredFrom;
    private boolean endRequested;
    /** The action webhook answered a reconnect: Twilio's old socket is gone even if ours has not noticed. */
    private boolean reconnectExpected;

    // Written on the executor, read by list snapshots on other threads.
    private volatile String from;
    private volatile String to;
    private volatile Instant endedAt;

    SessionSockets(CallSession call, Clock clock) {
        this.call = call;
        this.clock = clock;
    }

    /** A call this relay did not hold goes on from its record: what its sockets were. */
    void restore(CallResumption.StoredCall stored) {
        restoredFrom = stored;
        for (CallEvent e : stored.events()) {
            if (e.payload() instanceof EventPayload.SessionStarted) {
                sessionCount++;
            } else if (e.payload() instanceof EventPayload.Setup s) {
                from = s.from();
                to = s.to();
            }
        }
        previousSessionId = stored.lastSessionId();
        disconnectedAt = stored.lastEventAt();
    }

    /** A relay socket delivered this call's setup frame (executor). */
    void attach(InboundMessage.Setup frame, RelayConnection socket, boolean reconnectsEnabled) {
        if (connection != null && connection != socket && !connection.isOpen()) {
            // The old socket dropped, but the relay's report of it has not reached the call:
            // Twilio's reconnect can overtake it. The drop is handled now, as that report would
            // (the report itself then finds a superseded socket), so the reconnect is recorded
            // as one and the old session's close is in the record.
            close(connection, 1006, "dropped before its close was seen; a new session came", null,
                    reconnectsEnabled);
        }
        if (connection != null && connection.isOpen() && connection != socket) {
            if (!reconnectExpected) {
                // Twilio has one socket per session and opens another only after the first
                // ended: a second one for a live call is someone who knows the callSid.
                refuseSecondSession(frame, socket);
                return;
            }
            connection.close(1000, "Superseded by a reconnected relay session");
        }
        reconnectExpected = false;
        boolean reconnected = awaitingReconnect || restoredFrom != null;
        String carriedHold = restoredFrom == null ? null : restoredFrom.heldBy();
        if (reconnected) {
            Long gap = disconnectedAt == null ? null
                    : Math.max(0, Duration.between(disconnectedAt, clock.instant()).toMillis());
            call.record(new EventPayload.SessionReconnected(frame.sessionId(), previousSessionId,
                    restoredFrom != null ? restoredFrom.source() : EventPayload.SessionReconnected.FROM_MEMORY,
                    call.lastSeq(), gap, socket.remoteAddress()));
        }
        awaitingReconnect = false;
        restoredFrom = null;
        disconnectedAt = null;
        connection = socket;
        setup = frame;
        sessionCount++;
        endRequested = false;
        from = frame.from();
        to = frame.to();
        endedAt = null;
        call.record(new EventPayload.SessionStarted(frame.sessionId(), sessionCount, sessionCount > 1,
                socket.remoteAddress()));
        call.record(new EventPayload.Setup(frame.sessionId(), frame.accountSid(), frame.callSid(), frame.parentCallSid(),
                frame.from(), frame.to(), frame.forwardedFrom(), frame.callerName(), frame.direction(),
                frame.callType(), frame.callStatus(), frame.customParameters()));
        if (carriedHold != null) {
            call.commands().applyCarriedHold(carriedHold);
        }
        // A reconnected socket is the same relay session going on: no greeting is played again
        // (a new session from the action webhook plays it, so it starts in GREETING).
        CallState next = call.supervisorHolds() ? CallState.SUPERVISOR
                : reconnected ? CallState.LISTENING : CallState.GREETING;
        call.setState(next);
    }

    private void refuseSecondSession(InboundMessage.Setup frame, RelayConnection socket) {
        LOG.warn("Refused a second relay session for live call {} from {}", call.callId(), socket.remoteAddress());
        socket.close(1008, "Call already has a live relay session");
        call.raiseAttention(Attention.Reason.SESSION_REFUSED, socket.remoteAddress(), frame.sessionId());
    }

    /** The socket closed (executor); see {@link CallSession#onSocketClosed}. */
    void close(RelayConnection socket, int code, String reason, String limit, boolean awaitReconnect) {
        if (socket != connection) {
            return; // a superseded socket closing says nothing about the call
        }
        call.record(new EventPayload.SessionClosed(code, reason == null ? "" : reason, limit));
        // A closed socket is never written again; letting go of it lets the TLS engine and
        // buffers behind it be collected while the ended call stays listed a while.
        connection = null;
        call.agent().close();
        if (awaitReconnect && !endRequested && endedAt == null) {
            awaitingReconnect = true;
            disconnectedAt = clock.instant();
            previousSessionId = setup == null ? null : setup.sessionId();
        }
        call.setState(CallState.ENDED);
    }

    /** Twilio's {@code <Connect action>} webhook for this call (executor). */
    void actionCallback(Map<String, String> form, String outcome) {
        call.record(new EventPayload.ActionCallback(form, outcome));
        reconnectExpected = "reconnect".equals(outcome);
        if (!reconnectExpected) {
            end(form.getOrDefault("SessionStatus", "ended"));
        }
    }

    /** Marks the call over (executor). */
    void end(String reason) {
        if (endedAt != null) {
            return;
        }
        awaitingReconnect = false;
        call.agent().close();
        if (connection != null && connection.isOpen()) {
            connection.close(1000, "Call ended");
        }
        call.setState(CallState.ENDED);
        endedAt = clock.instant();
        call.record(new EventPayload.CallEnded(reason));
    }

    /** {@code end} was sent to Twilio (by a supervisor or the agent): the close that follows is expected. */
    void endSent() {
        endRequested = true;
    }

    /** Frames from a socket that is not the call's current one (refused, superseded) are dropped; null means the current one. */
    boolean isCurrent(RelayConnection socket) {
        return socket == null || socket == connection;
    }

    /** The current socket, or null (executor). */
    RelayConnection connection() {
        return connection;
    }

    /** True while a relay socket is open for this call (any thread). */
    boolean hasOpenSocket() {
        RelayConnection c = connection;
        return c != null && c.isOpen();
    }

    /** The call has not ended and its socket is open (executor). */
    boolean live() {
        return endedAt == null && connection != null && connection.isOpen();
    }

    InboundMessage.Setup setup() {
        return setup;
    }

    int sessionCount() {
        return sessionCount;
    }

    boolean endRequested() {
        return endRequested;
    }

    String from() {
        return from;
    }

    String to() {
        return to;
    }

    Instant endedAt() {
        return endedAt;
    }
}
