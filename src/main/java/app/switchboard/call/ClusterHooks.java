package app.switchboard.call;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of {@link CallRegistry} that other relays (cluster nodes) reach: action webhooks of
 * calls held elsewhere, the second-session check before another node takes a call, and hand-over.
 * The registry keeps the public methods and delegates here.
 */
final class ClusterHooks {

    private static final Logger LOG = LoggerFactory.getLogger(CallRegistry.class);

    private final LiveCalls calls;
    private final ClosedSockets closedSockets;
    private volatile CallRegistry.ActionsElsewhere actionsElsewhere = CallRegistry.ActionsElsewhere.NONE;

    ClusterHooks(LiveCalls calls, ClosedSockets closedSockets) {
        this.calls = calls;
        this.closedSockets = closedSockets;
    }

    void actionsElsewhere(CallRegistry.ActionsElsewhere routing) {
        this.actionsElsewhere = routing == null ? CallRegistry.ActionsElsewhere.NONE : routing;
    }

    void actionCallback(String callSid, Map<String, String> form, String outcome) {
        CallSession session = callSid == null ? null : calls.find(callSid);
        if (session == null) {
            if (callSid == null || !actionsElsewhere.route(callSid, form, outcome)) {
                LOG.info("Action callback for unknown call {} ({})", callSid, form.get("SessionStatus"));
            }
            return;
        }
        session.onActionCallback(form, outcome);
    }

    boolean refusesSecondSession(String callId, String where) {
        CallSession session = calls.find(callId);
        if (session == null || !session.hasOpenSocket()) {
            return false;
        }
        session.secondSessionRefusedElsewhere(where);
        return true;
    }

    boolean handOver(String callId) {
        return closedSockets.handOver(callId);
    }
}
