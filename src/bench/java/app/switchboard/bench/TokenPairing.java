package app.switchboard.bench;

import app.switchboard.sim.LatencyStats;
import app.switchboard.sim.TokenClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Pairs the model server's token stamps with the callers' arrivals: a reply's stamps reach
 * the server's list when its stream ends, the caller's arrivals when the {@code last} frame
 * is in, so either may come one sampling interval before the other. Unpaired entries wait
 * one interval, then count as unpaired.
 */
final class TokenPairing {
    final LatencyStats all = new LatencyStats();
    int unpaired;
    int mismatched;
    private Map<Long, List<TokenClock.Stamp>> waitingSends = new HashMap<>();
    private Map<Long, List<TokenClock.Stamp>> waitingArrivals = new HashMap<>();

    LatencyStats pair(JsonNode sends, Map<Long, List<TokenClock.Stamp>> arrivals, boolean sharedClock) {
        LatencyStats interval = new LatencyStats();
        Map<Long, List<TokenClock.Stamp>> sent = new HashMap<>(waitingSends);
        sent.putAll(ModelRecord.stampsByTurn(sends));
        Map<Long, List<TokenClock.Stamp>> arrived = new HashMap<>(waitingArrivals);
        arrived.putAll(arrivals);
        Map<Long, List<TokenClock.Stamp>> nextSends = new HashMap<>();
        Map<Long, List<TokenClock.Stamp>> nextArrivals = new HashMap<>();
        for (Iterator<Map.Entry<Long, List<TokenClock.Stamp>>> it = arrived.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, List<TokenClock.Stamp>> e = it.next();
            List<TokenClock.Stamp> stamps = sent.remove(e.getKey());
            if (stamps == null) {
                if (!waitingArrivals.containsKey(e.getKey())) {
                    nextArrivals.put(e.getKey(), e.getValue());
                } else {
                    unpaired++;
                }
                continue;
            }
            long[] delays = TokenClock.delays(stamps, e.getValue());
            if (delays == null) {
                mismatched++;
            } else if (sharedClock) {
                for (long d : delays) {
                    interval.add(d);
                    all.add(d);
                }
            }
        }
        // Replies no caller heard in full (e.g. a flood call's, or one abandoned at a drop) wait once, then go.
        sent.forEach((k, v) -> {
            if (!waitingSends.containsKey(k)) {
                nextSends.put(k, v);
            }
        });
        waitingSends = nextSends;
        waitingArrivals = nextArrivals;
        return interval;
    }
}
