package app.switchboard.cluster;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

/**
 * Where the cluster's Redis is: {@code redis://HOST:PORT[/DB]} or {@code rediss://…} (TLS).
 * Credentials never come from the address (a command line is visible to every user of the
 * machine in {@code ps}): they come from {@value #USERNAME_ENV} and {@value #PASSWORD_ENV}.
 * {@link #toString()} is the redacted form every log line uses.
 */
public final class RedisTarget {

    public static final String USERNAME_ENV = "SWITCHBOARD_REDIS_USERNAME";
    public static final String PASSWORD_ENV = "SWITCHBOARD_REDIS_PASSWORD";

    private final String scheme;
    private final String host;
    private final int port;
    private final int database;
    private final String username;
    private final char[] password;

    private RedisTarget(String scheme, String host, int port, int database, String username, char[] password) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.database = database;
        this.username = username;
        this.password = password;
    }

    /** @throws IllegalArgumentException with a message fit for the user (never containing a secret) */
    public static RedisTarget parse(String address, Map<String, String> environment) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("--cluster needs redis://HOST:PORT or rediss://HOST:PORT");
        }
        URI uri;
        try {
            uri = new URI(address.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--cluster is not a redis:// or rediss:// address");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("--cluster must start with redis:// or rediss://");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("--cluster must not carry a user or password: set "
                    + USERNAME_ENV + " and " + PASSWORD_ENV + " instead");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("--cluster needs a host: redis://HOST:PORT");
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cluster database must be a number: redis://HOST:PORT/0");
            }
        }
        String user = blankToNull(environment.get(USERNAME_ENV));
        String pw = blankToNull(environment.get(PASSWORD_ENV));
        return new RedisTarget(scheme, uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), database, user,
                pw == null ? null : pw.toCharArray());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public boolean tls() {
        return scheme.equals("rediss");
    }

    public boolean authenticated() {
        return password != null;
    }

    /** The Lettuce address, with credentials and a command timeout; never logged. */
    RedisURI redisUri(Duration timeout) {
        RedisURI.Builder builder = RedisURI.builder().withHost(host).withPort(port).withDatabase(database)
                .withSsl(tls()).withTimeout(timeout);
        if (password != null) {
            if (username != null) {
                builder.withAuthentication(username, password);
            } else {
                builder.withPassword(password);
            }
        }
        return builder.build();
    }

    /** {@code rediss://host:port/db}, plus whether credentials are in use, never what they are. */
    @Override
    public String toString() {
        return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + (database == 0 ? "" : "/" + database) + (password == null ? "" : " (authenticated)");
    }
}
