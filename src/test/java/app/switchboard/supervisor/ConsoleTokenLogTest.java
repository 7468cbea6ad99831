package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import app.switchboard.sim.SimulatedCall;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** With the shipped logging configuration at DEBUG, no supervisor token reaches a log line, an event or an error. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleTokenLogTest {

    @TempDir
    Path dir;
    private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    @BeforeEach
    void shippedConfigurationAtDebug() throws Exception {
        System.setProperty("switchboard.loglevel", "DEBUG");
        System.setProperty("switchboard.logdir", dir.resolve("logs").toString());
        configure(getClass().getResource("/logback.xml"));
        captured.setContext(logging);
        captured.start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
    }

    @AfterEach
    void testConfigurationAgain() throws Exception {
        System.clearProperty("switchboard.loglevel");
        System.clearProperty("switchboard.logdir");
        configure(getClass().getResource("/logback-test.xml"));
    }

    private void configure(URL config) throws Exception {
        logging.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logging);
        configurator.doConfigure(config);
    }

    @Test
    void tokensAppearInNoLogLineEventOrError() throws Exception {
        try (ConsoleHarness harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT)) {
            String token = harness.accounts.add("alice");
            String wrong = token.substring(1) + "Q";
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> harness.console(wrong));
            try (ConsoleHarness.Console console = harness.console(token)) {
                SimulatedCall call = harness.caller().build().open();
                org.awaitility.Awaitility.await().until(() -> !harness.recorded(call.callSid()).isEmpty());
                console.client.say(call.callSid(), "hello").get(10, TimeUnit.SECONDS);
                org.awaitility.Awaitility.await().until(() -> console.events(call.callSid()).stream()
                        .anyMatch(e -> e.kind() == app.switchboard.call.EventKind.SUPERVISOR_SAY));
                call.hangUp().join();
            }
            // The relay's threads go on logging; read a copy taken under the appender's own lock.
            List<ILoggingEvent> lines;
            synchronized (captured) {
                lines = new ArrayList<>(captured.list);
            }
            assertThat(lines).anyMatch(e -> e.getFormattedMessage().contains("Refused console upgrade"));
            for (ILoggingEvent e : lines) {
                String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
                assertThat(line).doesNotContain(token).doesNotContain(wrong);
            }
            assertThat(String.valueOf(refused.getCause())).doesNotContain(wrong);
            assertThat(harness.recorded.toString()).doesNotContain(token);
        }
    }
}
