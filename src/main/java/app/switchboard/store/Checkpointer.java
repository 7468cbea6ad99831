package app.switchboard.store;

import app.switchboard.concurrent.Threads;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * WAL checkpoints copy the log back into the file and sync it, which takes tens of ms. At a
 * steady load a thread of their own does them (a passive checkpoint never blocks the
 * writer), so commits stay short; under a burst the writer's own automatic checkpoint
 * (SQLite's default, 1000 pages) still bounds the log.
 */
final class Checkpointer {

    // Logged under EventStore: the name the log has always shown for the history.
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);
    private static final Duration CHECKPOINT_EVERY = Duration.ofMillis(500);

    private final Path file;
    private final Duration busyTimeout;
    private final BooleanSupplier writing;
    private final ScheduledExecutorService checkpointer;
    private Connection checkpointDb; // checkpointer thread only

    /** {@code writing}: the writer holds the lock and has the file open; no checkpoints otherwise. */
    Checkpointer(Path file, Duration busyTimeout, BooleanSupplier writing) {
        this.file = file;
        this.busyTimeout = busyTimeout;
        this.writing = writing;
        this.checkpointer = Executors.newSingleThreadScheduledExecutor(Threads.named("event-store-checkpoint"));
    }

    void start() {
        checkpointer.scheduleWithFixedDelay(this::checkpoint, CHECKPOINT_EVERY.toMillis(),
                CHECKPOINT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the checkpoints and closes their connection, waiting for a running one to end. */
    void close() {
        // Its connection closes first, so the writer's is the last and leaves no WAL behind.
        checkpointer.execute(this::closeCheckpointDb);
        checkpointer.shutdown();
        try {
            checkpointer.awaitTermination(busyTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkpoint() {
        if (!writing.getAsBoolean()) {
            closeCheckpointDb();
            return;
        }
        try {
            if (checkpointDb == null) {
                SQLiteConfig config = new SQLiteConfig();
                config.resetOpenMode(SQLiteOpenMode.CREATE);
                config.setBusyTimeout((int) busyTimeout.toMillis());
                checkpointDb = config.createConnection("jdbc:sqlite:" + file);
            }
            try (Statement s = checkpointDb.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(PASSIVE)");
            }
        } catch (SQLException e) {
            // The writer reports what matters; a missed checkpoint only lets the log grow a while.
            LOG.debug("WAL checkpoint skipped: {}", e.getMessage());
            closeCheckpointDb();
        }
    }

    private void closeCheckpointDb() {
        if (checkpointDb != null) {
            HistoryFile.closeQuietly(checkpointDb);
            checkpointDb = null;
        }
    }
}
