package app.switchboard.store;

import app.switchboard.history.StoreHealth;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;

/**
 * What {@link EventStore#health()} says and who hears it: the current {@link StoreHealth}, the
 * listeners told of each change, and the messages, written for a person to read, that say why
 * the history is not being saved. Changed on the writer thread only; read from any thread.
 */
final class HealthReporter {

    // Logged under EventStore: the name the log has always shown for the history.
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

    private final Path dir;
    private final Path file;
    private final EventStore.Options options;
    private final CopyOnWriteArrayList<Consumer<StoreHealth>> healthListeners = new CopyOnWriteArrayList<>();
    private volatile StoreHealth health;
    private long droppedAtLastHealthy; // writer thread only

    HealthReporter(Path dir, Path file, EventStore.Options options) {
        this.dir = dir;
        this.file = file;
        this.options = options;
        this.health = new StoreHealth(StoreHealth.Status.OK, null, 0, 0, options.clock().instant());
    }

    StoreHealth health() {
        return health;
    }

    /** See {@link EventStore#onHealthChange}. */
    AutoCloseable onHealthChange(Consumer<StoreHealth> listener) {
        healthListeners.add(listener);
        listener.accept(health);
        return () -> healthListeners.remove(listener);
    }

    /**
     * The last commit (or open) succeeded. {@code notice} is what the console should still know,
     * such as where a damaged file was kept; null for nothing.
     */
    void healthy(String notice, int pending, long dropped) {
        droppedAtLastHealthy = dropped;
        if (health.ok() && Objects.equals(health.message(), notice)) {
            return;
        }
        publish(new StoreHealth(StoreHealth.Status.OK, notice, pending, dropped, options.clock().instant()));
        LOG.info("Call history is being saved again ({})", file);
    }

    /** Writing failed with {@code e}; {@code waiting} events wait in memory. */
    void failing(Exception e, int waiting, long dropped) {
        String message = describe(e) + " " + pendingText(waiting, dropped);
        if (!message.equals(health.message())) {
            StoreHealth.Status before = health.status();
            // Waiting events are only late; dropped ones are lost, which is a failure.
            StoreHealth.Status status = dropped > droppedAtLastHealthy ? StoreHealth.Status.FAILED
                    : StoreHealth.Status.DEGRADED;
            publish(new StoreHealth(status, message, waiting, dropped,
                    before == status ? health.since() : options.clock().instant()));
            if (before == StoreHealth.Status.OK) {
                LOG.warn("{}", message, e);
            }
        }
    }

    /** The writer loop itself failed (an Error, a bug) and is restarting. */
    void writerFailed(Throwable fatal, int waiting, long dropped) {
        publish(new StoreHealth(StoreHealth.Status.FAILED, "Call history is not being saved: the writer failed ("
                + fatal + ") and is restarting. " + pendingText(waiting, dropped), waiting,
                dropped, options.clock().instant()));
    }

    private String pendingText(int waiting, long lost) {
        String text = String.format("%,d events are waiting in memory and will be written as soon as that is fixed.",
                waiting);
        return lost == 0 ? text : text + String.format(
                " %,d of the oldest events were dropped because the waiting buffer (%,d) is full.",
                lost, options.bufferCapacity());
    }

    private String describe(Exception e) {
        String where = " (" + file + ")";
        if (e instanceof Schema.NewerSchemaException) {
            return "Call history is not being saved: " + e.getMessage() + where + ".";
        }
        if (e instanceof HistoryFile.HistoryInUseException) {
            return "Call history is not being saved: another Switchboard is using the same history (" + dir
                    + "); this one saves once that one stops.";
        }
        if (e instanceof IOException) {
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("No space left")) {
                return "Call history is not being saved: the disk is full (" + dir + ").";
            }
            return "Call history is not being saved: the data folder is read-only or cannot be written (" + dir + "): "
                    + e.getClass().getSimpleName() + " " + reason + ".";
        }
        SQLiteErrorCode code = HistoryFile.code(e);
        if (code == SQLiteErrorCode.SQLITE_FULL) {
            return "Call history is not being saved: the disk is full" + where + ".";
        }
        if (code == SQLiteErrorCode.SQLITE_BUSY || code == SQLiteErrorCode.SQLITE_LOCKED) {
            return "Call history is not being saved: the history file is locked by another program" + where + ".";
        }
        if (code == SQLiteErrorCode.SQLITE_READONLY || code == SQLiteErrorCode.SQLITE_CANTOPEN
                || code == SQLiteErrorCode.SQLITE_PERM || code == SQLiteErrorCode.SQLITE_AUTH) {
            return "Call history is not being saved: the history file or its folder is read-only or cannot be opened"
                    + where + ".";
        }
        if (code == SQLiteErrorCode.SQLITE_CORRUPT || code == SQLiteErrorCode.SQLITE_NOTADB) {
            return "Call history is not being saved: the history file is damaged" + where + ".";
        }
        if (code == SQLiteErrorCode.SQLITE_IOERR) {
            return "Call history is not being saved: the disk reports an error" + where + ": " + e.getMessage() + ".";
        }
        return "Call history is not being saved" + where + ": " + e.getMessage() + ".";
    }

    private void publish(StoreHealth next) {
        health = next;
        for (Consumer<StoreHealth> l : healthListeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("Store health listener failed", e);
            }
        }
    }
}
