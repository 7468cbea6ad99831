package app.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A really full disk: a 1 MiB tmpfs mounted in a private mount namespace ({@code unshare -m},
 * so nothing is mounted on the host and it vanishes with the child), with the store in a child
 * JVM. Needs root or CAP_SYS_ADMIN (CI here runs as root); skipped elsewhere.
 */
class EventStoreFullDiskTest {

    @TempDir
    Path root;

    @Test
    void fullDiskDegradesAndEverythingIsWrittenOnceSpaceIsFree() throws Exception {
        Path mount = Files.createDirectories(root.resolve("tiny"));
        assumeTrue(canMountTmpfs(mount), "cannot mount a private tmpfs here (needs root / CAP_SYS_ADMIN and unshare)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = root.resolve("child.log");
        Process child = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o size=1m tmpfs \"$1\" && exec \"$2\" -Xmx256m -cp \"$3\" "
                        + FullDiskScenario.class.getName() + " \"$1\"",
                "sh", mount.toString(), java, classPath)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = child.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly();
        }
        List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
        String all = String.join("\n", out);
        assertTrue(finished, "child finished:\n" + all);
        assertEquals(0, child.exitValue(), all);
        String degraded = line(out, "DEGRADED|");
        assertTrue(degraded.contains("disk is full"), degraded);
        assertTrue(degraded.contains("waiting in memory"), degraded);
        assertEquals("WRITTEN|14|300", line(out, "WRITTEN|"));
    }

    private static String line(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " line in:\n" + String.join("\n", out)));
    }

    private static boolean canMountTmpfs(Path mount) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs -o size=64k tmpfs \"$1\"", "sh", mount.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
