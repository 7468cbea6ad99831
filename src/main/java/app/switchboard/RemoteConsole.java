package app.switchboard;

import app.switchboard.SwitchboardCommand.StartupException;
import app.switchboard.call.ConnectionState;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.console.ConsoleApp;
import app.switchboard.console.ConsoleContext;
import app.switchboard.supervisor.PinnedCertificate;
import app.switchboard.supervisor.RemoteCallControl;
import java.io.Console;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard --connect https://host:port}: the console over a remote relay, no relay
 * here. The token comes from {@code SWITCHBOARD_TOKEN} or is typed at the terminal (never an
 * argument, so it is not in the process list or shell history). The certificate is trusted by
 * its pinned fingerprint: {@code --fingerprint}, else the pin kept in settings, else the
 * fingerprint is shown on the terminal and the supervisor types "yes".
 */
final class RemoteConsole {

    static final String TOKEN_VARIABLE = "SWITCHBOARD_TOKEN";
    private static final Duration FIRST_ATTEMPT = Duration.ofSeconds(30);
    /** How long one history request (a page, a call's events, an export) may wait for the relay. */
    static final Duration HISTORY_TIMEOUT = Duration.ofSeconds(60);

    private RemoteConsole() {
    }

    /** The relay's address as remembered: https://host:port without a trailing slash. */
    static String normalise(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new StartupException("--connect: not an address: " + url, SwitchboardCommand.USAGE_ERROR);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new StartupException("--connect takes the relay's https:// address (https://host:port), got " + url,
                    SwitchboardCommand.USAGE_ERROR);
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    static Integer run(String connect, String fingerprintOption, Settings saved, AppDirectories dirs,
                       Map<String, String> environment) throws Exception {
        String url = normalise(connect);
        URI relay = URI.create(url);
        String hostPort = RemoteCallControl.hostPort(relay);
        String token = token(environment, url);
        String pin;
        boolean accepted = false;
        if (fingerprintOption != null) {
            try {
                pin = PinnedCertificate.normalise(fingerprintOption);
            } catch (IllegalArgumentException e) {
                throw new StartupException("--fingerprint: " + e.getMessage(), SwitchboardCommand.USAGE_ERROR);
            }
            accepted = true;
        } else if (saved.pinnedFingerprint(url) != null) {
            pin = saved.pinnedFingerprint(url);
        } else {
            pin = askToTrust(relay, url, hostPort);
            accepted = true;
        }

        RemoteCallControl remote = RemoteCallControl.overTls(relay, pin, token,
                RemoteCallControl.Options.defaults(saved.languageCodes())).start();
        ConnectionState first = remote.firstAttempt().get(FIRST_ATTEMPT.toSeconds(), TimeUnit.SECONDS);
        if (first.phase() == ConnectionState.Phase.REFUSED) {
            remote.close();
            throw new StartupException("not connected to relay " + hostPort + ": " + first.problem(), 1);
        }
        if (accepted) {
            saved.rememberRelay(url, pin);
            saved.save(dirs.config());
        }
        System.out.println(first.phase() == ConnectionState.Phase.CONNECTED
                ? "Switchboard console connected to relay " + hostPort + " as " + first.supervisor()
                : "Relay " + hostPort + " not reachable yet (" + first.problem() + "); the console keeps trying");
        System.out.flush();
        try {
            ConsoleApp.launch(new ConsoleContext(remote, saved, dirs, Secrets.from(environment), "relay " + hostPort,
                    remote::close).withHistory(remote.history(HISTORY_TIMEOUT)).withAudio(remote.audio())
                    .withConnector(new RemoteRelays(saved.languageCodes())));
        } finally {
            remote.close();
        }
        return 0;
    }

    private static String token(Map<String, String> environment, String url) {
        String token = environment.get(TOKEN_VARIABLE);
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        Console console = System.console();
        if (console == null) {
            throw new StartupException("no supervisor token: set " + TOKEN_VARIABLE + " (or run from a terminal to type it)",
                    SwitchboardCommand.USAGE_ERROR);
        }
        char[] typed = console.readPassword("Supervisor token for %s: ", url);
        if (typed == null || typed.length == 0) {
            throw new StartupException("no supervisor token given", SwitchboardCommand.USAGE_ERROR);
        }
        return new String(typed).strip();
    }

    private static String askToTrust(URI relay, String url, String hostPort) throws Exception {
        String presented;
        try {
            presented = PinnedCertificate.probe(relay.getHost(), relay.getPort() < 0 ? 443 : relay.getPort(),
                    Duration.ofSeconds(10));
        } catch (java.io.IOException e) {
            throw new StartupException("cannot reach relay " + hostPort + ": " + e.getMessage(), 1);
        }
        Console console = System.console();
        if (console == null) {
            throw new StartupException("relay " + hostPort + " presents a certificate with SHA-256 " + presented
                    + ", not pinned yet. Check it against the fingerprint the relay printed at start-up, then pass "
                    + "--fingerprint " + presented + " (or connect from File \u203a Connect to relay\u2026)",
                    SwitchboardCommand.USAGE_ERROR);
        }
        console.printf("First connection to %s. Its certificate's SHA-256 fingerprint is:%n  %s%n"
                + "Compare it with the one the relay printed at start-up.%n", url, presented);
        String answer = console.readLine("Trust this certificate? Type yes to pin it: ");
        if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            throw new StartupException("not connected: the certificate was not trusted", 1);
        }
        return presented;
    }
}
