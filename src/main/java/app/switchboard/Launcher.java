package app.switchboard;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;

/**
 * The entry point of the jar and the installed app. It does not extend JavaFX's Application,
 * so the app runs from the class path on a plain JDK and the console is started only when asked.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        routeJavaUtilLoggingToSlf4j();
        int code = SwitchboardCommand.commandLine().execute(args);
        if (code != 0 || SwitchboardCommand.exitWhenDone()) {
            System.exit(code);
        }
    }

    /**
     * JavaFX (and anything else on java.util.logging) logs through JUL, whose default console
     * handler would print to stderr only, never to the log file. This replaces the JUL root
     * logger's handlers with SLF4J's bridge. It must run before the console starts; it does not
     * initialise Logback (that happens at the first record), so the log folder that the command
     * sets afterwards still applies.
     */
    static void routeJavaUtilLoggingToSlf4j() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
