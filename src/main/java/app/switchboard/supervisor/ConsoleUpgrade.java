package app.switchboard.supervisor;

import java.io.UncheckedIOException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a {@code /console} upgrade before it happens: 404 while no supervisor account exists
 * (the API is off), 429 for an address past its failed attempts, 401 without a valid
 * {@code Authorization: Bearer} token. The token is never logged or echoed; a log line names
 * the address and whether a token was missing or wrong.
 */
public final class ConsoleUpgrade implements WebSocketCreator {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleUpgrade.class);
    public static final String PATH = "/console";
    private static final String BEARER = "Bearer ";

    private final SupervisorHub hub;

    public ConsoleUpgrade(SupervisorHub hub) {
        this.hub = hub;
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String address = Request.getRemoteAddr(request);
        try {
            if (hub.accounts().isEmpty()) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return null;
            }
            long wait = hub.failures().blockedForSeconds(address);
            if (wait > 0) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(wait));
                Response.writeError(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429,
                        "Too many failed attempts");
                return null;
            }
            String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            String token = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? header.substring(BEARER.length()).strip() : null;
            Optional<String> account = hub.accounts().authenticate(token);
            if (account.isEmpty()) {
                hub.failures().failed(address);
                LOG.warn("Refused console upgrade from {}: {} token", address, token == null ? "missing" : "invalid");
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"switchboard\"");
                Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401, "Unauthorized");
                return null;
            }
            String accepts = request.getHeaders().get(SupervisorMessage.ACCEPT_HEADER);
            boolean batches = accepts != null && java.util.Arrays.stream(accepts.split(","))
                    .anyMatch(a -> a.strip().equalsIgnoreCase(SupervisorMessage.ACCEPT_EVENTS));
            return hub.endpointFor(account.get(), batches);
        } catch (UncheckedIOException e) {
            LOG.error("Console upgrade refused: the accounts file cannot be read ({})", e.getMessage());
            Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
            return null;
        }
    }
}
