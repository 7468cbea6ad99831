package app.switchboard.console.history;

import app.switchboard.replay.ReplayReport;
import app.switchboard.replay.WordDiff;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A replay report as the side-by-side view reads it: per call, per caller turn, the original and
 * the candidate answer cut into highlighted and plain runs of words (from the engine's word
 * diff), the marks a supervisor scans for, latency and chunk counts compared; and the summary
 * across calls as lines. Plain Java, so it is tested without JavaFX.
 */
public record ReplayComparison(String runId, String title, List<String> summary, List<CallRow> calls) {

    /** A run of words; {@code changed}: removed (original side) or added (candidate side). */
    public record Segment(String text, boolean changed) {
    }

    /** One side of a turn. {@code segments} empty when the side has no answer. */
    public record Side(List<Segment> segments, String outcome, String details, boolean guardTripped, boolean fault) {
    }

    /**
     * One caller turn. {@code marks} are short labels ("changed", "tools changed", "new end",
     * "guard", "fault", "not reached"); {@code latency} and {@code chunks} compare the two sides.
     */
    public record TurnRow(int index, String caller, Side original, Side candidate, boolean changed,
                          List<String> marks, String latency, String chunks) {
    }

    /** One call: a label for the list and its turns; {@code error} when it could not be replayed. */
    public record CallRow(String callId, String label, int changedTurns, boolean flagged, String error,
                          List<TurnRow> turns) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** One line of two runs compared. */
    public record MetricRow(String metric, String thisRun, String otherRun) {
    }

    public static ReplayComparison of(ReplayReport report, ZoneId zone) {
        List<CallRow> calls = new ArrayList<>();
        for (ReplayReport.CallResult call : report.calls()) {
            calls.add(call(call, zone));
        }
        ReplayReport.Profile p = report.profile();
        String title = (p.name() == null || p.name().isBlank() ? "candidate" : p.name()) + " \u00b7 " + p.model()
                + (p.temperature() == null ? "" : " \u00b7 temperature " + number(p.temperature()))
                + (p.tools() ? "" : " \u00b7 tools off") + " \u00b7 " + when(report.startedAt(), zone);
        return new ReplayComparison(report.runId(), title, summary(report.summary()), calls);
    }

    static List<String> summary(ReplayReport.Summary s) {
        List<String> lines = new ArrayList<>();
        lines.add(count(s.calls(), "call", "calls") + (s.callsFailed() > 0 ? " (" + s.callsFailed() + " not replayed)" : "")
                + " \u00b7 " + count(s.turns(), "caller turn", "caller turns")
                + " \u00b7 " + count(s.turnsChanged(), "answer changed", "answers changed")
                + " \u00b7 " + count(s.toolsChanged(), "tool use changed", "tool uses changed"));
        lines.add(count(s.newHandoffs(), "new handoff", "new handoffs") + " \u00b7 " + count(s.newEnds(), "new end", "new ends")
                + " \u00b7 " + count(s.lostHandoffsOrEnds(), "handoff or end no longer made", "handoffs or ends no longer made"));
        lines.add(String.format(Locale.ROOT, "Guard trips %d \u2192 %d \u00b7 faults %d \u2192 %d",
                s.guardTripsOriginal(), s.guardTripsCandidate(), s.faultsOriginal(), s.faultsCandidate()));
        lines.add("First token p50 " + change(s.firstTokenP50Original(), s.firstTokenP50Candidate())
                + " \u00b7 p95 " + change(s.firstTokenP95Original(), s.firstTokenP95Candidate()));
        return lines;
    }

    static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** Two runs' summaries line by line (e.g. last week's candidate against today's). */
    public static List<MetricRow> compare(ReplayReport thisRun, ReplayReport otherRun) {
        ReplayReport.Summary a = thisRun.summary();
        ReplayReport.Summary b = otherRun.summary();
        List<MetricRow> rows = new ArrayList<>();
        rows.add(new MetricRow("Profile", label(thisRun), label(otherRun)));
        rows.add(new MetricRow("Calls", Integer.toString(a.calls()), Integer.toString(b.calls())));
        rows.add(new MetricRow("Caller turns", Integer.toString(a.turns()), Integer.toString(b.turns())));
        rows.add(new MetricRow("Answers changed", Integer.toString(a.turnsChanged()), Integer.toString(b.turnsChanged())));
        rows.add(new MetricRow("Tool uses changed", Integer.toString(a.toolsChanged()), Integer.toString(b.toolsChanged())));
        rows.add(new MetricRow("New handoffs", Integer.toString(a.newHandoffs()), Integer.toString(b.newHandoffs())));
        rows.add(new MetricRow("New ends", Integer.toString(a.newEnds()), Integer.toString(b.newEnds())));
        rows.add(new MetricRow("Guard trips", Integer.toString(a.guardTripsCandidate()), Integer.toString(b.guardTripsCandidate())));
        rows.add(new MetricRow("Faults", Integer.toString(a.faultsCandidate()), Integer.toString(b.faultsCandidate())));
        rows.add(new MetricRow("First token p50", ms(a.firstTokenP50Candidate()), ms(b.firstTokenP50Candidate())));
        rows.add(new MetricRow("First token p95", ms(a.firstTokenP95Candidate()), ms(b.firstTokenP95Candidate())));
        return rows;
    }

