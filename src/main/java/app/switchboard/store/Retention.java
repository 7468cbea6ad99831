package app.switchboard.store;

import app.switchboard.concurrent.Threads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes calls that ended more than a number of days ago, with their events and words, on the
 * writer thread (500 calls per transaction, {@code secure_delete} on, the WAL truncated after);
 * with {@link EventStore.Options#retentionDays()} set, at start and every
 * {@link EventStore.Options#retentionInterval()}, reading the setting each time.
 */
final class Retention {

    // Logged under EventStore: the name the log has always shown for the history.
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

    private final EventStore.Options options;
    private final HistoryFile file;
    private final EventLog log;
    private final HealthReporter reporter;
    private final BiConsumer<Runnable, CompletableFuture<?>> onWriter;
    private final ScheduledExecutorService retention;

    /** {@code onWriter} runs a task on the writer between batches, or fails its future when closed. */
    Retention(EventStore.Options options, HistoryFile file, EventLog log, HealthReporter reporter,
              BiConsumer<Runnable, CompletableFuture<?>> onWriter) {
        this.options = options;
        this.file = file;
        this.log = log;
        this.reporter = reporter;
        this.onWriter = onWriter;
        this.retention = options.retentionDays() == null ? null
                : Executors.newSingleThreadScheduledExecutor(Threads.named("event-store-retention"));
    }

    void start() {
        if (retention != null) {
            long every = options.retentionInterval().toMillis();
            retention.scheduleAtFixedRate(this::runScheduledRetention, 0, every, TimeUnit.MILLISECONDS);
        }
    }

    void close() {
        if (retention != null) {
            retention.shutdownNow();
        }
    }

    /** See {@link EventStore#applyRetention}. */
    CompletableFuture<Integer> apply(int days) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        if (days <= 0) {
            result.complete(0);
            return result;
        }
        onWriter.accept(() -> {
            try {
                result.complete(deleteEndedBefore(options.clock().instant().minus(Duration.ofDays(days))));
            } catch (SQLException | RuntimeException e) {
                result.completeExceptionally(new StoreException("Old calls could not be deleted: " + e.getMessage(), e));
            }
        }, result);
        return result;
    }

    private void runScheduledRetention() {
        try {
            int days = options.retentionDays().getAsInt();
            int deleted = apply(days).get(1, TimeUnit.HOURS);
            if (deleted > 0) {
                LOG.info("Retention: deleted {} calls that ended more than {} days ago", deleted, days);
            }
        } catch (Exception e) {
            LOG.warn("Retention did not run: {}", e.getMessage());
        }
    }

    private int deleteEndedBefore(Instant cutoff) throws SQLException {
        Connection db = file.db();
        if (db == null) {
            String why = reporter.health().message();
            throw new SQLException(why == null ? "the history file is not open" : why);
        }
        List<String> old = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("SELECT call_id FROM calls WHERE ended_ms < ?")) {
            s.setLong(1, cutoff.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    old.add(r.getString(1));
                }
            }
        }
        try (Statement s = db.createStatement()) {
            // Transcripts are personal data: overwrite what is deleted instead of leaving it in free pages.
            s.execute("PRAGMA secure_delete = ON");
            try {
                for (int i = 0; i < old.size(); i += 500) {
                    deleteCalls(db, old.subList(i, Math.min(old.size(), i + 500)));
                }
            } finally {
                s.execute("PRAGMA secure_delete = OFF");
            }
            if (!old.isEmpty()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        old.forEach(log::forget);
        return old.size();
    }

    private static void deleteCalls(Connection db, List<String> callIds) throws SQLException {
        try (Statement tx = db.createStatement();
             PreparedStatement said = db.prepareStatement(
                     "DELETE FROM said WHERE rowid IN (SELECT id FROM events WHERE call_id = ?)");
             PreparedStatement events = db.prepareStatement("DELETE FROM events WHERE call_id = ?");
             PreparedStatement calls = db.prepareStatement("DELETE FROM calls WHERE call_id = ?")) {
            tx.execute("BEGIN IMMEDIATE");
            try {
                for (String id : callIds) {
                    for (PreparedStatement s : List.of(said, events, calls)) {
                        s.setString(1, id);
                        s.executeUpdate();
                    }
                }
                tx.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                tx.execute("ROLLBACK");
                throw e;
            }
        }
    }
}
