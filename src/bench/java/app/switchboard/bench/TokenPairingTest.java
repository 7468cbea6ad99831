package app.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.sim.LatencyStats;
import app.switchboard.sim.TokenClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The soak's per-token column: model stamps and callers' arrivals that may land one sampling interval apart. */
class TokenPairingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode NONE = sends();

    /** The model server's {@code /bench/sends} answer with one reply of tokens "Hel", "lo" stamped at 1 and 2 ms per turn. */
    private static JsonNode sends(String... userMessages) {
        var root = JSON.createObjectNode();
        var list = root.putArray("sends");
        for (String user : userMessages) {
            var s = list.addObject();
            s.put("user", user);
            s.putArray("tokens").add("Hel").add("lo");
            s.putArray("nanos").add(1_000_000L).add(2_000_000L);
        }
        return root;
    }

    /** One frame carrying both tokens, at 5 ms. */
    private static Map<Long, List<TokenClock.Stamp>> heard(int call, int turn, String text) {
        return Map.of(ModelRecord.key(call, turn), List.of(new TokenClock.Stamp(5_000_000L, text)));
    }

    @Test
    void aReplyAndItsArrivalInTheSameIntervalGiveEachTokensDelay() {
        TokenPairing pairing = new TokenPairing();
        LatencyStats interval = pairing.pair(sends("Question 7-2: hi"), heard(7, 2, "Hello"), true);
        assertEquals(2, interval.count());
        // "Hel" stamped at 1 ms and "lo" at 2 ms, both heard in the frame at 5 ms.
        assertEquals(3.0, interval.percentileMs(50), 1e-9);
        assertEquals(4.0, interval.maxMs(), 1e-9);
        assertEquals(0, pairing.unpaired);
    }

    @Test
    void anArrivalWhoseReplyIsFetchedAnIntervalLaterIsPairedThen() {
        TokenPairing pairing = new TokenPairing();
        assertEquals(0, pairing.pair(NONE, heard(7, 2, "Hello"), true).count());
        assertEquals(2, pairing.pair(sends("Question 7-2: hi"), Map.of(), true).count());
        assertEquals(0, pairing.unpaired);
        assertEquals(2, pairing.all.count());
    }

    @Test
    void aReplyFetchedBeforeItsArrivalWaitsOneInterval() {
        TokenPairing pairing = new TokenPairing();
        assertEquals(0, pairing.pair(sends("Question 7-2: hi"), Map.of(), true).count());
        assertEquals(2, pairing.pair(NONE, heard(7, 2, "Hello"), true).count());
    }

    @Test
    void anArrivalWithoutAReplyForTwoIntervalsIsUnpaired() {
        // e.g. the agent's fallback sentence: the model never finished a reply for that turn
        TokenPairing pairing = new TokenPairing();
        pairing.pair(NONE, heard(7, 2, "Sorry, one moment"), true);
        pairing.pair(NONE, Map.of(), true);
        assertEquals(1, pairing.unpaired);
        pairing.pair(sends("Question 7-2: hi"), Map.of(), true);
        assertEquals(0, pairing.all.count(), "forgotten once counted");
    }

    @Test
    void textThatDiffersFromTheModelsIsCountedNotTimed() {
        TokenPairing pairing = new TokenPairing();
        assertEquals(0, pairing.pair(sends("Question 7-2: hi"), heard(7, 2, "Hi there"), true).count());
        assertEquals(1, pairing.mismatched);
    }

    @Test
    void withoutASharedClockNothingIsTimed() {
        TokenPairing pairing = new TokenPairing();
        assertEquals(0, pairing.pair(sends("Question 7-2: hi"), heard(7, 2, "Hello"), false).count());
        assertEquals(0, pairing.mismatched);
    }
}
