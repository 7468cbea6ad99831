package app.switchboard.bench;

import app.switchboard.concurrent.Threads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The minimal store of {@link FloorRelay} {@code --floor-store} (issue 10's floor, not a
 * product): a row per utterance in SQLite (WAL, synchronous NORMAL, as the product's store),
 * written by one thread that commits whatever has queued up since its last commit in one
 * transaction, never on a socket or model thread.
 */
final class FloorStore implements AutoCloseable {
    private record Row(String callSid, String prompt, String reply, long atMillis) {
    }

    private static final Row STOP = new Row(null, null, null, 0);
    final Path file;
    private final BlockingQueue<Row> queue = new LinkedBlockingQueue<>();
    private final Connection db;
    private final Thread writer;

    FloorStore(Path file) throws Exception {
        this.file = file;
        Files.createDirectories(file.getParent());
        db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("CREATE TABLE IF NOT EXISTS utterances (id INTEGER PRIMARY KEY, call_sid TEXT NOT NULL, "
                    + "prompt TEXT NOT NULL, reply TEXT NOT NULL, at_ms INTEGER NOT NULL)");
        }
        db.setAutoCommit(false);
        writer = Threads.named("floor-store").newThread(this::write);
        writer.start();
    }

    void add(String callSid, String prompt, String reply) {
        queue.add(new Row(callSid, prompt, reply, System.currentTimeMillis()));
    }

    private void write() {
        List<Row> batch = new ArrayList<>();
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO utterances (call_sid, prompt, reply, at_ms) VALUES (?, ?, ?, ?)")) {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                boolean stop = batch.removeIf(r -> r == STOP);
                for (Row r : batch) {
                    insert.setString(1, r.callSid());
                    insert.setString(2, r.prompt());
                    insert.setString(3, r.reply());
                    insert.setLong(4, r.atMillis());
                    insert.executeUpdate();
                }
                db.commit();
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (Exception e) {
            error("utterance store failed: " + e);
        }
    }

    @Override
    public void close() {
        queue.add(STOP);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
            db.close();
        } catch (Exception e) {
            error("utterance store did not close: " + e);
        }
    }

    private static void error(String what) {
        // " ERROR " is what the bench counts in a relay's output.
        System.err.println(Instant.now() + " ERROR floor-relay " + what);
    }
}
