package app.switchboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process's output, read line by line with a deadline. A plain {@code readLine} on the
 * pipe blocks forever (and ignores interrupts) when the child hangs without printing; here a
 * daemon thread drains the pipe into a queue, so the child never blocks on a full pipe either.
 */
public final class ProcessLines {

    private static final String END = new String("<end of output>");

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ProcessLines(InputStream in, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException | UncheckedIOException e) {
                // the child was killed: its output ends here
            } finally {
                lines.add(END);
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
    }

    public static ProcessLines of(Process process) {
        return new ProcessLines(process.getInputStream(), "child-stdout-" + process.pid());
    }

    /**
     * The next line, or null when the output ended.
     *
     * @throws AssertionError when no line comes within {@code timeout}
     */
    public String next(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("no output line within " + timeout + "; so far:\n" + String.join("\n", seen));
        }
        if (line == END) {
            lines.add(END); // stays ended for later calls
            return null;
        }
        seen.add(line);
        return line;
    }

    /** The lines returned so far, for failure messages. */
    public List<String> seen() {
        return List.copyOf(seen);
    }
}
