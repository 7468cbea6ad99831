package app.switchboard.bench;

import app.switchboard.sim.LatencyStats;
import app.switchboard.sim.TokenClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The callers' figures over one sampling interval of {@link SoakBench}; lanes and abuse tasks
 * add, the sampler swaps in a fresh one.
 */

final class SoakInterval {
    final LatencyStats firstFrame = new LatencyStats();
    final Map<Long, List<TokenClock.Stamp>> arrivals = new ConcurrentHashMap<>();
    final AtomicInteger turns = new AtomicInteger();
    final AtomicInteger connectFailures = new AtomicInteger();
    final AtomicInteger unanswered = new AtomicInteger();
    final AtomicInteger unexpectedCloses = new AtomicInteger();
    final AtomicInteger callsLost = new AtomicInteger();
    final AtomicInteger invalidFrames = new AtomicInteger();
    final AtomicInteger hangupProblems = new AtomicInteger();
    final AtomicInteger floodsSent = new AtomicInteger();
    final AtomicInteger floodsClosedByRelay = new AtomicInteger();
    final AtomicInteger reconnectsTried = new AtomicInteger();
    final AtomicInteger reconnectsResumed = new AtomicInteger();
    final AtomicInteger reconnectsRefusedThenRetried = new AtomicInteger();
    final AtomicInteger silentOpened = new AtomicInteger();
    final AtomicInteger silentClosedBySetupDeadline = new AtomicInteger();

    int errors() {
        return connectFailures.get() + unanswered.get() + unexpectedCloses.get() + invalidFrames.get()
                + hangupProblems.get() + (reconnectsTried.get() - reconnectsResumed.get())
                + (floodsSent.get() - floodsClosedByRelay.get()) + (silentOpened.get() - silentClosedBySetupDeadline.get());
    }

    String errorDetail() {
        List<String> parts = new ArrayList<>();
        add(parts, "connect", connectFailures.get());
        add(parts, "unanswered", unanswered.get());
        add(parts, "unexpected close", unexpectedCloses.get());
        add(parts, "invalid frames", invalidFrames.get());
        add(parts, "hang-up", hangupProblems.get());
        add(parts, "reconnect not resumed", reconnectsTried.get() - reconnectsResumed.get());
        add(parts, "flood not closed by the relay", floodsSent.get() - floodsClosedByRelay.get());
        add(parts, "no-setup socket not closed", silentOpened.get() - silentClosedBySetupDeadline.get());
        return String.join(", ", parts);
    }

    private static void add(List<String> parts, String what, int n) {
        if (n != 0) {
            parts.add(what + " " + n);
        }
    }

    static SoakInterval sum(List<SoakInterval> intervals) {
        SoakInterval all = new SoakInterval();
        for (SoakInterval i : intervals) {
            all.turns.addAndGet(i.turns.get());
            all.connectFailures.addAndGet(i.connectFailures.get());
            all.unanswered.addAndGet(i.unanswered.get());
            all.unexpectedCloses.addAndGet(i.unexpectedCloses.get());
            all.callsLost.addAndGet(i.callsLost.get());
            all.invalidFrames.addAndGet(i.invalidFrames.get());
            all.hangupProblems.addAndGet(i.hangupProblems.get());
            all.floodsSent.addAndGet(i.floodsSent.get());
            all.floodsClosedByRelay.addAndGet(i.floodsClosedByRelay.get());
            all.reconnectsTried.addAndGet(i.reconnectsTried.get());
            all.reconnectsResumed.addAndGet(i.reconnectsResumed.get());
            all.silentOpened.addAndGet(i.silentOpened.get());
            all.silentClosedBySetupDeadline.addAndGet(i.silentClosedBySetupDeadline.get());
        }
        return all;
    }
}
