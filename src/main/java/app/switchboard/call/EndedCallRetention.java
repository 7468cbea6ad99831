package app.switchboard.call;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Ended calls stay listed for the supervisor, but not forever: the store keeps history, memory
 * keeps the most recent {@link CallRegistry.EndedCalls#keep()} ones, none older than
 * {@link CallRegistry.EndedCalls#keepFor()}, each cut to its last {@link #ENDED_TAIL} events.
 */
final class EndedCallRetention {

    /** Events an ended call keeps in memory; the store has the rest (see {@link CallSession#keepTailAfterEnd}). */
    static final int ENDED_TAIL = 100;

    private record Ended(CallSession session, Instant at) {
    }

    private final CallRegistry.EndedCalls policy;
    private final Clock clock;

    EndedCallRetention(CallRegistry.EndedCalls policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** Forgets the ended calls the policy no longer keeps, oldest first; each end time is read once, so O(n log n). */
    void prune(Map<String, CallSession> calls) {
        Instant oldest = clock.instant().minus(policy.keepFor());
        List<Ended> ended = new ArrayList<>();
        for (CallSession s : calls.values()) {
            Instant at = s.endedAt();
            if (at != null) {
                ended.add(new Ended(s, at));
            }
        }
        ended.sort(Comparator.comparing(Ended::at));
        int excess = ended.size() - policy.keep();
        for (int i = 0; i < ended.size(); i++) {
            Ended e = ended.get(i);
            if (i < excess || e.at().isBefore(oldest)) {
                calls.remove(e.session().callId(), e.session());
            } else {
                e.session().keepTailAfterEnd(ENDED_TAIL);
            }
        }
    }
}
