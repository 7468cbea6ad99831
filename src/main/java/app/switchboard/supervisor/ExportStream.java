package app.switchboard.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An export file on its way to a console: read a chunk per write by the connection's writer, so
 * the file streams at the pace the console reads, and deleted when sent or when the console leaves.
 */
final class ExportStream {

    private static final Logger LOG = LoggerFactory.getLogger(ExportStream.class);

    private final String requestId;
    private final Path file;
    private final long events;
    private final int chunkBytes;
    private final InputStream in;
    private final long size;
    private long sent;
    private int index;
    private boolean done;

    ExportStream(String requestId, Path file, long events, int chunkBytes) throws IOException {
        this.requestId = requestId;
        this.file = file;
        this.events = events;
        this.chunkBytes = chunkBytes;
        this.size = Files.size(file);
        this.in = Files.newInputStream(file);
    }

    /** The next {@code exportChunk} message; an empty file is one empty last chunk. */
    String next() {
        try {
            byte[] bytes = in.readNBytes((int) Math.min(chunkBytes, size - sent));
            sent += bytes.length;
            done = sent >= size || bytes.length == 0;
            return SupervisorCodec.encode(new SupervisorMessage.ExportChunk(requestId, index++,
                    Base64.getEncoder().encodeToString(bytes), done, events));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean done() {
        return done;
    }

    void close() {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("Closing the export file failed", e);
        }
        deleteQuietly(file);
    }

    static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debug("Could not delete the export file {}", file, e);
            }
        }
    }
}
