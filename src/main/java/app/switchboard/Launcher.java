package app.switchboard;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The entry point of the jar and the installed app. It does not extend JavaFX's Application,
 * so the app runs from the class path on a plain JDK and the console is started only when asked.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        giveTheCommonPoolRealThreads();
        useTheJdksXmlFactories();
        routeJavaUtilLoggingToSlf4j();
        int code = SwitchboardCommand.commandLine().execute(args);
        if (code != 0 || SwitchboardCommand.exitWhenDone()) {
            System.exit(code);
        }
    }

    /**
     * openai-java chains every streaming request with {@code thenComposeAsync} on the common
     * fork-join pool. On one or two cores the JDK sizes that pool at one thread or less and then
     * runs each such task on a brand-new thread: a thread started and torn down per model request
     * (1,062 of them in a 1,000-turn benchmark). Two workers make it a pool again. It must be set
     * before anything touches {@code ForkJoinPool}; an explicit setting by the user wins.
     */
    static void giveTheCommonPoolRealThreads() {
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(commonPoolParallelism(Runtime.getRuntime().availableProcessors())));
        }
    }

    /**
     * The twilio SDK's {@code TwiML.toXml()} asks JAXP for a new DOM builder factory and a new
     * transformer factory on every call, and without these properties each lookup scans every jar
     * on the class path for a service file before falling back to the JDK's own: half the CPU of
     * answering {@code /twiml}. Naming the JDK's implementations (the ones the lookup ends with,
     * as no jar here provides another) skips the scan. A user's own setting wins.
     */
    static void useTheJdksXmlFactories() {
        System.getProperties().putIfAbsent("javax.xml.parsers.DocumentBuilderFactory",
                "com.sun.org.apache.xerces.internal.jaxp.DocumentBuilderFactoryImpl");
        System.getProperties().putIfAbsent("javax.xml.transform.TransformerFactory",
                "com.sun.org.apache.xalan.internal.xsltc.trax.TransformerFactoryImpl");
    }

    /** The JDK's own choice (cores − 1), but never under the two it needs to be a pool. */
    static int commonPoolParallelism(int cores) {
        return Math.max(2, cores - 1);
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
