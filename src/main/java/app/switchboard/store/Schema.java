package app.switchboard.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database layout, versioned with {@code PRAGMA user_version}: version N means migrations
 * 1..N have run. A migration is only ever appended, never edited, so every older file can be
 * brought forward step by step.
 */
final class Schema {

    /** Migration i+1 takes the database from version i to i+1. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    // id orders a call's events even if a call id restarts its seq (a reconnect after
                    // the call ended, or after a crash); the unique key makes a retried batch idempotent.
                    """
                    CREATE TABLE events (
                      id      INTEGER PRIMARY KEY,
                      call_id TEXT    NOT NULL,
                      seq     INTEGER NOT NULL,
                      time_ns INTEGER NOT NULL,
                      kind    TEXT    NOT NULL,
                      fields  TEXT    NOT NULL,
                      UNIQUE (call_id, seq, time_ns)
                    )""",
                    """
                    CREATE TABLE calls (
                      call_id       TEXT PRIMARY KEY,
                      call_sid      TEXT,
                      session_ids   TEXT    NOT NULL DEFAULT '[]',
                      from_number   TEXT,
                      to_number     TEXT,
                      from_digits   TEXT,
                      to_digits     TEXT,
                      started_ms    INTEGER NOT NULL,
                      ended_ms      INTEGER,
                      end_reason    TEXT,
                      language      TEXT,
                      turns         INTEGER NOT NULL DEFAULT 0,
                      interruptions INTEGER NOT NULL DEFAULT 0,
                      attention     TEXT    NOT NULL DEFAULT '[]',
                      event_count   INTEGER NOT NULL DEFAULT 0,
                      last_event_ms INTEGER NOT NULL,
                      last_seq      INTEGER NOT NULL
                    )""",
                    "CREATE INDEX calls_by_start ON calls (started_ms DESC, call_id DESC)",
                    "CREATE INDEX calls_by_end ON calls (ended_ms)",
                    // Words said on the call, one row per utterance; rowid = events.id.
                    "CREATE VIRTUAL TABLE said USING fts5 (body, call_id UNINDEXED, speaker UNINDEXED,"
                            + " tokenize = 'unicode61 remove_diacritics 2')"),
            // The latest status of the call's Twilio recording (RECORDING events); older calls had none.
            List.of("ALTER TABLE calls ADD COLUMN recording TEXT"));

    /** The same table without FTS5, searched with LIKE, for a driver built without it. */
    private static final String SAID_WITHOUT_FTS =
            "CREATE TABLE said (rowid INTEGER PRIMARY KEY, body TEXT NOT NULL, call_id TEXT NOT NULL, speaker TEXT NOT NULL)";

    static final int LATEST = MIGRATIONS.size();

    private Schema() {
    }

    static int version(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    static boolean hasFts5(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT sqlite_compileoption_used('ENABLE_FTS5')")) {
            return r.next() && r.getInt(1) == 1;
        }
    }

    /** True when the words table is a full-text index (searched with MATCH), false when LIKE. */
    static boolean saidIsFullText(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'said'")) {
            return r.next() && r.getString(1).toUpperCase(java.util.Locale.ROOT).contains("FTS5");
        }
    }

    /**
     * Brings the database to {@link #LATEST}, each step in its own transaction.
     *
     * @throws NewerSchemaException when the file was written by a newer Switchboard
     */
    static void migrate(Connection db) throws SQLException {
        migrate(db, hasFts5(db));
    }

    /** As {@link #migrate(Connection)}, choosing the words table; tests use it to check the LIKE path. */
    static void migrate(Connection db, boolean fts5) throws SQLException {
        int version = version(db);
        if (version > LATEST) {
            throw new NewerSchemaException(version, LATEST);
        }
        for (int v = version; v < LATEST; v++) {
            try (Statement s = db.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    for (String sql : MIGRATIONS.get(v)) {
                        s.execute(!fts5 && sql.contains("USING fts5") ? SAID_WITHOUT_FTS : sql);
                    }
                    s.execute("PRAGMA user_version = " + (v + 1));
                    s.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        }
    }

    /** The database is from a newer version of the app; writing to it could damage it. */
    static final class NewerSchemaException extends SQLException {
        NewerSchemaException(int found, int known) {
            super("the history database has schema version " + found + ", this Switchboard knows up to " + known
                    + "; it was written by a newer Switchboard");
        }
    }
}
