package app.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.cluster.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --cluster}: a headless node joins through a password-protected Redis, and the password appears nowhere. */
@Timeout(120)
class ClusterStartupTest {

    private static final String PASSWORD = "redis-pass-" + Long.toHexString(Double.doubleToLongBits(Math.random()));

    @TempDir
    Path dataDir;

    @Test
    void anAddressCarryingAPasswordIsRefusedWithoutRepeatingIt() {
        StringWriter err = new StringWriter();
        CommandLine cl = SwitchboardCommand.commandLine(Map.of());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("--headless", "--data-dir", dataDir.toString(),
                "--cluster", "redis://user:" + PASSWORD + "@127.0.0.1:6379");
        assertEquals(SwitchboardCommand.USAGE_ERROR, code);
        assertTrue(err.toString().contains("SWITCHBOARD_REDIS_PASSWORD"), err.toString());
        assertFalse(err.toString().contains(PASSWORD), err.toString());
    }

    @Test
    void aNodeThatCannotReachRedisSaysSoAndExits() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        StringWriter err = new StringWriter();
        CommandLine cl = SwitchboardCommand.commandLine(Map.of(RedisTargetEnv.PASSWORD, PASSWORD));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("--headless", "--port", "0", "--data-dir", dataDir.toString(),
                "--cluster", "redis://127.0.0.1:" + closedPort);
        assertEquals(1, code);
        assertTrue(err.toString().contains("cannot reach Redis at redis://127.0.0.1:" + closedPort + " (authenticated)"),
                err.toString());
        assertFalse(err.toString().contains(PASSWORD), err.toString());
    }

    /** The variable's name, as a user sets it. */
    private static final class RedisTargetEnv {
        static final String PASSWORD = "SWITCHBOARD_REDIS_PASSWORD";
    }

    @Test
    void aHeadlessNodeJoinsTheClusterWithCredentialsFromTheEnvironment() throws Exception {
        try (RedisServer redis = RedisServer.startOwn("--requirepass", PASSWORD)) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    // The product's logging (stderr and the rolling file in the data dir), at DEBUG: the
                    // most a user could turn on must still not show the password.
                    "-Dlogback.configurationFile=" + Path.of(SwitchboardCommand.class.getResource("/logback.xml").toURI()),
                    "-Dswitchboard.loglevel=DEBUG",
                    Launcher.class.getName(),
                    "--headless", "--port", "0", "--data-dir", dataDir.toString(),
                    "--cluster", redis.uri(), "--node-id", "startup-node"));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().remove("TWILIO_AUTH_TOKEN");
            pb.environment().remove("OPENAI_API_KEY");
            pb.environment().put("SWITCHBOARD_REDIS_PASSWORD", PASSWORD);
            pb.redirectError(dataDir.resolve("stderr.txt").toFile()); // scanned with the data dir below
            Process node = pb.start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            try {
                ProcessLines out = ProcessLines.of(node);
                String first = out.next(Duration.ofSeconds(60));
                assertTrue(first != null && first.startsWith("Switchboard relay listening on wss://"), "first line: " + first);

                RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(java.net.URI.create(redis.uri()).getPort())
                        .withPassword(PASSWORD.toCharArray()).build();
                RedisClient client = RedisClient.create(uri);
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    assertEquals(1L, c.sync().exists("switchboard:node:startup-node:alive"), "the node heart-beats");
                } finally {
                    client.shutdown();
                }
                node.destroy(); // SIGTERM: the node leaves the cluster
                assertTrue(node.waitFor(30, TimeUnit.SECONDS));
                String line;
                while ((line = out.next(Duration.ofSeconds(5))) != null) {
                    output.writeBytes((line + "\n").getBytes());
                }
            } finally {
                node.destroyForcibly();
            }
            StringBuilder everything = new StringBuilder(output.toString());
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    everything.append(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
            assertTrue(everything.toString().contains("Cluster node startup-node joined through Redis at " + redis.uri()
                    + " (authenticated)"), "the node's logs were read (they name the redacted address)");
            assertFalse(everything.toString().contains(PASSWORD), "the Redis password was written somewhere");
        }
    }
}
