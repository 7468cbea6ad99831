package app.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} for the cluster tests: the one CI started
 * ({@code SWITCHBOARD_TEST_REDIS}), or one this test starts on a free loopback port from the
 * binary on PATH. Without either, the test fails in CI ({@code CI=true}) and is skipped elsewhere.
 */
public final class RedisServer implements AutoCloseable {

    static final String ENV = "SWITCHBOARD_TEST_REDIS";

    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private RedisServer(int port, List<String> extraArgs) {
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** The shared server's address, or a server of this test's own (close it afterwards). */
    static String sharedOrOwn(AutoCloseable[] own) throws IOException {
        String shared = System.getenv(ENV);
        if (shared != null && !shared.isBlank()) {
            return shared;
        }
        RedisServer server = startOwn();
        own[0] = server;
        return server.uri();
    }

    /** A server only this test uses (it may stop and restart it). */
    public static RedisServer startOwn(String... extraArgs) throws IOException {
        String binary = binary();
        requireRedis(binary != null, "no redis-server on PATH (apt-get install -y redis-server)");
        RedisServer server = new RedisServer(freePort(), List.of(extraArgs));
        server.start();
        return server;
    }

    private static void requireRedis(boolean present, String why) {
        if (!present) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("The cluster tests need Redis in CI: " + why);
            }
            assumeTrue(false, "Skipping a Redis cluster test: " + why);
        }
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        File sbin = new File("/usr/bin/redis-server");
        return sbin.canExecute() ? sbin.getPath() : null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    void start() throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(binary(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        process = pb.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::accepting);
    }

    /** Kills the server (SIGKILL): everything it held is gone, as after a crash without persistence. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private boolean accepting() {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
