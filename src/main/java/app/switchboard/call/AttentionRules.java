package app.switchboard.call;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's attention rules in force, and the one timer tick that checks the timed ones
 * (silence, duration) on every live call; part of {@link CallRegistry}.
 */
final class AttentionRules {

    private static final Logger LOG = LoggerFactory.getLogger(CallRegistry.class);

    /** Every call reads the current list at each event and tick. */
    private volatile List<AlertRule> rules = List.of();

    List<AlertRule> rules() {
        return rules;
    }

    void rules(List<AlertRule> newRules) {
        this.rules = newRules == null ? List.of() : List.copyOf(newRules);
    }

    /**
     * The timed rules of every live call, on each call's executor (one timer for all calls, no
     * thread per call). Nothing is queued while no timed rule is on.
     */
    void checkTimers(Supplier<Collection<CallSession>> live) {
        try {
            boolean timed = rules.stream().anyMatch(r -> r.enabled()
                    && (r.kind() == AlertRule.Kind.SILENCE || r.kind() == AlertRule.Kind.DURATION));
            if (!timed) {
                return;
            }
            for (CallSession s : live.get()) {
                if (!s.ended()) {
                    s.checkAlertTimers();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Checking the timed attention rules failed; trying again at the next tick", e);
        }
    }
}