    private static String label(ReplayReport r) {
        String name = r.profile().name();
        return (name == null || name.isBlank() ? r.runId() : name) + " (" + r.profile().model() + ")";
    }

    private static CallRow call(ReplayReport.CallResult call, ZoneId zone) {
        List<TurnRow> turns = new ArrayList<>();
        int changed = 0;
        boolean flagged = call.error() != null;
        for (ReplayReport.TurnPair t : call.turns()) {
            TurnRow row = turn(t);
            turns.add(row);
            changed += row.changed() ? 1 : 0;
            flagged |= row.marks().stream().anyMatch(m -> !m.equals("changed"));
        }
        String from = call.from() == null || call.from().isBlank() ? "unknown caller" : call.from();
        // Two lines, so the list stays narrow beside the turns.
        String label = from + " \u00b7 " + (call.error() != null ? "not replayed" : changed + " of " + turns.size() + " changed")
                + "\n" + when(call.startedAt(), zone);
        return new CallRow(call.callId(), label, changed, flagged, call.error(), turns);
    }

    static TurnRow turn(ReplayReport.TurnPair t) {
        ReplayReport.Answer o = t.original();
        ReplayReport.Answer c = t.candidate();
        List<Segment> left = new ArrayList<>();
        List<Segment> right = new ArrayList<>();
        if (o != null && c != null && !t.diff().isEmpty()) {
            for (WordDiff.Part part : t.diff()) {
                if (part.op() != WordDiff.Op.ADDED) {
                    left.add(new Segment(part.text(), part.op() == WordDiff.Op.REMOVED));
                }
                if (part.op() != WordDiff.Op.REMOVED) {
                    right.add(new Segment(part.text(), part.op() == WordDiff.Op.ADDED));
                }
            }
        } else {
            plain(left, o);
            plain(right, c);
        }
        List<String> marks = new ArrayList<>();
        if (t.textChanged()) {
            marks.add("changed");
        }
        if (t.toolsChanged()) {
            marks.add("tools changed");
        }
        if (t.endingChanged() && c != null) {
            marks.add(c.ending() == null ? "no longer " + ending(o.ending())
                    : "transfer_to_human".equals(c.ending()) ? "new handoff" : "new end");
        }
        if (c != null && c.guard() != null) {
            marks.add("guard");
        }
        if (c != null && c.fault() != null) {
            marks.add("fault");
        }
        if (c == null) {
            marks.add("not reached");
        }
        String caller = "dtmf".equals(t.callerKind()) ? "keys " + t.caller() : t.caller();
        return new TurnRow(t.index(), caller, side(o, left), side(c, right), t.textChanged(), List.copyOf(marks),
                "first token " + change(o == null ? null : o.firstTokenMs(), c == null ? null : c.firstTokenMs()),
                "chunks " + (o == null ? "\u2013" : o.chunks()) + " \u2192 " + (c == null ? "\u2013" : c.chunks()));
    }

    private static String ending(String ending) {
        return "transfer_to_human".equals(ending) ? "hands over" : "ends the call";
    }

    private static void plain(List<Segment> out, ReplayReport.Answer a) {
        if (a != null && a.text() != null && !a.text().isBlank()) {
            out.add(new Segment(a.text().strip(), false));
        }
    }

    private static Side side(ReplayReport.Answer a, List<Segment> segments) {
        if (a == null) {
            return new Side(List.of(), "not reached", "", false, false);
        }
        List<String> details = new ArrayList<>();
        for (String tool : a.tools()) {
            details.add("tool " + tool);
        }
        if (a.ending() != null) {
            details.add("ends: " + a.ending());
        }
        if (a.guard() != null) {
            details.add("guard: " + a.guard());
        }
        if (a.fault() != null) {
            details.add("fault: " + a.fault());
        }
        if (a.retries() > 0) {
            details.add(a.retries() == 1 ? "1 retry" : a.retries() + " retries");
        }
        return new Side(List.copyOf(segments), a.outcome(), String.join(" \u00b7 ", details), a.guard() != null,
                a.fault() != null);
    }

    /** "310 ms → 287 ms (−23)", or a dash for a missing side. */
    static String change(Double before, Double after) {
        String delta = before != null && after != null
                ? String.format(Locale.ROOT, " (%s%.0f)", after - before >= 0 ? "+" : "\u2212", Math.abs(after - before))
                : "";
        return ms(before) + " \u2192 " + ms(after) + delta;
    }

    static String ms(Double value) {
        return value == null ? "\u2013" : String.format(Locale.ROOT, "%.0f ms", value);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d) : Double.toString(d);
    }

    static String when(String instant, ZoneId zone) {
        if (instant == null) {
            return "";
        }
        try {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(zone).format(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return instant;
        }
    }
}
