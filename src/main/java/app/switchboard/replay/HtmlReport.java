package app.switchboard.replay;

import java.util.List;
import java.util.Locale;

/**
 * A replay report as one self-contained HTML page (inline CSS, no script, no outside resource).
 * The markup is well-formed XML, so it can be checked and transformed by XML tools.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    public static String render(ReplayReport report) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>Replay ").append(esc(report.runId())).append("</title>\n")
                .append("<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n")
                .append("table{border-collapse:collapse;width:100%;margin-bottom:1.5em}\n")
                .append("th,td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left}\n")
                .append("th{background:#f0f0f0}\n")
                .append("tr.changed td.answer{background:#fffbe6}\n")
                .append("del{background:#fdd;text-decoration:line-through}\n")
                .append("ins{background:#dfd;text-decoration:none}\n")
                .append(".flag{display:inline-block;margin:.1em .2em;padding:0 .3em;border-radius:3px;background:#eee;font-size:.85em}\n")
                .append(".bad{background:#f8c6c6}\n.note{color:#666;font-size:.85em}\n")
                .append("</style>\n</head>\n<body>\n");
        ReplayReport.Profile p = report.profile();
        h.append("<h1>Replay ").append(esc(report.runId())).append("</h1>\n<p>Candidate: <b>")
                .append(esc(p.name() == null ? "(unnamed profile)" : p.name())).append("</b>, model ")
                .append(esc(p.model())).append(p.baseUrl() == null ? "" : " at " + esc(p.baseUrl()))
                .append(", temperature ").append(p.temperature() == null ? "default" : p.temperature())
                .append(", tools ").append(p.tools() ? "on" : "off").append(". Calls: ")
                .append(esc(report.search() == null ? "(all)" : report.search())).append(". Started ")
                .append(esc(report.startedAt())).append(", finished ").append(esc(report.finishedAt())).append(".</p>\n");
        summary(h, report.summary());
        for (ReplayReport.CallResult call : report.calls()) {
            call(h, call);
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, ReplayReport.Summary s) {
        h.append("<h2>Summary</h2>\n<table class=\"summary\">\n<tr><th></th><th>original</th><th>candidate</th></tr>\n");
        row(h, "calls replayed", s.calls() + (s.callsFailed() > 0 ? " (" + s.callsFailed() + " failed)" : ""), "");
        row(h, "caller turns", String.valueOf(s.turns()), "");
        row(h, "answers changed", "", String.valueOf(s.turnsChanged()));
        row(h, "tool calls changed", "", String.valueOf(s.toolsChanged()));
        row(h, "new handoffs / new ends", "", s.newHandoffs() + " / " + s.newEnds());
        row(h, "handoffs or ends no longer made", "", String.valueOf(s.lostHandoffsOrEnds()));
        row(h, "guard trips", String.valueOf(s.guardTripsOriginal()), String.valueOf(s.guardTripsCandidate()));
        row(h, "faults", String.valueOf(s.faultsOriginal()), String.valueOf(s.faultsCandidate()));
        row(h, "first token p50 (ms)", ms(s.firstTokenP50Original()), ms(s.firstTokenP50Candidate()));
        row(h, "first token p95 (ms)", ms(s.firstTokenP95Original()), ms(s.firstTokenP95Candidate()));
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String label, String original, String candidate) {
        h.append("<tr><th>").append(esc(label)).append("</th><td>").append(esc(original)).append("</td><td>")
                .append(esc(candidate)).append("</td></tr>\n");
    }

    private static void call(StringBuilder h, ReplayReport.CallResult call) {
        h.append("<h2 id=\"call-").append(esc(call.callId())).append("\">Call ").append(esc(call.callId())).append("</h2>\n<p class=\"note\">");
        h.append(esc(call.from() == null ? "" : "from " + call.from() + ", "))
                .append(esc(call.startedAt() == null ? "" : "started " + call.startedAt()));
        if (call.candidateEnded() != null) {
            h.append(" <span class=\"flag bad\">the candidate ended the call: ").append(esc(call.candidateEnded())).append("</span>");
        }
        h.append("</p>\n");
        if (call.error() != null) {
            h.append("<p class=\"flag bad\">not replayed: ").append(esc(call.error())).append("</p>\n");
            return;
        }
        h.append("<table class=\"turns\">\n<tr><th>#</th><th>caller</th><th>original</th><th>candidate</th><th>difference</th></tr>\n");
        for (ReplayReport.TurnPair t : call.turns()) {
            boolean changed = t.textChanged() || t.toolsChanged() || t.endingChanged();
            h.append("<tr class=\"").append(changed ? "changed" : "same").append("\"><td>").append(t.index()).append("</td><td>")
                    .append("dtmf".equals(t.callerKind()) ? "keys " : "").append(esc(t.caller())).append("</td>");
            answer(h, t.original(), "no stored answer");
            answer(h, t.candidate(), "not reached");
            h.append("<td class=\"diff\">");
            if (t.textChanged()) {
                for (WordDiff.Part part : t.diff()) {
                    switch (part.op()) {
                        case SAME -> h.append(esc(part.text()));
                        case REMOVED -> h.append("<del>").append(esc(part.text())).append("</del>");
                        case ADDED -> h.append("<ins>").append(esc(part.text())).append("</ins>");
                        default -> throw new IllegalStateException();
                    }
                    h.append(' ');
                }
            } else if (t.original() != null && t.candidate() != null) {
                h.append("<span class=\"note\">same words</span>");
            }
            if (t.toolsChanged()) {
                h.append(" <span class=\"flag bad\">tools changed</span>");
            }
            if (t.endingChanged()) {
                h.append(" <span class=\"flag bad\">ending changed</span>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void answer(StringBuilder h, ReplayReport.Answer a, String missing) {
        h.append("<td class=\"answer\">");
        if (a == null) {
            h.append("<span class=\"note\">").append(esc(missing)).append("</span></td>");
            return;
        }
        h.append("<div>").append(esc(a.text())).append("</div>");
        if (!"completed".equals(a.outcome())) {
            h.append("<span class=\"flag").append("interrupted".equals(a.outcome()) || "draft".equals(a.outcome()) ? "" : " bad")
                    .append("\">").append(esc(a.outcome())).append("</span>");
        }
        flags(h, a.tools(), "tool");
        if (a.ending() != null) {
            h.append("<span class=\"flag bad\">").append(esc(a.ending())).append("</span>");
        }
        if (a.guard() != null) {
            h.append("<span class=\"flag bad\">guard: ").append(esc(a.guard())).append("</span>");
        }
        if (a.fault() != null) {
            h.append("<span class=\"flag bad\">fault: ").append(esc(a.fault())).append("</span>");
        }
        h.append("<div class=\"note\">first token ").append(ms(a.firstTokenMs())).append(" ms, ")
                .append(a.chunks()).append(a.chunks() == 1 ? " chunk" : " chunks").append(a.retries() > 0 ? ", " + a.retries() + " retried" : "")
                .append("</div></td>");
    }

    private static void flags(StringBuilder h, List<String> items, String label) {
        for (String item : items) {
            h.append("<span class=\"flag\">").append(esc(label)).append(": ").append(esc(item)).append("</span>");
        }
    }

    private static String ms(Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%.0f", value);
    }

    /** Escapes text for element content and attribute values; drops characters XML cannot carry. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
