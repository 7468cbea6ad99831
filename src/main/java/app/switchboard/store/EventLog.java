package app.switchboard.store;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.call.EventPayloadJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one commit writes: the events, the {@code said} rows of what was said, and one upsert of
 * the {@code calls} row of each call touched, in one transaction. The rows of live calls are
 * kept in memory (the writer does no read before the write); they and the next event id belong
 * to one open file, so {@link HistoryFile} tells this log when a file opens and when it goes.
 * Also ends, on the first open, the calls a previous run left live. Writer thread only, except
 * the counters, which any thread may read.
 */
final class EventLog {

    // Logged under EventStore: the name the log has always shown for the history.
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

    private final Clock clock;
    private final Map<String, CallRow> rows = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CallRow> eldest) {
            return size() > 10_000;
        }
    };
    private long nextId;
    private volatile long written;
    private volatile long commits;
    private volatile long commitNanos;
    private volatile long largestBatch;

    EventLog(Clock clock) {
        this.clock = clock;
    }

    /** A file was opened on {@code c}: the ids go on from its last event. */
    void opened(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM events")) {
            nextId = r.getLong(1);
        }
    }

    /** The connection is gone (or the file replaced): the cached rows may no longer match it. */
    void forgetRows() {
        rows.clear();
    }

    /** The call's row was deleted (retention). */
    void forget(String callId) {
        rows.remove(callId);
    }

    long written() {
        return written;
    }

    long commits() {
        return commits;
    }

    long commitNanos() {
        return commitNanos;
    }

    long largestBatch() {
        return largestBatch;
    }

    void recoverUnfinishedCalls(Connection db) throws SQLException {
        List<CallEvent> endings = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT c.call_id, c.last_seq,"
                     + " (SELECT max(e.time_ns) FROM events e WHERE e.call_id = c.call_id)"
                     + " FROM calls c WHERE c.ended_ms IS NULL")) {
            String now = clock.instant().toString();
            while (r.next()) {
                long lastNanos = r.getLong(3);
                Instant lastSeen = r.wasNull() ? clock.instant() : EventStore.instant(lastNanos);
                // The crash time is unknown; the last thing heard from the call is the best estimate.
                endings.add(new CallEvent(r.getString(1), r.getLong(2) + 1, lastSeen,
                        new EventPayload.CallEnded(EventStore.CRASHED, true, now)));
            }
        }
        if (!endings.isEmpty()) {
            write(db, endings);
            LOG.warn("Marked {} calls left live by the previous run as ended: {}", endings.size(), EventStore.CRASHED);
        }
    }

    /** Appends events and folds them into their calls' rows, in one transaction. */
    void write(Connection db, List<CallEvent> batch) throws SQLException {
        long start = System.nanoTime();
        Map<String, CallRow> touched = new HashMap<>();
        long id = nextId;
        try (Statement tx = db.createStatement()) {
            tx.execute("BEGIN IMMEDIATE");
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO events (id, call_id, seq, time_ns, kind, fields) VALUES (?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (call_id, seq, time_ns) DO NOTHING");
                 PreparedStatement said = db.prepareStatement(
                         "INSERT INTO said (rowid, body, call_id, speaker) VALUES (?, ?, ?, ?)")) {
                for (CallEvent e : batch) {
                    insert.setLong(1, id);
                    insert.setString(2, e.callId());
                    insert.setLong(3, e.seq());
                    insert.setLong(4, EventStore.nanos(e.time()));
                    insert.setString(5, e.kind().name());
                    insert.setString(6, EventPayloadJson.encode(e.payload()));
                    if (insert.executeUpdate() == 0) {
                        continue; // already stored by an attempt whose commit we did not see succeed
                    }
                    CallRow row = touched.get(e.callId());
                    if (row == null) {
                        CallRow known = knownRow(db, e.callId());
                        row = known == null ? new CallRow(e.callId(), e.time().toEpochMilli()) : known.copy();
                        touched.put(e.callId(), row);
                    }
                    row.apply(e);
                    String[] words = CallRow.said(e);
                    if (words != null) {
                        said.setLong(1, id);
                        said.setString(2, words[1]);
                        said.setString(3, e.callId());
                        said.setString(4, words[0]);
                        said.executeUpdate();
                    }
                    id++;
                }
                upsert(db, touched.values());
                tx.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    tx.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // the connection is dropped below anyway
                }
                throw e;
            }
        }
        nextId = id;
        for (CallRow row : touched.values()) {
            if (row.endedMs != null) {
                rows.remove(row.callId);
            } else {
                rows.put(row.callId, row);
            }
        }
        written += batch.size();
        commits++;
        commitNanos += System.nanoTime() - start;
        largestBatch = Math.max(largestBatch, batch.size());
    }

    private CallRow knownRow(Connection db, String callId) throws SQLException {
        CallRow cached = rows.get(callId);
        if (cached != null) {
            return cached;
        }
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM calls WHERE call_id = ?")) {
            s.setString(1, callId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? CallRow.from(r) : null;
            }
        }
    }

    private void upsert(Connection db, Iterable<CallRow> touched) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("""
                INSERT INTO calls (call_id, call_sid, session_ids, from_number, to_number, from_digits, to_digits,
                  started_ms, ended_ms, end_reason, language, turns, interruptions, attention, event_count,
                  last_event_ms, last_seq, recording)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (call_id) DO UPDATE SET call_sid = excluded.call_sid, session_ids = excluded.session_ids,
                  from_number = excluded.from_number, to_number = excluded.to_number,
                  from_digits = excluded.from_digits, to_digits = excluded.to_digits,
                  started_ms = excluded.started_ms, ended_ms = excluded.ended_ms, end_reason = excluded.end_reason,
                  language = excluded.language, turns = excluded.turns, interruptions = excluded.interruptions,
                  attention = excluded.attention, event_count = excluded.event_count,
                  last_event_ms = excluded.last_event_ms, last_seq = excluded.last_seq,
                  recording = excluded.recording""")) {
            for (CallRow row : touched) {
                s.setString(1, row.callId);
                s.setString(2, row.callSid);
                s.setString(3, CallRow.join(row.sessionIds));
                s.setString(4, row.from);
                s.setString(5, row.to);
                s.setString(6, CallRow.digits(row.from));
                s.setString(7, CallRow.digits(row.to));
                s.setLong(8, row.startedMs);
                s.setObject(9, row.endedMs);
                s.setString(10, row.endReason);
                s.setString(11, row.language);
                s.setInt(12, row.turns);
                s.setInt(13, row.interruptions);
                s.setString(14, CallRow.join(row.attention));
                s.setLong(15, row.eventCount);
                s.setLong(16, row.lastEventMs);
                s.setLong(17, row.lastSeq);
                s.setString(18, row.recording);
                s.executeUpdate();
            }
        }
    }
}
