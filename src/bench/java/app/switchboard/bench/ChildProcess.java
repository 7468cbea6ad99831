package app.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM the benchmark starts (the relay, the model server): its output is read on daemon
 * threads so it never blocks on a full pipe, log lines at ERROR and WARN are counted, and it
 * can be measured from outside as an operator would: CPU from {@code /proc/PID/stat}, resident
 * memory from {@code /proc/PID/status}, live heap from {@code jcmd PID GC.run} then
 * {@code GC.heap_info}.
 */
final class ChildProcess implements AutoCloseable {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)([KMG])");
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) (kB)$");
    private static final long CLOCK_TICKS = clockTicks();

    final String name;
    final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger warnings = new AtomicInteger();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(Predicate<String> match, CompletableFuture<String> line) {
    }

    /** A child must not outlive the benchmark, even when it is killed or a test times out. */
    private final Thread reaper;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        reaper = new Thread(process::destroyForcibly, name + "-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        pump(process.getInputStream(), "out");
        pump(process.getErrorStream(), "err");
    }

    static ChildProcess start(String name, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return new ChildProcess(name, pb.start());
    }

    /** {@code java} of this JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void pump(InputStream in, String stream) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    onLine(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-" + stream);
        t.setDaemon(true);
        t.start();
    }

    private void onLine(String line) {
        if (lines.size() < 200) {
            lines.add(line);
        }
        if (line.contains(" ERROR ")) {
            errors.incrementAndGet();
            keepProblem(line);
        } else if (line.contains(" WARN ")) {
            warnings.incrementAndGet();
            keepProblem(line);
        }
        synchronized (waiters) {
            waiters.removeIf(w -> w.match().test(line) && w.line().complete(line));
        }
    }

    private void keepProblem(String line) {
        if (problems.size() < 20) {
            problems.add(line);
        }
    }

    /** Writes one line to the child's standard input. */
    void send(String line) throws IOException {
        var in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for the first line (from now on, or already seen) that matches. */
    String awaitLine(Pattern pattern, long seconds) throws Exception {
        CompletableFuture<String> found = new CompletableFuture<>();
        synchronized (waiters) {
            synchronized (lines) {
                for (String l : lines) {
                    if (pattern.matcher(l).find()) {
                        return l;
                    }
                }
            }
            waiters.add(new Waiter(l -> pattern.matcher(l).find(), found));
        }
        process.onExit().thenRun(() -> found.completeExceptionally(
                new IllegalStateException(name + " exited with " + process.exitValue() + ": " + output())));
        return found.get(seconds, TimeUnit.SECONDS);
    }

    static Matcher match(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("unexpected line: " + line);
        }
        return m;
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    int errorLines() {
        return errors.get();
    }

    int warningLines() {
        return warnings.get();
    }

    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** User plus system CPU time of the whole process so far, from {@code /proc/PID/stat}. */
    long cpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // Fields after the command name (which may contain spaces): state is the first, utime the 12th, stime the 13th.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 1_000_000_000L / CLOCK_TICKS;
    }

    /** The process's nice value now (field 19 of {@code /proc/PID/stat}). */
    int niceness() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    /**
     * User plus system CPU time so far of the process's JIT compiler threads ({@code C1/C2
     * CompilerThread*}, long-lived, so a reading at both ends of a window is exact). A relay a
     * few seconds old spends a third of its CPU compiling; a relay on a shift does not.
     */
    long jitCpuNanos() throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.contains("CompilerThre")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        return ticks * 1_000_000_000L / CLOCK_TICKS;
    }

    /** Live heap after a full GC, in bytes, as {@code jcmd} reports it. */
    long heapAfterFullGc() throws Exception {
        // One jcmd (a JVM start of its own) for both commands.
        Path commands = Files.createTempFile("bench-jcmd", ".txt");
        String info;
        try {
            Files.writeString(commands, "GC.run\nGC.heap_info\n");
            info = jcmd("-f", commands.toString());
        } finally {
            Files.deleteIfExists(commands);
        }
        return heapUsedBytes(info);
    }

    /**
     * The heap's {@code used} figure in what {@code jcmd -f} answered to {@code GC.heap_info}
     * (the first {@code used} after that command's name: the heap's line comes before
     * Metaspace's).
     */
    static long heapUsedBytes(String jcmdAnswer) {
        String info = jcmdAnswer.substring(Math.max(0, jcmdAnswer.indexOf("GC.heap_info")));
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in jcmd's answer: " + info);
        }
        return bytes(Long.parseLong(m.group(1)), m.group(2));
    }

    private static long bytes(long n, String unit) {
        return switch (unit) {
            case "K", "kB" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }

    /** Resident set size of the whole process now, from {@code /proc/PID/status}. */
    long rssBytes() throws IOException {
        return rssBytes(Files.readString(Path.of("/proc", Long.toString(process.pid()), "status")));
    }

    /** The {@code VmRSS} line of a {@code /proc/PID/status} text, in bytes. */
    static long rssBytes(String procStatus) {
        Matcher m = VM_RSS.matcher(procStatus);
        if (!m.find()) {
            throw new IllegalStateException("no VmRSS line in /proc/PID/status: " + procStatus);
        }
        return bytes(Long.parseLong(m.group(1)), m.group(2));
    }

    /** One class's line of a heap histogram: live instances and their bytes. */
    record ClassCount(long instances, long bytes) {
    }

    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** The live objects by class ({@code jcmd PID GC.class_histogram}, which runs a full GC first). */
    java.util.Map<String, ClassCount> classHistogram() throws Exception {
        return parseHistogram(jcmd("GC.class_histogram"));
    }

    /** Class name (without its module) → count, from {@code GC.class_histogram}'s answer. */
    static java.util.Map<String, ClassCount> parseHistogram(String answer) {
        java.util.Map<String, ClassCount> counts = new java.util.HashMap<>();
        for (String line : answer.split("\n")) {
            Matcher m = HISTOGRAM_LINE.matcher(line);
            if (m.find()) {
                counts.merge(m.group(3), new ClassCount(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                        (x, y) -> new ClassCount(x.instances() + y.instances(), x.bytes() + y.bytes()));
            }
        }
        return counts;
    }

    /**
     * The JVM option that starts JFR with the process, recording nothing. Give it to a process that
     * {@link #startRecording} will record: JFR's first recording instruments JDK classes and
     * throws away their compiled code, and when that first recording starts in the measured
     * window the window is spent recompiling (the relay's CPU per turn measured 2.5–3× its
     * unrecorded figure). Started at launch, that cost falls in the warm-up; the window's own
     * recording then holds the window's events only, since no event is enabled before it.
     */
    static String idleRecordingOption(Path dir) throws java.io.IOException {
        Path none = Files.createDirectories(dir).resolve("jfr-none.jfc");
        Files.writeString(none, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<configuration version=\"2.0\" label=\"none\" description=\"no events\"></configuration>\n");
        return "-XX:StartFlightRecording:name=idle,settings=" + none.toAbsolutePath();
    }

    /**
     * Starts a JFR recording of this process: the measured window only. The {@code profile} settings
     * sample every 10 ms, too coarse for a few seconds' window; {@code -Dbench.jfr.settings=FILE.jfc}
     * names finer ones.
     */
    void startRecording(Path file) throws Exception {
        jcmd("JFR.start", "name=bench", "settings=" + System.getProperty("bench.jfr.settings", "profile"),
                "filename=" + file.toAbsolutePath());
    }

    /** Stops the recording {@link #startRecording} started and writes it to its file. */
    void stopRecording() throws Exception {
        jcmd("JFR.stop", "name=bench");
    }

    private String jcmd(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100; // Linux's USER_HZ everywhere it matters
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
