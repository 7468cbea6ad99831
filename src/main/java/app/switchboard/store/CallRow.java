package app.switchboard.store;

import app.switchboard.history.CallRecord;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The calls-table row of one call while the writer folds events into it. Only the writer
 * thread touches it.
 */
final class CallRow {

    final String callId;
    String callSid;
    final Set<String> sessionIds = new LinkedHashSet<>();
    String from;
    String to;
    long startedMs;
    Long endedMs;
    String endReason;
    String language;
    int turns;
    int interruptions;
    final Set<String> attention = new LinkedHashSet<>();
    long eventCount;
    long lastEventMs;
    long lastSeq;
    /** The latest status of the call's recording; null: not recorded. */
    String recording;

    CallRow(String callId, long startedMs) {
        this.callId = callId;
        this.startedMs = startedMs;
        this.lastEventMs = startedMs;
    }

    CallRow copy() {
        CallRow c = new CallRow(callId, startedMs);
        c.callSid = callSid;
        c.sessionIds.addAll(sessionIds);
        c.from = from;
        c.to = to;
        c.endedMs = endedMs;
        c.endReason = endReason;
        c.language = language;
        c.turns = turns;
        c.interruptions = interruptions;
        c.attention.addAll(attention);
        c.eventCount = eventCount;
        c.lastEventMs = lastEventMs;
        c.lastSeq = lastSeq;
        c.recording = recording;
        return c;
    }

    /** A row as stored in the calls table. */
    static CallRow from(ResultSet r) throws SQLException {
        CallRow row = new CallRow(r.getString("call_id"), r.getLong("started_ms"));
        row.callSid = r.getString("call_sid");
        row.sessionIds.addAll(CallRow.split(r.getString("session_ids")));
        row.from = r.getString("from_number");
        row.to = r.getString("to_number");
        long ended = r.getLong("ended_ms");
        row.endedMs = r.wasNull() ? null : ended;
        row.endReason = r.getString("end_reason");
        row.language = r.getString("language");
        row.turns = r.getInt("turns");
        row.interruptions = r.getInt("interruptions");
        row.attention.addAll(CallRow.split(r.getString("attention")));
        row.eventCount = r.getLong("event_count");
        row.lastEventMs = r.getLong("last_event_ms");
        row.lastSeq = r.getLong("last_seq");
        row.recording = hasColumn(r, "recording") ? r.getString("recording") : null;
        return row;
    }

    /**
     * Whether the row has a column added by a later migration: a reader may open a file the
     * writer has not migrated yet (it does so on its own thread), or one it may not write at all.
     */
    private static boolean hasColumn(ResultSet r, String name) throws SQLException {
        java.sql.ResultSetMetaData meta = r.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (name.equalsIgnoreCase(meta.getColumnName(i))) {
                return true;
            }
        }
        return false;
    }

    /** Folds one event into the row: what the History list needs, derived from the facts. */
    void apply(CallEvent e) {
        long ms = e.time().toEpochMilli();
        eventCount++;
        lastEventMs = Math.max(lastEventMs, ms);
        lastSeq = e.seq();
        startedMs = Math.min(startedMs, ms);
        EventPayload p = e.payload();
        if (p instanceof EventPayload.SessionStarted started) {
            addSession(started.sessionId());
        } else if (p instanceof EventPayload.Setup setup) {
            if (endedMs != null) {
                // A new relay session on a call that had ended (Twilio reconnected through the action URL).
                endedMs = null;
                endReason = null;
            }
            callSid = orKeep(setup.callSid(), callSid);
            from = orKeep(setup.from(), from);
            to = orKeep(setup.to(), to);
            addSession(setup.sessionId());
        } else if (p instanceof EventPayload.CallEnded ended) {
            endedMs = ms;
            endReason = ended.reason();
        } else if (p instanceof EventPayload.TurnCompleted) {
            turns++;
        } else if (p instanceof EventPayload.TurnInterrupted) {
            turns++;
            interruptions++;
        } else if (p instanceof EventPayload.AttentionRaised raised) {
            // The stable reason code (HUMAN_REQUESTED, ...); the console has the labels.
            String flag = firstText(raised.reason(), raised.label());
            attention.add(flag == null ? "attention" : flag);
        } else if (p instanceof EventPayload.SupervisorLanguage switched) {
            language = orKeep(firstText(switched.ttsLanguage(), switched.transcriptionLanguage()), language);
        } else if (p instanceof EventPayload.Prompt prompt) {
            language = orKeep(prompt.lang(), language);
        } else if (p instanceof EventPayload.Recording rec) {
            // A completed recording stays the call's answer: a late in-progress (callbacks may
            // arrive out of order) must not make a finished recording look unfinished.
            if (!EventPayload.Recording.COMPLETED.equals(recording)) {
                recording = orKeep(rec.status(), recording);
            }
        }
    }

    /** Who said what in this event, for the text search; null when nobody spoke. */
    static String[] said(CallEvent e) {
        EventPayload p = e.payload();
        String text = null;
        String speaker = null;
        if (p instanceof EventPayload.Prompt prompt) {
            speaker = "caller";
            text = prompt.text();
        } else if (p instanceof EventPayload.TurnCompleted completed) {
            speaker = "agent";
            text = completed.text();
        } else if (p instanceof EventPayload.TurnInterrupted cut) {
            speaker = "agent";
            text = cut.heard();
        } else if (p instanceof EventPayload.SupervisorSay say) {
            speaker = "supervisor";
            text = say.text();
        } else if (p instanceof EventPayload.Summary summary) {
            // The post-call summary is searchable like the words said.
            speaker = "summary";
            text = summary.text();
        }
        return text == null || text.isBlank() ? null : new String[] {speaker, text};
    }

    CallRecord toRecord() {
        return new CallRecord(callId, callSid, new ArrayList<>(sessionIds), from, to,
                Instant.ofEpochMilli(startedMs), endedMs == null ? null : Instant.ofEpochMilli(endedMs), endReason,
                language, turns, interruptions, new ArrayList<>(attention), eventCount, Instant.ofEpochMilli(lastEventMs), recording);
    }

    static String digits(String number) {
        if (number == null) {
            return null;
        }
        StringBuilder d = new StringBuilder(number.length());
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c >= '0' && c <= '9') {
                d.append(c);
            }
        }
        return d.length() == 0 ? null : d.toString();
    }

    /** Lists are stored as JSON arrays: flags may hold spaces. */
    static String join(Set<String> values) {
        return EventJson.encodeList(new ArrayList<>(values));
    }

    static List<String> split(String joined) {
        return EventJson.decodeList(joined);
    }

    private void addSession(String id) {
        if (id != null && !id.isBlank()) {
            sessionIds.add(id);
        }
    }

    private static String orKeep(String value, String old) {
        return value == null || value.isBlank() ? old : value;
    }

    private static String firstText(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
