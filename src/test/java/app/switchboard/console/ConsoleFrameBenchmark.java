package app.switchboard.console;

import app.switchboard.call.EventKind;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * Frame interval of the console under load: N calls whose agent (the offline responder) streams
 * answers continuously, every caller asking again every couple of seconds. Prints the
 * pulse-to-pulse interval and the per-pulse work (draining and applying events) percentiles.
 *
 * <p>Not a test (timings do not belong in tests). Run under a display, see docs/console.md:
 * {@code java -cp … app.switchboard.console.ConsoleFrameBenchmark 200 30 20}
 * (calls, tokens per second per call, measured seconds).
 */
public final class ConsoleFrameBenchmark {

    private static final String[] QUESTIONS = {
            "I have a question about the charge on my bill",
            "What are your opening hours on Saturday",
            "Can you tell me more about my account please",
            "Why is my invoice higher this month"};

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        double tokensPerSecond = args.length > 1 ? Double.parseDouble(args[1]) : 30;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;

        ScriptedCallers callers = new ScriptedCallers(tokensPerSecond);
        AtomicLong events = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        callers.registry.subscribe(e -> {
            events.incrementAndGet();
            if (e.kind() == EventKind.AGENT_TOKEN) {
                tokens.incrementAndGet();
            }
        });
        CompletableFuture<ConsoleWindow> shown = new CompletableFuture<>();
        Platform.startup(() -> {
            try {
                AppDirectories dirs = AppDirectories.under(Files.createTempDirectory("switchboard-bench"));
                shown.complete(ConsoleWindow.show(new Stage(), new ConsoleContext(callers.registry, new Settings(),
                        dirs, Secrets.from(Map.of()), "benchmark", () -> { })));
            } catch (Exception e) {
                shown.completeExceptionally(e);
            }
        });
        ConsoleWindow window = shown.get(30, TimeUnit.SECONDS);

        for (int i = 0; i < calls; i++) {
            String sid = String.format(Locale.ROOT, "CA%032d", i);
            callers.connect(sid, String.format(Locale.ROOT, "+1555%07d", i));
            int n = i;
            // Each caller asks again every 2.5 s (staggered): answers stream without pause.
            callers.clock().scheduleAtFixedRate(() -> callers.send(sid, new InboundMessage.Prompt(
                    QUESTIONS[n % QUESTIONS.length], "en-US", true)), (n * 37L) % 2500, 2500, TimeUnit.MILLISECONDS);
        }

        Thread.sleep(5000); // warm-up: JIT, all calls streaming
        Platform.runLater(() -> window.frames().reset());
        long events0 = events.get();
        long tokens0 = tokens.get();
        Thread.sleep(seconds * 1000L);
        long eventsPerSecond = (events.get() - events0) / seconds;
        long tokensPerSec = (tokens.get() - tokens0) / seconds;
        CompletableFuture<String> report = new CompletableFuture<>();
        Platform.runLater(() -> {
            FrameTimes f = window.frames();
            report.complete(String.format(Locale.ROOT,
                    "calls=%d tokens/s/call=%.0f measured=%ds frames=%d events/s=%d agent tokens/s=%d backlog=%d%n"
                            + "frame interval ms: p50=%.2f p90=%.2f p99=%.2f max=%.2f%n"
                            + "work per pulse ms (wall): p50=%.2f p90=%.2f p99=%.2f max=%.2f%n"
                            + "work per pulse ms (FX thread CPU): p50=%.2f p90=%.2f p99=%.2f max=%.2f%n"
                            + "load average (1 min) at the end: %.2f on %d CPUs",
                    calls, tokensPerSecond, seconds, f.frames(), eventsPerSecond, tokensPerSec, window.pump().backlog(),
                    f.intervalMs(50), f.intervalMs(90), f.intervalMs(99), f.intervalMs(100),
                    f.workMs(50), f.workMs(90), f.workMs(99), f.workMs(100),
                    f.cpuMs(50), f.cpuMs(90), f.cpuMs(99), f.cpuMs(100),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors()));
        });
        System.out.println(report.get(10, TimeUnit.SECONDS));
        Platform.runLater(() -> window.stage().close());
        callers.close();
        Platform.exit();
        System.exit(0);
    }
}
