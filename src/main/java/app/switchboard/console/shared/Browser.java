package app.switchboard.console.shared;

import javafx.application.HostServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens web pages in the desktop's browser through the running console's JavaFX
 * {@link HostServices}, which exist only once the application has started.
 */
public final class Browser {

    private static final Logger LOG = LoggerFactory.getLogger(Browser.class);
    private static volatile HostServices host;

    private Browser() {
    }

    /** The console application's services; set once it starts. */
    public static void attach(HostServices services) {
        host = services;
    }

    /** Opens {@code url}; without a running console (tests, headless) it is only logged. */
    public static void open(String url) {
        HostServices services = host;
        if (services == null) {
            LOG.info("No desktop browser to open {}", url);
            return;
        }
        services.showDocument(url);
    }
}
