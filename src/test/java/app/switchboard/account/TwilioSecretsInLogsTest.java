package app.switchboard.account;

import static app.switchboard.account.TwilioAccountTest.ACCOUNT;
import static app.switchboard.account.TwilioAccountTest.CALL;
import static app.switchboard.account.TwilioAccountTest.PN1;
import static app.switchboard.account.TwilioAccountTest.RELAY;
import static app.switchboard.account.TwilioAccountTest.TOKEN;
import static app.switchboard.account.TwilioResponses.callsPath;
import static app.switchboard.account.TwilioResponses.error;
import static app.switchboard.account.TwilioResponses.number;
import static app.switchboard.account.TwilioResponses.numberPath;
import static app.switchboard.account.TwilioResponses.numbersPage;
import static app.switchboard.account.TwilioResponses.numbersPath;
import static app.switchboard.account.TwilioResponses.queuedCall;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.OutboundAttempts;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * With the shipped logging configuration turned up to DEBUG (what a supervisor does to
 * investigate), a session of REST requests — including a refused one — logs neither the auth
 * token nor the Basic authorization header built from it.
 */
@Timeout(30)
class TwilioSecretsInLogsTest {

    @TempDir
    Path logDir;

    private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private FakeTwilioApi twilio;

    @BeforeEach
    void shippedConfigurationAtDebug() throws Exception {
        System.setProperty("switchboard.loglevel", "DEBUG");
        System.setProperty("switchboard.logdir", logDir.toString());
        configure(getClass().getResource("/logback.xml"));
        captured.setContext(logging);
        captured.start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
        twilio = new FakeTwilioApi();
    }

    @AfterEach
    void testConfigurationAgain() throws Exception {
        twilio.close();
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
    void neitherTheTokenNorTheAuthorizationHeaderIsLogged() {
        twilio.reply("GET", numbersPath(ACCOUNT), 200, numbersPage(ACCOUNT, 0, null))
                .reply("GET", numberPath(ACCOUNT, PN1), 200, number(ACCOUNT, PN1, "+15550100001", "https://old.example.test/v", null))
                .reply("POST", numberPath(ACCOUNT, PN1), 200, number(ACCOUNT, PN1, "+15550100001", RELAY.twimlUrl(), null))
                .reply("POST", callsPath(ACCOUNT), 201, queuedCall(ACCOUNT, CALL, "+15550100001", "+15550109876"))
                .reply("POST", callsPath(ACCOUNT), 401, error(20003, "Authenticate", 401));
        TwilioCredentials credentials = new TwilioCredentials(ACCOUNT, ACCOUNT, TOKEN);
        TwilioAccount account = new TwilioAccount(TwilioAccount.client(credentials, twilio.httpClient()), RELAY,
                PreviousWebhooks.inMemory(), new OutboundAttempts(Clock.systemUTC()));
        org.slf4j.LoggerFactory.getLogger(getClass()).info("Using {}", credentials);

        account.numbers();
        account.pointAtRelay(PN1);
        account.call("+15550100001", "+15550109876");
        TwilioAccountException refused = assertThrows(TwilioAccountException.class,
                () -> account.call("+15550100001", "+15550109876"));
        org.slf4j.LoggerFactory.getLogger(getClass()).warn("Call refused", refused);

        // Pool and server threads may still log; read a copy taken under the appender's own lock.
        java.util.List<ILoggingEvent> lines;
        synchronized (captured) {
            lines = new java.util.ArrayList<>(captured.list);
        }
        assertTrue(lines.size() >= 3, "the check must see the session's log: " + lines.size());
        assertTrue(lines.stream().anyMatch(e -> e.getLoggerName().startsWith("com.twilio")
                || e.getLoggerName().startsWith("org.apache.hc")), "SDK and HTTP client logging is on");
        String basic = TwilioAccountTest.basic(ACCOUNT, TOKEN).substring("Basic ".length());
        for (ILoggingEvent event : lines) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertFalse(text.contains(TOKEN), () -> event.getLoggerName() + " logged the token: " + text);
            assertFalse(text.contains(basic), () -> event.getLoggerName() + " logged the Authorization header: " + text);
        }
    }
}
