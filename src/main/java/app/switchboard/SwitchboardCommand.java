package app.switchboard;

import app.switchboard.concurrent.Threads;
import app.switchboard.cluster.ClusterOptions;
import app.switchboard.cluster.RedisTarget;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.console.ConsoleApp;
import app.switchboard.relay.RelayConfig;
import app.switchboard.relay.TlsMaterial;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command-line options; flags override the settings file, secrets come from the environment. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, versionProvider = SwitchboardCommand.Version.class,
        subcommands = UsersCommand.class,
        description = {"Operator console for AI voice agents on Twilio ConversationRelay.", "",
                "Environment: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, TWILIO_AUTH_TOKEN,",
                "SWITCHBOARD_KEYSTORE_PASSWORD, SWITCHBOARD_TOKEN (the supervisor token for --connect),",
                "SWITCHBOARD_REDIS_USERNAME, SWITCHBOARD_REDIS_PASSWORD."})
public final class SwitchboardCommand implements Callable<Integer> {

    static final int USAGE_ERROR = 2;

    @Option(names = "--headless", description = "Relay only, no window.")
    boolean headless;

    @Option(names = "--demo", description = "Simulated callers on the real relay; no Twilio account or API key needed.")
    boolean demo;

    @Option(names = "--port", paramLabel = "N", description = "Relay port (0 picks a free one). Default: settings, 8443.")
    Integer port;

    @Option(names = "--host", paramLabel = "H", description = "Interface to listen on. Default: settings, 127.0.0.1.")
    String host;

    @Option(names = "--public-url", paramLabel = "URL", description = "Public origin Twilio uses, https://host[/prefix].")
    String publicUrl;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep settings, data and logs under DIR.")
    Path dataDir;

    @Option(names = "--keystore", paramLabel = "FILE", description = "PKCS12 keystore (password in SWITCHBOARD_KEYSTORE_PASSWORD).")
    Path keystore;

