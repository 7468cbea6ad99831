package app.switchboard.cluster;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventPayload;

/**
 * A call's list entry derived from its events, the way the owner's CallSession keeps it: the
 * publisher keeps the index current with it, and a node's view of another node's call follows
 * the events it reads between two index refreshes.
 */
final class Summaries {

    /** The reason code of the derived event that marks a call whose node stopped heart-beating. */
    static final String NODE_LOST = "RELAY_NODE_LOST";
    static final String NODE_LOST_LABEL = "relay node lost";

    private Summaries() {
    }

    static CallSummary apply(CallSummary s, CallEvent e) {
        if (s == null) {
            s = new CallSummary(e.callId(), "", "", CallState.GREETING, "", e.time(), null, 0);
        }
        String from = s.from();
        String to = s.to();
        CallState state = s.state();
        String language = s.language();
        java.time.Instant endedAt = s.endedAt();
        EventPayload p = e.payload();
        if (p instanceof EventPayload.Setup setup) {
            from = setup.from();
            to = setup.to();
        } else if (p instanceof EventPayload.StateChanged changed) {
            state = changed.to();
        } else if (p instanceof EventPayload.SupervisorLanguage l && l.ttsLanguage() != null) {
            language = l.ttsLanguage();
        } else if (p instanceof EventPayload.CallEnded) {
            state = CallState.ENDED;
            endedAt = e.time();
        } else if (p instanceof EventPayload.AttentionRaised a && NODE_LOST.equals(a.reason())) {
            state = CallState.ENDED;
            endedAt = e.time();
        } else if (p instanceof EventPayload.SessionStarted && endedAt != null) {
            // a relay session resumed the call (a reconnect, possibly on another node)
            endedAt = null;
        }
        return new CallSummary(s.callId(), from, to, state, language, s.startedAt(), endedAt,
                Math.max(s.eventCount(), e.seq()));
    }
}
