package app.switchboard;

import app.switchboard.console.RelayConnector;
import app.switchboard.supervisor.PinnedCertificate;
import app.switchboard.supervisor.RemoteCallControl;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The console's way to remote relays: the supervisor API's client with the certificate pinned. */
final class RemoteRelays implements RelayConnector {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> languages;

    RemoteRelays(List<String> languages) {
        this.languages = List.copyOf(languages);
    }

    @Override
    public String fingerprint(URI relay) throws IOException {
        return PinnedCertificate.probe(relay.getHost(), relay.getPort() < 0 ? 443 : relay.getPort(), PROBE_TIMEOUT);
    }

    @Override
    public Remote connect(URI relay, String fingerprint, String token) {
        RemoteCallControl calls = RemoteCallControl.overTls(relay, fingerprint, token,
                RemoteCallControl.Options.defaults(languages)).start();
        return new Remote(calls, calls.history(RemoteConsole.HISTORY_TIMEOUT), calls::close, calls.audio());
    }
}