    @Option(names = "--cert", paramLabel = "FILE", description = "PEM certificate chain (with --key).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "PEM private key (with --cert).")
    Path key;

    @Option(names = "--demo-callers", paramLabel = "N", defaultValue = "5", description = "Simulated callers at once in the demo (default ${DEFAULT-VALUE}).")
    int demoCallers;

    @Option(names = "--cluster", paramLabel = "URI", description = "Join a cluster of relay nodes through Redis: "
            + "redis://HOST:PORT or rediss://HOST:PORT (user and password in SWITCHBOARD_REDIS_USERNAME, "
            + "SWITCHBOARD_REDIS_PASSWORD).")
    String cluster;

    @Option(names = "--node-id", paramLabel = "ID", description = "This node's name in the cluster "
            + "(default: host name and relay port). Keep it across restarts.")
    String nodeId;

    @Option(names = "--allow-unsigned", description = "Listen on a non-loopback interface without TWILIO_AUTH_TOKEN "
            + "(anyone who reaches the port can open calls).")
    boolean allowUnsigned;

    @Option(names = "--connect", paramLabel = "URL", description = "Open the console over a remote relay's supervisor API "
            + "(https://host:port); no local relay. Token from SWITCHBOARD_TOKEN, else asked on the terminal.")
    String connect;

    @Option(names = "--fingerprint", paramLabel = "SHA256", description = "With --connect: the SHA-256 fingerprint of the "
            + "relay's certificate to pin (else the one pinned in settings, else shown and confirmed on the terminal).")
    String fingerprint;

    private static volatile boolean exitWhenDone = true;

    /** The environment secrets are read from; tests give their own. */
    private final java.util.Map<String, String> environment;

    SwitchboardCommand(java.util.Map<String, String> environment) {
        this.environment = environment;
    }

    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    static CommandLine commandLine(java.util.Map<String, String> environment) {
        CommandLine cl = new CommandLine(new SwitchboardCommand(environment));
        cl.addSubcommand("replay", new ReplayCommand(environment));
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("switchboard: " + ex.getMessage() + " (see --help)");
            return USAGE_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("switchboard: " + ex.getMessage());
            return ex instanceof StartupException se ? se.exitCode : 1;
        });
        return cl;
    }

    static boolean exitWhenDone() {
        return exitWhenDone;
    }

    @Override
    public Integer call() throws Exception {
        if (headless && demo) {
            throw new StartupException("--headless and --demo cannot be combined: the demo shows the console", USAGE_ERROR);
        }
        if (connect != null && (headless || demo)) {
            throw new StartupException("--connect opens a console over a remote relay; it cannot be combined with "
                    + (headless ? "--headless" : "--demo"), USAGE_ERROR);
        }
        if (fingerprint != null && connect == null) {
            throw new StartupException("--fingerprint goes with --connect", USAGE_ERROR);
        }
        if ((cert == null) != (key == null)) {
            throw new StartupException("--cert and --key go together", USAGE_ERROR);
        }
        if (keystore != null && cert != null) {
            throw new StartupException("choose --keystore or --cert/--key, not both", USAGE_ERROR);
        }
        AppDirectories dirs = (dataDir != null ? AppDirectories.under(dataDir) : AppDirectories.forUser()).create();
        System.setProperty("switchboard.logdir", dirs.state().toString());

        Settings saved;
        try {
            saved = Settings.load(dirs.config());
        } catch (Settings.SettingsException e) {
            throw new StartupException(e.getMessage(), USAGE_ERROR);
        }
        if (connect != null) {
            return RemoteConsole.run(connect, fingerprint, saved, dirs, environment);
        }
        // Flags apply to this run only; the settings dialog edits what is saved.
        Settings settings = saved.copy();
        if (port != null) {
            settings.port = port;
        }
        if (host != null) {
            settings.host = host;
        }
        if (publicUrl != null) {
            settings.publicUrl = publicUrl;
        }
        if (settings.publicUrl != null && !settings.publicUrl.isBlank() && !settings.publicUrl.startsWith("https://")) {
            throw new StartupException("--public-url must start with https:// (Twilio requires TLS), got " + settings.publicUrl, USAGE_ERROR);
        }
        if (settings.port < 0 || settings.port > 65535) {
            throw new StartupException("--port must be between 0 and 65535, got " + settings.port, USAGE_ERROR);
        }
        Secrets secrets = Secrets.from(environment);
        if (!demo) {
            requireSignaturesOffLoopback(settings.host, secrets, allowUnsigned);
        }
        RelayConfig.TlsSource tls = tlsSource(settings, secrets, dirs);
        SwitchboardApp.ClusterSetup clusterSetup = clusterSetup(settings);

        if (demo) {
            // The demo runs on a free loopback port, whatever else is running, and is verified like
            // a real deployment: without a Twilio token, a random one for this run signs the
            // simulated callers' requests (it is never shown or stored).
            if (port == null) {
                settings.port = 0;
            }
            if (publicUrl == null) {
                settings.publicUrl = null;
            }
            if (!secrets.verifiesSignatures()) {
                secrets = secrets.withTwilioAuthToken(randomToken());
            }
        }
        SwitchboardApp app;
        try {
            app = SwitchboardApp.start(settings, saved, secrets, dirs, tls, demo ? demoCallers : 0, clusterSetup);
        } catch (TlsMaterial.TlsException e) {
            throw new StartupException(e.getMessage(), USAGE_ERROR);
        } catch (SwitchboardApp.ClusterUnavailable e) {
            throw new StartupException(e.getMessage(), 1);
        } catch (java.io.IOException e) {
            throw new StartupException("cannot listen on " + settings.host + ":" + settings.port + ": " + e.getMessage(), 1);
        }
        app.printReady(System.out);
        // One shutdown path for every mode: SIGTERM (a logout, a system shutdown), the window's
        // close and Quit all end live calls the same recorded way through app.close().
        Runtime.getRuntime().addShutdownHook(Threads.unstarted("shutdown", app::close, false));
        if (headless) {
            app.awaitStop();
            return 0;
        }
        exitWhenDone = true;
        app.runConsole();
        if (ConsoleApp.keepRelayRunning()) {
            // The supervisor closed the window but kept the live calls: the relay runs on, as
            // --headless does, until SIGTERM (the shutdown hook ends the calls the recorded way).
            System.out.println("Console closed; the relay keeps serving calls without a window. Stop it with Ctrl+C.");
            System.out.flush();
            app.awaitStop();
            return 0;
        }
        app.close();
        return 0;
    }

    /** Null without {@code --cluster}; refuses an address that carries credentials or is not Redis. */
    private SwitchboardApp.ClusterSetup clusterSetup(Settings settings) {
        if (cluster == null) {
            if (nodeId != null) {
                throw new StartupException("--node-id goes with --cluster", USAGE_ERROR);
            }
            return null;
        }
        if (demo) {
            throw new StartupException("--demo runs on its own; it cannot join a cluster", USAGE_ERROR);
        }
        try {
            RedisTarget target = RedisTarget.parse(cluster, environment);
            String id = nodeId != null ? nodeId : defaultNodeId(settings.port);
            return new SwitchboardApp.ClusterSetup(target, ClusterOptions.defaults(id));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), USAGE_ERROR);
        }
    }

    /** The host's name and the relay's port: the same node id after a restart on the same machine. */
    static String defaultNodeId(int port) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "node";
        }
        String clean = host.replaceAll("[^A-Za-z0-9._-]", "-");
        String suffix = port == 0 ? "-" + ProcessHandle.current().pid() : "-" + port;
        return (clean.length() > 40 ? clean.substring(0, 40) : clean) + suffix;
    }

    /**
     * Unverified, the relay lets anyone who reaches it open calls and post webhooks. On loopback
     * only this machine (or a tunnel the user started) reaches it; on any other interface that
     * takes a deliberate {@code --allow-unsigned}. A blank token counts as none ({@link Secrets}).
     */
    static void requireSignaturesOffLoopback(String host, Secrets secrets, boolean allowUnsigned) {
        if (secrets.verifiesSignatures() || allowUnsigned || isLoopback(host)) {
            return;
        }
        throw new StartupException("refusing to listen on " + (host == null || host.isBlank() ? "all interfaces" : host)
                + " without TWILIO_AUTH_TOKEN: anyone who reaches it could open calls. Set TWILIO_AUTH_TOKEN, "
                + "listen on 127.0.0.1, or pass --allow-unsigned", USAGE_ERROR);
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false; // Jetty binds every interface
        }
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        try {
            // Literals only resolve without a lookup; a name like localhost resolves locally.
            return java.net.InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private RelayConfig.TlsSource tlsSource(Settings settings, Secrets secrets, AppDirectories dirs) {
        Path ks = keystore != null ? keystore : settings.keystore == null ? null : Path.of(settings.keystore);
        Path c = cert != null ? cert : settings.certificate == null ? null : Path.of(settings.certificate);
        Path k = key != null ? key : settings.privateKey == null ? null : Path.of(settings.privateKey);
        if (ks != null) {
            if (!Files.isReadable(ks)) {
                throw new StartupException("cannot read keystore " + ks, USAGE_ERROR);
            }
            String pw = secrets.keystorePassword();
            return new RelayConfig.TlsSource.Keystore(ks, pw == null ? new char[0] : pw.toCharArray());
        }
        if (c != null && k != null) {
            if (!Files.isReadable(c) || !Files.isReadable(k)) {
                throw new StartupException("cannot read certificate " + c + " or key " + k, USAGE_ERROR);
            }
            return new RelayConfig.TlsSource.Pem(c, k);
        }
        return new RelayConfig.TlsSource.SelfSigned(dirs.data());
    }

    /** A start-up failure the user can fix; printed as one line. */
    static final class StartupException extends RuntimeException {
        final int exitCode;

        StartupException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SwitchboardCommand.class.getPackage().getImplementationVersion();
            return new String[] {"Switchboard " + (v == null ? "(development build)" : v)};
        }
    }
}
