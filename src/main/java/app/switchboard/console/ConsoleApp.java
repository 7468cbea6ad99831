package app.switchboard.console;

import app.switchboard.console.shared.Browser;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The operator console as a JavaFX application. The launcher (which does not extend
 * {@code Application}, so the jar runs from the class path) calls {@link #launch(ConsoleContext)}.
 */
public final class ConsoleApp extends Application {

    private static final AtomicReference<ConsoleContext> PENDING = new AtomicReference<>();
    private static volatile boolean keepRelayRunning;
    private ConsoleWindow window;

    /** After {@link #launch} returned: the supervisor closed the window but chose to keep the live calls running. */
    public static boolean keepRelayRunning() {
        return keepRelayRunning;
    }

    /**
     * Opens the console and blocks until its window closes; {@code context.onClose()} has run
     * by then. JavaFX allows this once per JVM.
     */
    public static void launch(ConsoleContext context) {
        Objects.requireNonNull(context, "context");
        if (!PENDING.compareAndSet(null, context)) {
            throw new IllegalStateException("The console was already launched in this JVM");
        }
        Application.launch(ConsoleApp.class);
    }

    @Override
    public void start(Stage stage) {
        ConsoleContext context = PENDING.get();
        if (context == null) {
            throw new IllegalStateException("Start the console with ConsoleApp.launch(ConsoleContext)");
        }
        Platform.setImplicitExit(true);
        Browser.attach(getHostServices());
        window = ConsoleWindow.show(stage, context);
    }

    @Override
    public void stop() {
        if (window != null) {
            keepRelayRunning = window.keepsRelayRunning();
            window.close();
        }
    }
}
