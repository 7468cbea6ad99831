package app.switchboard;

import picocli.CommandLine;

/**
 * The entry point of the jar and the installed app. It does not extend JavaFX's Application,
 * so the app runs from the class path on a plain JDK and the console is started only when asked.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        int code = SwitchboardCommand.commandLine().execute(args);
        if (code != 0 || SwitchboardCommand.exitWhenDone()) {
            System.exit(code);
        }
    }
}
