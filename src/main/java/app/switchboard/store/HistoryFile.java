package app.switchboard.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The history file the writer holds: the lock that keeps a second Switchboard out, the
 * connection (WAL, the chosen sync level, the schema migrated), the bounded integrity check at
 * start, a damaged file moved aside for a fresh one, and a new file when the old one was deleted
 * while in use. Also how SQLite failures are told apart. Writer thread only, except
 * {@link #writing()}, which the checkpointer reads.
 */
final class HistoryFile {

    // Logged under EventStore: the name the log has always shown for the history.
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Path file;
    private final EventStore.Options options;
    private final EventLog log;
    private volatile boolean writing; // the writer holds the lock and has the file open
    private Connection db;
    private FileChannel lockChannel;
    private FileLock lock;
    private boolean suspectDamage;
    private boolean checkedAtStart;
    private String notice;
    private long lastExistsCheckNanos;

    /** {@code log} is told when a connection opens and when it goes (its state belongs to one file). */
    HistoryFile(Path dir, Path file, EventStore.Options options, EventLog log) {
        this.dir = dir;
        this.file = file;
        this.options = options;
        this.log = log;
    }

    /** The open connection, or null. */
    Connection db() {
        return db;
    }

    boolean writing() {
        return writing;
    }

    /** What the console should still be told while all is well (a damaged file kept aside), or null. */
    String notice() {
        return notice;
    }

    /** A damage error was seen: the next open checks the whole file. */
    void suspectDamage() {
        suspectDamage = true;
    }

    /** Forgets a connection whose close failed; the writer starts again from a fresh one. */
    void abandon() {
        db = null;
    }

    /** Takes the lock and opens the file (a damaged one moved aside first); nothing if already open. */
    void open() throws SQLException, IOException {
        if (db != null) {
            return;
        }
        Files.createDirectories(dir);
        holdLock();
        try {
            db = openWriter();
        } catch (SQLException e) {
            if (!damaged(e)) {
                throw e;
            }
            moveAsideDamaged(e);
            db = openWriter();
        }
        writing = true;
    }

    /**
     * Only one store writes a history at a time: another's recovery would end this one's live
     * calls as crashed, and its ids would collide. The OS drops the lock when a process dies.
     */
    private void holdLock() throws IOException {
        if (lock != null) {
            return;
        }
        FileChannel channel = FileChannel.open(dir.resolve(EventStore.LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = null;
        try {
            held = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            // another store in this JVM holds it
        } finally {
            if (held == null) {
                channel.close();
            }
        }
        if (held == null) {
            throw new HistoryInUseException();
        }
        lockChannel = channel;
        lock = held;
    }

    void releaseLock() {
        if (lockChannel != null) {
            try {
                lockChannel.close(); // releases the lock
            } catch (IOException ignored) {
                // the OS releases it with the process anyway
            }
            lockChannel = null;
            lock = null;
        }
    }

    static final class HistoryInUseException extends IOException {
        HistoryInUseException() {
            super("another Switchboard is using this call history");
        }
    }

    private Connection openWriter() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        // sqlite-jdbc otherwise runs "SELECT last_insert_rowid()" after every insert for
        // getGeneratedKeys(), which nothing here calls: a third of the writer's CPU per event.
        config.setGetGeneratedKeys(false);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = r.next() ? r.getString(1) : "";
                if (!"wal".equalsIgnoreCase(mode)) {
                    LOG.warn("SQLite kept journal mode {} for {}", mode, file);
                }
            }
            s.execute("PRAGMA synchronous = " + (options.syncFull() ? "FULL" : "NORMAL"));
            if (suspectDamage || !checkedAtStart) {
                quickCheck(s, suspectDamage ? null : options.integrityCheckLimit());
                suspectDamage = false;
                checkedAtStart = true;
            }
            Schema.migrate(c);
            log.opened(c);
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * SQLite's {@code quick_check}: finds damaged pages that nothing has read yet (a file damaged
     * between runs would otherwise be written to, and break later). At start it is bounded by
     * {@code limit} (interrupted past it: a huge history starts on time, unchecked, said in the
     * log); after a damage error it runs to the end.
     */
    private void quickCheck(Statement s, Duration limit) throws SQLException {
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        if (limit != null) {
            // Not on the store's own executors: the store may be closing while it opens.
            CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!finished.get()) {
                    timedOut.set(true);
                    try {
                        s.cancel();
                    } catch (SQLException ignored) {
                        // the check ends by itself
                    }
                }
            });
        }
        long started = System.nanoTime();
        try (ResultSet r = s.executeQuery("PRAGMA quick_check")) {
            String result = r.next() ? r.getString(1) : "";
            if (!"ok".equalsIgnoreCase(result)) {
                throw new SQLiteException("quick_check: " + result, SQLiteErrorCode.SQLITE_CORRUPT);
            }
            LOG.debug("History integrity check passed in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException e) {
            if (timedOut.get() && code(e) == SQLiteErrorCode.SQLITE_INTERRUPT) {
                LOG.warn("History integrity check stopped after {} ms (a large file); continuing unchecked", limit.toMillis());
                return;
            }
            throw e;
        } finally {
            finished.set(true);
        }
    }

    /**
     * Keeps a damaged file (and its WAL) under a new name, so nothing in it is lost for a later
     * repair, and lets a fresh file take its place.
     */
    private void moveAsideDamaged(SQLException cause) throws IOException {
        String base = "switchboard-damaged-" + STAMP.format(options.clock().instant()) + ".db";
        Path moved = dir.resolve(base);
        Files.move(file, moved, StandardCopyOption.ATOMIC_MOVE);
        for (String suffix : List.of("-wal", "-shm")) {
            Path side = dir.resolve(EventStore.FILE_NAME + suffix);
            if (Files.exists(side)) {
                Files.move(side, dir.resolve(base + suffix), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        log.forgetRows();
        notice = "The call history file was damaged (" + cause.getMessage() + "). It was kept as " + moved
                + " and a new history file was started.";
        LOG.error(notice);
    }

    /**
     * Someone deleted the history while the app runs (the README says to quit first): SQLite
     * would go on writing into the deleted file and lose it all on close. Start a new file.
     */
    void reopenIfDeleted() {
        long now = System.nanoTime();
        if (db == null || now - lastExistsCheckNanos < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastExistsCheckNanos = now;
        if (!Files.exists(file)) {
            LOG.warn("The call history file {} was deleted while in use; starting a new one", file);
            disconnect();
        }
    }

    /** The primary result code of a SQLite failure, or null for other failures. */
    static SQLiteErrorCode code(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s) {
                return SQLiteErrorCode.getErrorCode(s.getResultCode().code & 0xff);
            }
        }
        return null;
    }

    static boolean busy(Exception e) {
        SQLiteErrorCode c = code(e);
        return c == SQLiteErrorCode.SQLITE_BUSY || c == SQLiteErrorCode.SQLITE_LOCKED;
    }

    static boolean damaged(Exception e) {
        SQLiteErrorCode c = code(e);
        return c == SQLiteErrorCode.SQLITE_CORRUPT || c == SQLiteErrorCode.SQLITE_NOTADB;
    }

    /** Closes the connection (if any); the lock stays held. */
    void disconnect() {
        writing = false;
        if (db != null) {
            closeQuietly(db);
            db = null;
        }
        log.forgetRows();
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection: nothing left to save
        }
    }
}
