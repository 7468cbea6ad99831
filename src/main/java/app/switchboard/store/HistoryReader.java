package app.switchboard.store;

import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallPage;
import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.call.EventKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The History view's reads: search, one call's events, the audit trail, exports. Each runs on
 * its own short-lived connection from any thread, beside the writer (WAL lets readers and the
 * writer work at once); a history that does not exist yet reads as empty.
 */
final class HistoryReader {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryReader.class);

    private final Path dir;
    private final Path file;
    private final Duration busyTimeout;

    HistoryReader(Path dir, Path file, Duration busyTimeout) {
        this.dir = dir;
        this.file = file;
        this.busyTimeout = busyTimeout;
    }

    /** A page of past calls matching {@code query}, newest first. */
    CallPage history(HistoryQuery query) {
        return read(db -> {
            Where where = where(db, query);
            long total;
            try (PreparedStatement s = db.prepareStatement("SELECT count(*) FROM calls" + where.sql)) {
                where.bind(s, 1);
                try (ResultSet r = s.executeQuery()) {
                    total = r.next() ? r.getLong(1) : 0;
                }
            }
            List<CallRecord> calls = new ArrayList<>();
            String sql = "SELECT * FROM calls" + where.sql + " ORDER BY started_ms DESC, call_id DESC LIMIT ? OFFSET ?";
            try (PreparedStatement s = db.prepareStatement(sql)) {
                int next = where.bind(s, 1);
                s.setInt(next, query.limit());
                s.setInt(next + 1, query.offset());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        calls.add(record(r));
                    }
                }
            }
            return new CallPage(calls, query.offset(), total);
        }, () -> new CallPage(List.of(), query.offset(), 0));
    }

    Optional<CallRecord> call(String callId) {
        return read(db -> Optional.ofNullable(loadRecord(db, callId)), Optional::empty);
    }

    /**
     * Every stored event of one call, in the order it happened (seq order; a call id reused
     * after its end continues after the earlier events).
     */
    List<CallEvent> events(String callId) {
        return read(db -> {
            List<CallEvent> events = new ArrayList<>();
            forEachEvent(db, callId, events::add);
            return events;
        }, List::of);
    }

    /** Newest first through the (call_id, seq, …) key, then turned around: a page, never the whole call. */
    List<CallEvent> eventsBefore(String callId, long beforeSeq, int limit) {
        return read(db -> {
            List<CallEvent> page = new ArrayList<>();
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT seq, time_ns, kind, fields FROM events WHERE call_id = ? AND seq < ? ORDER BY seq DESC, id DESC LIMIT ?")) {
                s.setString(1, callId);
                s.setLong(2, beforeSeq);
                s.setInt(3, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        EventKind kind = kind(r.getString(3));
                        if (kind != null) {
                            page.add(new CallEvent(callId, r.getLong(1), EventStore.instant(r.getLong(2)),
                                    EventPayloadJson.decode(kind, r.getString(4))));
                        }
                    }
                }
            }
            Collections.reverse(page);
            return page;
        }, List::of);
    }

    /**
     * The events of {@code kinds} of the calls that started or ended at or after {@code since}, in
     * the order they were written (each call's in seq order). Calls are found through the calls
     * table's indexes, their events through the events' (call_id, …) key: no scan of the log.
     */
    List<CallEvent> eventsOfCallsSince(Instant since, Set<EventKind> kinds) {
        if (kinds.isEmpty()) {
            return List.of();
        }
        return read(db -> {
            List<CallEvent> events = new ArrayList<>();
            String marks = String.join(",", Collections.nCopies(kinds.size(), "?"));
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT e.call_id, e.seq, e.time_ns, e.kind, e.fields FROM events e WHERE e.call_id IN"
                            + " (SELECT call_id FROM calls WHERE started_ms >= ? UNION SELECT call_id FROM calls WHERE ended_ms >= ?)"
                            + " AND e.kind IN (" + marks + ") ORDER BY e.id")) {
                s.setLong(1, since.toEpochMilli());
                s.setLong(2, since.toEpochMilli());
                int i = 3;
                for (EventKind kind : kinds) {
                    s.setString(i++, kind.name());
                }
                s.setFetchSize(500);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        EventKind kind = kind(r.getString(4));
                        if (kind != null) {
                            events.add(new CallEvent(r.getString(1), r.getLong(2), EventStore.instant(r.getLong(3)),
                                    EventPayloadJson.decode(kind, r.getString(5))));
                        }
                    }
                }
            }
            return events;
        }, List::of);
    }

    /** The supervisor's actions on one call, in order: the audit trail. */
    List<AuditEntry> auditTrail(String callId) {
        return read(db -> {
            List<AuditEntry> entries = new ArrayList<>();
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT seq, time_ns, kind, fields FROM events WHERE call_id = ?"
                            + " AND (kind LIKE 'SUPERVISOR\\_%' ESCAPE '\\' OR kind = 'ALERT_ACKNOWLEDGED') ORDER BY id")) {
                s.setString(1, callId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        EventKind kind = kind(r.getString(3));
                        EventPayload payload = kind == null
                                ? new EventPayload.Unreadable(EventKind.INFO, r.getString(4), "unknown kind " + r.getString(3))
                                : EventPayloadJson.decode(kind, r.getString(4));
                        Map<String, Object> details = EventPayloadJson.toMap(payload);
                        Object operator = payload instanceof EventPayload.SupervisorAction a ? a.operator()
                                : details.get("operator");
                        details.remove("operator");
                        String action = AuditEntry.action(r.getString(3));
                        entries.add(new AuditEntry(EventStore.instant(r.getLong(2)), action,
                                operator == null ? null : operator.toString(), r.getLong(1), details));
                    }
                }
            }
            return entries;
        }, List::of);
    }

    /**
     * Writes every call matching {@code query} (paging ignored) with all its events to
     * {@code target}, streaming; the file appears whole or not at all. Interrupting the thread
     * cancels it ({@link java.util.concurrent.CancellationException}).
     *
     * @return the number of events written
     */
    long export(HistoryQuery query, ExportFormat format, Path target, ExportProgress progress) {
        HistoryQuery all = new HistoryQuery(query.number(), query.from(), query.until(), query.text(), 0, Integer.MAX_VALUE);
        return read(db -> {
            List<CallRecord> calls = new ArrayList<>();
            Where where = where(db, all);
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT * FROM calls" + where.sql + " ORDER BY started_ms DESC, call_id DESC")) {
                where.bind(s, 1);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        calls.add(record(r));
                    }
                }
            }
            return HistoryExport.write(db, calls, format, target, progress);
        }, () -> HistoryExport.write(null, List.of(), format, target, progress));
    }

    /** Writes one call with all its events to {@code target}; see {@link #export(HistoryQuery, ExportFormat, Path, ExportProgress)}. */
    long exportCall(String callId, ExportFormat format, Path target, ExportProgress progress) {
        return read(db -> {
            CallRecord call = loadRecord(db, callId);
            if (call == null) {
                throw new StoreException("No call " + callId + " in the history", null);
            }
            return HistoryExport.write(db, List.of(call), format, target, progress);
        }, () -> {
            throw new StoreException("No call " + callId + " in the history (there is none yet in " + dir + ")", null);
        });
    }

    static void forEachEvent(Connection db, String callId, Consumer<CallEvent> sink) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT seq, time_ns, kind, fields FROM events WHERE call_id = ? ORDER BY id")) {
            s.setString(1, callId);
            s.setFetchSize(500);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    EventKind kind = kind(r.getString(3));
                    if (kind == null) {
                        LOG.warn("Skipping event of unknown kind {} in call {}", r.getString(3), callId);
                        continue;
                    }
                    sink.accept(new CallEvent(callId, r.getLong(1), EventStore.instant(r.getLong(2)),
                            EventPayloadJson.decode(kind, r.getString(4))));
                }
            }
        }
    }

    @FunctionalInterface
    private interface Reading<T> {
        T apply(Connection db) throws SQLException;
    }

    /** Runs a read on a fresh connection; an empty or not yet created history gives {@code empty}. */
    private <T> T read(Reading<T> work, Supplier<T> empty) {
        if (!Files.exists(file)) {
            return empty.get();
        }
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE); // a reader never creates the file
        config.setBusyTimeout((int) busyTimeout.toMillis());
        try (Connection db = config.createConnection("jdbc:sqlite:" + file); Statement tx = db.createStatement()) {
            // One snapshot for the whole read: a page's count matches its rows, an export's
            // total matches its events, while the writer goes on committing.
            tx.execute("BEGIN");
            try {
                return Schema.version(db) == 0 ? empty.get() : work.apply(db);
            } finally {
                tx.execute("ROLLBACK"); // read-only: nothing to keep
            }
        } catch (SQLException e) {
            throw new StoreException("The call history cannot be read (" + file + "): " + e.getMessage(), e);
        }
    }

    private static final class Where {
        final StringBuilder sqlBuilder = new StringBuilder(" WHERE 1 = 1");
        final List<Object> params = new ArrayList<>();
        String sql;

        void add(String clause, Object... values) {
            sqlBuilder.append(" AND ").append(clause);
            params.addAll(List.of(values));
        }

        int bind(PreparedStatement s, int first) throws SQLException {
            int i = first;
            for (Object p : params) {
                s.setObject(i++, p);
            }
            return i;
        }
    }

    private static Where where(Connection db, HistoryQuery q) throws SQLException {
        Where w = new Where();
        if (q.number() != null && !q.number().isBlank()) {
            String digits = CallRow.digits(q.number());
            if (digits != null) {
                w.add("(from_digits LIKE ? OR to_digits LIKE ?)", "%" + digits + "%", "%" + digits + "%");
            } else {
                String like = "%" + likeEscape(q.number().strip()) + "%";
                w.add("(from_number LIKE ? ESCAPE '\\' OR to_number LIKE ? ESCAPE '\\')", like, like);
            }
        }
        if (q.from() != null) {
            w.add("started_ms >= ?", q.from().toEpochMilli());
        }
        if (q.until() != null) {
            w.add("started_ms < ?", q.until().toEpochMilli());
        }
        List<String> words = words(q.text());
        if (!words.isEmpty()) {
            // Every word must be said somewhere in the call, by anyone: one clause per word.
            boolean fts = Schema.saidIsFullText(db);
            for (String word : words) {
                if (fts) {
                    // Quoted, so nothing the user types is query syntax; matched as a word prefix.
                    w.add("call_id IN (SELECT call_id FROM said WHERE said MATCH ?)",
                            '"' + word.replace("\"", "\"\"") + "\"*");
                } else {
                    w.add("call_id IN (SELECT call_id FROM said WHERE body LIKE ? ESCAPE '\\')",
                            "%" + likeEscape(word) + "%");
                }
            }
        }
        w.sql = w.sqlBuilder.toString();
        return w;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text != null) {
            for (String w : text.strip().split("\\s+")) {
                if (w.codePoints().anyMatch(Character::isLetterOrDigit)) {
                    words.add(w);
                }
            }
        }
        return words;
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static CallRecord loadRecord(Connection db, String callId) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM calls WHERE call_id = ?")) {
            s.setString(1, callId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? record(r) : null;
            }
        }
    }

    private static CallRecord record(ResultSet r) throws SQLException {
        return CallRow.from(r).toRecord();
    }

    private static EventKind kind(String name) {
        try {
            return EventKind.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
