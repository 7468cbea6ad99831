package app.switchboard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Makes a folder or file really read-only for this process. Permission bits stop a normal
 * user; root (as in CI) ignores them, so there the immutable attribute ({@code chattr +i})
 * is used. Tests skip when neither works.
 */
final class ReadOnly {

    private ReadOnly() {
    }

    /** @return true when writing to {@code path} now fails */
    static boolean make(Path path) throws IOException, InterruptedException {
        boolean dir = Files.isDirectory(path);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(dir ? "r-xr-xr-x" : "r--r--r--"));
        if (blocked(path)) {
            return true;
        }
        run("chattr", "+i", path.toString());
        return blocked(path);
    }

    static void undo(Path path) throws IOException, InterruptedException {
        run("chattr", "-i", path.toString());
        boolean dir = Files.isDirectory(path);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(dir ? "rwxr-xr-x" : "rw-r--r--"));
    }

    private static boolean blocked(Path path) {
        try {
            if (Files.isDirectory(path)) {
                Path probe = path.resolve(".probe");
                Files.createFile(probe);
                Files.delete(probe);
            } else {
                Files.newOutputStream(path, java.nio.file.StandardOpenOption.APPEND).close();
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no chattr here: the caller sees the path is still writable and skips
        }
    }
}
