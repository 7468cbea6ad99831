package app.switchboard.call;

import app.switchboard.protocol.InboundMessage;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this relay holds, keyed by {@code callSid}, live and recently ended: a setup finds
 * its call (a reconnect), resumes one from its record (application reconnect), or starts one.
 */
final class LiveCalls {

    private static final Logger LOG = LoggerFactory.getLogger(LiveCalls.class);

    private final Map<String, CallSession> calls = new ConcurrentHashMap<>();
    private final Executor pool;
    private final Clock clock;
    private final Consumer<CallEvent> publisher;
    private final List<String> languages;
    private final String defaultLanguage;
    private final CallAgent.Factory agentFactory;
    private final Supplier<List<AlertRule>> alertRules;

    LiveCalls(Executor pool, Clock clock, Consumer<CallEvent> publisher, List<String> languages,
              String defaultLanguage, CallAgent.Factory agentFactory, Supplier<List<AlertRule>> alertRules) {
        this.pool = pool;
        this.clock = clock;
        this.publisher = publisher;
        this.languages = List.copyOf(languages);
        this.defaultLanguage = defaultLanguage;
        this.agentFactory = agentFactory;
        this.alertRules = alertRules;
    }

    /**
     * A relay socket received a setup frame: find the call (a reconnect) or start one. With
     * application reconnect on, a call this relay does not hold is looked up in the stored
     * record and, if it may still be resumed, goes on from there. The caller (the relay) has
     * already checked that the socket may have this call.
     *
     * @return the call, or null when the socket is refused: the call's session is still open on
     *         another relay (a cluster node)
     */
    CallSession attach(InboundMessage.Setup setup, RelayConnection socket, CallRegistry.Reconnects reconnects,
                       CallHolds holds) {
        String callId = setup.callSid() == null || setup.callSid().isBlank()
                ? "unknown-" + setup.sessionId() : setup.callSid();
        CallResumption.StoredCall stored = storedCall(callId, reconnects);
        if (stored != null && stored.openOn() != null) {
            // Issue 11's rule across relays: Twilio opens one socket per call, and the call's session
            // is still open on another node (half-open there, until it notices): a second session.
            LOG.warn("Refused a relay session for call {} from {}: its session is still open on {}", callId,
                    socket.remoteAddress(), stored.openOn());
            return null;
        }
        boolean[] restored = {false};
        CallSession session = calls.compute(callId, (id, existing) -> {
            if (existing != null && !existing.ended()) {
                return existing;
            }
            restored[0] = stored != null;
            return stored != null ? restoredSession(id, stored) : newSession(id);
        });
        if (restored[0] && stored.heldBy() != null) {
            // The supervisor who held the call where it was goes on holding it here. The session
            // applies the hold as its socket attaches (before any frame of it reaches the agent);
            // this lists the holder, so another supervisor's take-over is refused as on one node.
            holds.claim(callId, stored.heldBy());
        }
        if (restored[0]) {
            try {
                // Outside the map's lock, before the socket is answered: a cluster node becomes the owner here.
                reconnects.stored().resumed(stored);
            } catch (RuntimeException e) {
                LOG.warn("Taking over call {} was not confirmed where it was found; the call goes on here", callId, e);
            }
        }
        session.attach(setup, socket, reconnects.enabled());
        return session;
    }

    /**
     * The stored state of a call this relay does not hold, when a reconnect may resume it; else
     * null. A call this relay holds, even ended, is never looked up: memory knows how it ended,
     * while the store may not have written that end yet.
     */
    private CallResumption.StoredCall storedCall(String callId, CallRegistry.Reconnects policy) {
        if (!policy.enabled() || calls.containsKey(callId)) {
            return null;
        }
        try {
            // Read outside the map's lock: a store read must not hold up other calls' setups.
            // A call open on another relay is returned whatever its age: its socket is refused.
            return policy.stored().find(callId)
                    .filter(c -> c.openOn() != null || c.resumable(clock.instant(), policy.waitFor()))
                    .orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Reading the stored state of call {} failed; it starts as a new call", callId, e);
            return null;
        }
    }

    private CallSession newSession(String callId) {
        CallSession session = new CallSession(callId, new SerialExecutor(pool), clock, publisher,
                languages, defaultLanguage, agentFactory);
        session.alertRules(alertRules);
        return session;
    }

    private CallSession restoredSession(String callId, CallResumption.StoredCall stored) {
        LOG.info("Call {} resumes from its record after seq {}", callId, stored.lastSeq());
        CallSession session = new CallSession(callId, new SerialExecutor(pool), clock, publisher,
                languages, defaultLanguage, agentFactory, stored);
        session.alertRules(alertRules);
        return session;
    }

    CallSession find(String callId) {
        return calls.get(callId);
    }

    /** Forgets {@code session} if it is still the one held for its call. */
    boolean remove(CallSession session) {
        return calls.remove(session.callId(), session);
    }

    /** Every call held, live and ended (a view: it follows the map). */
    Collection<CallSession> all() {
        return calls.values();
    }

    /** The map itself, for the retention of ended calls. */
    Map<String, CallSession> byId() {
        return calls;
    }

    long live() {
        return calls.values().stream().filter(s -> !s.ended()).count();
    }
}
