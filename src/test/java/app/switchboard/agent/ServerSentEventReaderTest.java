package app.switchboard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The byte-level event reader answers as the line reader it replaced did, however the bytes arrive. */
@Timeout(30)
class ServerSentEventReaderTest {

    private static final List<String> STREAMS = List.of(
            "data: {\"a\":1}\n\ndata: {\"b\":\"é ü 日本 🙂\"}\n\ndata: [DONE]\n\n",
            "data: {\"a\":1}\r\n\r\ndata: two\r\n\r\n",
            "data: cr\r\rdata: only\r\r",
            "data:no-space\n\ndata:  two spaces\n\n",
            "event: error\ndata: {\"error\":\"x\"}\n\n",
            "data: first\ndata: second\n\n",
            ": keep-alive\nid: 7\nretry: 100\ndata: kept\n\n",
            "data:\n\ndata: after an empty one\n\n",
            "event: named\n\ndata: unnamed\n\n",
            "data: cut off at the end",
            "data: one\n\ndata: no blank line after\n",
            "\n\n\ndata: x\n\n\n",
            "data: " + "long ".repeat(5000) + "\n\n");

    @Test
    void everyStreamGivesTheEventsTheLineReaderGave() throws IOException {
        Random random = new Random(42);
        for (String stream : STREAMS) {
            List<String> expected = lineReader(stream);
            assertThat(read(new ByteArrayInputStream(bytes(stream)))).as(stream).isEqualTo(expected);
            for (int round = 0; round < 20; round++) {
                assertThat(read(new Trickle(bytes(stream), random))).as("in small pieces: " + stream).isEqualTo(expected);
            }
        }
    }

    @Test
    void aCrLfSplitAcrossTwoReadsIsOneLineEnd() throws IOException {
        InputStream oneByteAtATime = new Trickle(bytes("data: a\r\n\r\ndata: b\r\n\r\n"), null);
        assertThat(read(oneByteAtATime)).containsExactly("null|a", "null|b");
    }

    @Test
    void theHandlerStopsTheReading() throws IOException {
        List<String> seen = new ArrayList<>();
        new ServerSentEventReader(new ByteArrayInputStream(bytes("data: 1\n\ndata: [DONE]\n\ndata: 3\n\n")))
                .read((event, data, length) -> {
                    String text = new String(data, 0, length, StandardCharsets.UTF_8);
                    seen.add(text);
                    return text.equals("[DONE]");
                }, () -> false);
        assertThat(seen).containsExactly("1", "[DONE]");
    }

    @Test
    void aCancelledReadStopsBeforeTheNextEvent() throws IOException {
        List<String> seen = new ArrayList<>();
        boolean[] cancelled = {false};
        new ServerSentEventReader(new ByteArrayInputStream(bytes("data: 1\n\ndata: 2\n\n")))
                .read((event, data, length) -> {
                    seen.add(new String(data, 0, length, StandardCharsets.UTF_8));
                    cancelled[0] = true;
                    return false;
                }, () -> cancelled[0]);
        assertThat(seen).containsExactly("1");
    }

    private static List<String> read(InputStream in) throws IOException {
        List<String> events = new ArrayList<>();
        new ServerSentEventReader(in).read((event, data, length) -> {
            events.add(event + "|" + new String(data, 0, length, StandardCharsets.UTF_8));
            return false;
        }, () -> false);
        return events;
    }

    /** The loop ChatStream used before: BufferedReader.readLine, data lines joined with LF. */
    private static List<String> lineReader(String stream) throws IOException {
        List<String> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new StringReader(stream))) {
            StringBuilder data = new StringBuilder();
            String event = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(event + "|" + data);
                    }
                    data.setLength(0);
                    event = null;
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line, line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5, line.length());
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                }
            }
        }
        return events;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Hands out a few bytes per read (one at a time without a random), splitting lines and characters anywhere. */
    private static final class Trickle extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private int at;

        Trickle(byte[] bytes, Random random) {
            this.bytes = bytes;
            this.random = random;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, bytes.length - at), random == null ? 1 : 1 + random.nextInt(7));
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }
}
