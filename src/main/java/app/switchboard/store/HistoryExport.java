package app.switchboard.store;

import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.call.EventPayloadJson;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;

/**
 * Streams calls and their events to a JSON or CSV file: one event in memory at a time, the
 * file written beside the target and moved into place at the end, so a failed or cancelled
 * export leaves no half file.
 */
final class HistoryExport {

    private static final int PROGRESS_EVERY = 256;
    /** A phone number or plain number: safe in a spreadsheet even with a leading + or -. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?[0-9][0-9 ().-]*");

    private HistoryExport() {
    }

    static long write(Connection db, List<CallRecord> calls, ExportFormat format, Path target, ExportProgress progress) {
        long total = 0;
        for (CallRecord c : calls) {
            total += c.eventCount();
        }
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
            long done;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                done = format == ExportFormat.JSON
                        ? json(db, calls, out, total, progress)
                        : csv(db, calls, out, total, progress);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            progress.progress(done, total);
            return done;
        } catch (IOException | UncheckedIOException e) {
            throw new StoreException("The export to " + target + " failed: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new StoreException("The export could not read the call history: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the part file stays behind; it is named .part
                }
            }
        }
    }

    /** Counts exported events, reports progress, and stops when the thread is interrupted. */
    private static final class Counter {
        final long total;
        final ExportProgress progress;
        long done;

        Counter(long total, ExportProgress progress) {
            this.total = total;
            this.progress = progress;
        }

        void one() {
            done++;
            if (done % PROGRESS_EVERY == 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("export cancelled");
                }
                progress.progress(done, total);
            }
        }
    }

    private static long json(Connection db, List<CallRecord> calls, OutputStream out, long total, ExportProgress progress)
            throws IOException, SQLException {
        Counter counter = new Counter(total, progress);
        try (JsonGenerator g = EventJson.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", "switchboard-history");
            g.writeNumberField("version", 1);
            g.writeNumberField("calls", calls.size());
            g.writeArrayFieldStart("history");
            for (CallRecord c : calls) {
                g.writeStartObject();
                g.writeStringField("callId", c.callId());
                g.writeStringField("callSid", c.callSid());
                g.writeStringField("from", c.from());
                g.writeStringField("to", c.to());
                g.writeStringField("startedAt", String.valueOf(c.startedAt()));
                g.writeStringField("endedAt", c.endedAt() == null ? null : c.endedAt().toString());
                g.writeStringField("endReason", c.endReason());
                g.writeStringField("language", c.language());
                g.writeNumberField("turns", c.turns());
                g.writeNumberField("interruptions", c.interruptions());
                g.writeObjectField("sessionIds", c.sessionIds());
                g.writeObjectField("attention", c.attention());
                g.writeArrayFieldStart("events");
                try {
                    HistoryReader.forEachEvent(db, c.callId(), e -> {
                        try {
                            g.writeStartObject();
                            g.writeNumberField("seq", e.seq());
                            g.writeStringField("time", e.time().toString());
                            g.writeStringField("kind", e.kind().name());
                            g.writeFieldName("fields");
                            EventPayloadJson.write(g, e.payload());
                            g.writeEndObject();
                        } catch (IOException io) {
                            throw new UncheckedIOException(io);
                        }
                        counter.one();
                    });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return counter.done;
    }

    private static long csv(Connection db, List<CallRecord> calls, OutputStream out, long total, ExportProgress progress)
            throws IOException, SQLException {
        Counter counter = new Counter(total, progress);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        // A byte order mark so spreadsheet programs read the file as UTF-8 (accents, other scripts).
        w.write('\uFEFF');
        row(w, "call_id", "from", "to", "call_started", "seq", "time", "kind", "speaker", "text", "fields");
        for (CallRecord c : calls) {
            try {
                HistoryReader.forEachEvent(db, c.callId(), e -> {
                    String[] said = CallRow.said(e);
                    try {
                        row(w, c.callId(), c.from(), c.to(), String.valueOf(c.startedAt()), Long.toString(e.seq()),
                                e.time().toString(), e.kind().name(), said == null ? "" : said[0],
                                said == null ? "" : said[1], EventPayloadJson.encode(e.payload()));
                    } catch (IOException io) {
                        throw new UncheckedIOException(io);
                    }
                    counter.one();
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        w.flush();
        return counter.done;
    }

    private static void row(Writer w, String... cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(cell(cells[i]));
        }
        w.write("\r\n");
    }

    /** RFC 4180 quoting; a cell a spreadsheet would run as a formula gets a leading apostrophe. */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 && !NUMBER.matcher(v).matches()) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

}
