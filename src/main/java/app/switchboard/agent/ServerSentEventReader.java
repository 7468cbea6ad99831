package app.switchboard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The {@code text/event-stream} of a streaming answer, read as bytes: each event's data goes to
 * the handler as the bytes it arrived in, for Jackson to parse without a decoded copy. A
 * {@code BufferedReader} over an {@code InputStreamReader} decoded every chunk to a line, then
 * a joined string, then parsed that; its {@code readLine} was also the relay's one method the
 * JIT kept recompiling, for as long as the relay ran, because its reader sees every kind of
 * stream in the process.
 *
 * <p>As the SSE format has it: lines end in LF, CRLF or CR; {@code data:} lines of one event are
 * joined by LF (one space after the colon dropped); an empty line ends the event; {@code event:}
 * names it; comments, {@code id:} and {@code retry:} are skipped; an event cut off by the end of
 * the stream is dropped. An event whose data is empty is skipped.
 */
final class ServerSentEventReader {

    /** One event; returns true to stop reading. {@code event} is null when the event had no name. */
    interface Handler {
        boolean onEvent(String event, byte[] data, int length) throws IOException;
    }

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LF = {'\n'};

    private final InputStream in;
    private byte[] buffer = new byte[8192];
    private int start;
    private int end;
    /** The last line ended in CR: an LF right after it belongs to that line end. */
    private boolean afterCr;
    private byte[] data = new byte[1024];
    private int dataLength;
    private String event;

    ServerSentEventReader(InputStream in) {
        this.in = in;
    }

    /** Reads events until the stream ends, the handler says stop, or {@code cancelled} is true. */
    void read(Handler handler, BooleanSupplier cancelled) throws IOException {
        while (!cancelled.getAsBoolean()) {
            int lineEnd = lineEnd();
            if (lineEnd < 0) {
                if (!fill()) {
                    return; // the stream ended; a last event without its empty line is not complete
                }
                continue;
            }
            int lineStart = start;
            start = lineEnd + 1;
            afterCr = buffer[lineEnd] == '\r';
            if (line(lineStart, lineEnd, handler)) {
                return;
            }
        }
    }

    /** The index of the next line's terminator in the buffer, or -1 when the line is not complete. */
    private int lineEnd() {
        if (afterCr && start < end) {
            afterCr = false;
            if (buffer[start] == '\n') {
                start++;
            }
        }
        for (int i = start; i < end; i++) {
            byte b = buffer[i];
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** Reads more of the stream behind what is buffered; false at its end. */
    private boolean fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    private boolean line(int from, int to, Handler handler) throws IOException {
        if (from == to) {
            boolean stop = dataLength > 0 && handler.onEvent(event, data, dataLength);
            dataLength = 0;
            event = null;
            return stop;
        }
        if (startsWith(from, to, DATA)) {
            int value = from + DATA.length;
            if (value < to && buffer[value] == ' ') {
                value++;
            }
            if (dataLength > 0) {
                append(LF, 0, 1);
            }
            append(buffer, value, to - value);
        } else if (startsWith(from, to, EVENT)) {
            event = new String(buffer, from + EVENT.length, to - from - EVENT.length, StandardCharsets.UTF_8).trim();
        }
        return false;
    }

    private boolean startsWith(int from, int to, byte[] prefix) {
        return to - from >= prefix.length && Arrays.equals(buffer, from, from + prefix.length, prefix, 0, prefix.length);
    }

    private void append(byte[] bytes, int from, int length) {
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + length));
        }
        System.arraycopy(bytes, from, data, dataLength, length);
        dataLength += length;
    }
}
