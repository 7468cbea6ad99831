package app.switchboard.relay;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The relay's one listening port: HTTP/1.1 over TLS with the relay's key, as Jetty's own examples assemble it. */
public final class TlsConnector {

    private TlsConnector() {
    }

    public static ServerConnector create(Server server, TlsMaterial tls, String host, int port) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // A self-signed certificate for localhost is reached as 127.0.0.1 and through tunnels:
        // the host check would answer 400 "Invalid SNI" to legitimate clients.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(tls.password()));
        ssl.setKeyManagerPassword(new String(tls.password()));

        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
