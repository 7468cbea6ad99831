package app.switchboard.console.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.replay.ReplayReport;
import app.switchboard.replay.WordDiff;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The side-by-side rows and the summary lines read from a report, without JavaFX. */
class ReplayComparisonTest {

    private static ReplayReport.Answer answer(String text, String ending, Double ms, int chunks) {
        return new ReplayReport.Answer("completed", text, List.of(), ending, null, ms, chunks, null, null, 0);
    }

    private static ReplayReport.TurnPair pair(int index, String caller, ReplayReport.Answer o, ReplayReport.Answer c) {
        boolean changed = o != null && c != null && !WordDiff.sameWords(o.text(), c.text());
        boolean ending = c != null && !java.util.Objects.equals(o == null ? null : o.ending(), c.ending());
        return new ReplayReport.TurnPair(index, "prompt", caller, o, c, changed, false, ending,
                o != null && c != null ? WordDiff.diff(o.text(), c.text()) : List.of());
    }

    private static ReplayReport report(List<ReplayReport.CallResult> calls) {
        ReplayReport.Summary summary = new ReplayReport.Summary(calls.size(), 0, 3, 1, 0, 0, 0, 1, 0, 1, 0, 0,
                300.0, 420.0, 250.0, 600.0);
        return new ReplayReport("20261201-100000-abcd1234", "2026-12-01T10:00:00Z", "2026-12-01T10:01:00Z", "*",
                new ReplayReport.Profile("shorter goodbyes", "prompt", "candidate-model", null, 0.2, true, 2),
                calls, summary);
    }

    @Test
    void eachSideKeepsItsOwnWordsWithOnlyTheChangedOnesHighlighted() {
        ReplayComparison.TurnRow row = ReplayComparison.turn(pair(2, "thanks bye",
                answer("Goodbye and thanks.", "end_call", 290.0, 1), answer("Bye now and thanks.", null, 250.0, 3)));

        assertEquals(List.of(new ReplayComparison.Segment("Goodbye", true), new ReplayComparison.Segment("and thanks.", false)),
                row.original().segments());
        assertEquals(List.of(new ReplayComparison.Segment("Bye now", true), new ReplayComparison.Segment("and thanks.", false)),
                row.candidate().segments());
        assertTrue(row.changed());
        assertEquals(List.of("changed", "no longer ends the call"), row.marks());
        assertEquals("first token 290 ms \u2192 250 ms (\u221240)", row.latency());
        assertEquals("chunks 1 \u2192 3", row.chunks());
        assertEquals("ends: end_call", row.original().details());
    }

    @Test
    void guardTripsFaultsAndUnreachedTurnsAreMarked() {
        ReplayReport.Answer guarded = new ReplayReport.Answer("guarded", "Sure: You are", List.of(), null, null, 200.0, 2,
                "it quoted its system prompt", null, 0);
        ReplayReport.Answer fault = new ReplayReport.Answer("fault", "Sorry, one moment.", List.of("send_digits({}) \u2192 sent"),
                null, null, null, 0, null, "HTTP 500", 1);
        ReplayComparison.TurnRow g = ReplayComparison.turn(pair(1, "instructions", answer("No.", null, 100.0, 1), guarded));
        ReplayComparison.TurnRow f = ReplayComparison.turn(pair(1, "refund", answer("Five days.", null, 100.0, 1), fault));
        ReplayComparison.TurnRow gone = ReplayComparison.turn(pair(3, "still there?", answer("Yes.", null, 100.0, 1), null));

        assertTrue(g.marks().contains("guard") && g.candidate().guardTripped(), g.marks().toString());
        assertTrue(g.candidate().details().contains("guard: it quoted its system prompt"));
        assertTrue(f.marks().contains("fault") && f.candidate().fault());
        assertEquals("tool send_digits({}) \u2192 sent \u00b7 fault: HTTP 500 \u00b7 1 retry", f.candidate().details());
        assertEquals("first token 100 ms \u2192 \u2013", f.latency());
        assertEquals(List.of("not reached"), gone.marks());
        assertEquals("not reached", gone.candidate().outcome());
        assertEquals(List.of(new ReplayComparison.Segment("Yes.", false)), gone.original().segments());
        assertFalse(gone.changed());
    }

    @Test
    void theSummaryReadsAcrossCallsAndTheCallListFlagsWhatToRead() {
        ReplayReport.CallResult same = new ReplayReport.CallResult("CAsame", "+15550001", "2026-11-30T09:00:00Z",
                List.of(pair(1, "bill", answer("Twenty.", null, 300.0, 1), answer("Twenty.", null, 250.0, 1))), null, null);
        ReplayReport.CallResult failed = new ReplayReport.CallResult("CAfail", null, null, List.of(), null, "IOException: gone");
        ReplayComparison c = ReplayComparison.of(report(List.of(same, failed)), ZoneOffset.UTC);

        assertEquals("+15550001 \u00b7 0 of 1 changed\n2026-11-30 09:00", c.calls().get(0).label());
        assertFalse(c.calls().get(0).flagged());
        assertEquals("unknown caller \u00b7 not replayed\n", c.calls().get(1).label());
        assertTrue(c.calls().get(1).flagged());
        assertEquals("shorter goodbyes \u00b7 candidate-model \u00b7 temperature 0.2 \u00b7 2026-12-01 10:00", c.title());
        assertEquals(List.of(
                "2 calls \u00b7 3 caller turns \u00b7 1 answer changed \u00b7 0 tool uses changed",
                "0 new handoffs \u00b7 0 new ends \u00b7 1 handoff or end no longer made",
                "Guard trips 0 \u2192 1 \u00b7 faults 0 \u2192 0",
                "First token p50 300 ms \u2192 250 ms (\u221250) \u00b7 p95 420 ms \u2192 600 ms (+180)"), c.summary());
    }

    @Test
    void twoRunsCompareTheirCandidatesLineByLine() {
        ReplayReport a = report(List.of());
        ReplayReport b = new ReplayReport("20261202-100000-ffff0000", "2026-12-02T10:00:00Z", "2026-12-02T10:01:00Z", "*",
                new ReplayReport.Profile(null, "prompt", "other-model", null, null, false, 1), List.of(),
                new ReplayReport.Summary(0, 0, 3, 2, 0, 0, 1, 0, 0, 0, 0, 2, 300.0, 420.0, null, null));
        List<ReplayComparison.MetricRow> rows = ReplayComparison.compare(a, b);

        assertEquals(new ReplayComparison.MetricRow("Profile", "shorter goodbyes (candidate-model)",
                "20261202-100000-ffff0000 (other-model)"), rows.get(0));
        assertTrue(rows.contains(new ReplayComparison.MetricRow("Answers changed", "1", "2")));
        assertTrue(rows.contains(new ReplayComparison.MetricRow("Faults", "0", "2")));
        assertTrue(rows.contains(new ReplayComparison.MetricRow("First token p95", "600 ms", "\u2013")));
    }
}
