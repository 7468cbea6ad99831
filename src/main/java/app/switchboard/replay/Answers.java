package app.switchboard.replay;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a call's events (stored, or recorded by a replay) as caller turns, each with the answer
 * the agent gave it. A caller turn is a final prompt or a run of key presses; an agent turn
 * belongs to the latest caller turn still unanswered when it started.
 */
final class Answers {

    /** One caller turn; {@code answer} is null when no agent turn followed it. */
    record CallerTurn(String kind, String text, ReplayReport.Answer answer) {
        /** The key presses of a DTMF turn. */
        String digits() {
            return "dtmf".equals(kind) ? text : "";
        }
    }

    private Answers() {
    }

    private static final class Builder {
        final String kind;
        final StringBuilder text = new StringBuilder();
        Long agentTurn;
        String outcome;
        String said;
        final List<String> tools = new ArrayList<>();
        String ending;
        String handoffData;
        Double firstTokenMs;
        int chunks;
        String guard;
        String fault;
        int retries;

        Builder(String kind, String text) {
            this.kind = kind;
            this.text.append(text);
        }

        CallerTurn build() {
            ReplayReport.Answer answer = agentTurn == null ? null : new ReplayReport.Answer(
                    outcome == null ? "no answer" : outcome, said == null ? "" : said, tools, ending, handoffData,
                    firstTokenMs, chunks, guard, fault, retries);
            return new CallerTurn(kind, text.toString(), answer);
        }
    }

    static List<CallerTurn> read(List<CallEvent> events) {
        List<Builder> turns = new ArrayList<>();
        Map<Long, Builder> byAgentTurn = new HashMap<>();
        for (CallEvent event : events) {
            EventPayload payload = event.payload();
            if (payload instanceof EventPayload.Prompt p) {
                turns.add(new Builder("prompt", p.text() == null ? "" : p.text()));
            } else if (payload instanceof EventPayload.Dtmf d) {
                Builder last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
                if (last != null && "dtmf".equals(last.kind) && last.agentTurn == null) {
                    last.text.append(d.digit());
                } else {
                    turns.add(new Builder("dtmf", d.digit() == null ? "" : d.digit()));
                }
            } else if (payload instanceof EventPayload.TurnStarted ts) {
                Builder last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
                if (last != null && last.agentTurn == null) {
                    last.agentTurn = ts.turn();
                    byAgentTurn.put(ts.turn(), last);
                }
            } else if (payload instanceof EventPayload.TurnEvent te) {
                Builder b = byAgentTurn.get(te.turn());
                if (b != null) {
                    apply(b, payload);
                }
            }
        }
        List<CallerTurn> out = new ArrayList<>();
        for (Builder b : turns) {
            out.add(b.build());
        }
        return out;
    }

    private static void apply(Builder b, EventPayload payload) {
        if (payload instanceof EventPayload.AgentToken) {
            b.chunks++;
        } else if (payload instanceof EventPayload.TurnCompleted c) {
            b.outcome = "completed";
            b.said = c.text();
            if (c.tool() != null) {
                b.ending = c.tool();
            }
        } else if (payload instanceof EventPayload.TurnInterrupted i) {
            b.outcome = "interrupted";
            b.said = (i.heard() == null ? "" : i.heard()) + (i.unheard() == null ? "" : i.unheard());
        } else if (payload instanceof EventPayload.GuardTripped g) {
            b.outcome = "guarded";
            b.guard = g.reason();
            b.said = g.said();
        } else if (payload instanceof EventPayload.Fault f) {
            if (Boolean.TRUE.equals(f.retry())) {
                b.retries++;
            } else {
                b.outcome = "fault";
                b.fault = f.reason();
                b.said = f.fallback();
            }
        } else if (payload instanceof EventPayload.DraftReady d) {
            b.outcome = "draft";
            b.said = d.text();
        } else if (payload instanceof EventPayload.ToolCall t) {
            b.tools.add(t.name() + "(" + (t.arguments() == null ? "" : t.arguments()) + ") → " + t.outcome());
            if ("ending".equals(t.outcome())) {
                b.ending = t.name();
                b.handoffData = t.handoffData();
            }
        } else if (payload instanceof EventPayload.Latency l) {
            b.firstTokenMs = l.firstTokenMs();
        }
    }
}
