package app.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** The launcher's JUL bridge: records logged through java.util.logging (as JavaFX does) reach Logback. */
class LauncherLoggingTest {

    private static final String LOGGER = "javafx.scene.test";

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger logbackLogger;
    private Handler[] rootHandlersBefore;

    @BeforeEach
    void attachAppender() {
        rootHandlersBefore = LogManager.getLogManager().getLogger("").getHandlers();
        logbackLogger = (Logger) LoggerFactory.getLogger(LOGGER);
        appender.start();
        logbackLogger.addAppender(appender);
    }

    @AfterEach
    void restoreJul() {
        logbackLogger.detachAppender(appender);
        SLF4JBridgeHandler.uninstall();
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        Arrays.stream(root.getHandlers()).forEach(root::removeHandler);
        Arrays.stream(rootHandlersBefore).forEach(root::addHandler);
    }

    @Test
    void julRecordReachesLogbackAfterTheLauncherInstallsTheBridge() {
        Launcher.routeJavaUtilLoggingToSlf4j();

        java.util.logging.Logger.getLogger(LOGGER).warning("CSS error parsing styles/console.css");

        List<ILoggingEvent> events = appender.list;
        assertEquals(1, events.size(), () -> "events: " + events);
        assertEquals("CSS error parsing styles/console.css", events.get(0).getFormattedMessage());
        assertEquals(ch.qos.logback.classic.Level.WARN, events.get(0).getLevel());
    }

    @Test
    void julRootKeepsOnlyTheBridgeSoNothingIsPrintedTwice() {
        Launcher.routeJavaUtilLoggingToSlf4j();

        Handler[] handlers = LogManager.getLogManager().getLogger("").getHandlers();
        assertEquals(1, handlers.length, () -> "handlers: " + Arrays.toString(handlers));
        assertTrue(handlers[0] instanceof SLF4JBridgeHandler, () -> "handler: " + handlers[0]);
    }
}
