package app.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import app.switchboard.supervisor.SupervisorAccounts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class UsersCommandTest {

    @TempDir
    Path dir;

    private String run(String... args) {
        CommandLine cl = SwitchboardCommand.commandLine(Map.of());
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        int code = cl.execute(args);
        return code + "\n" + out;
    }

    @Test
    void addPrintsATokenOnceThatAuthenticatesAndIsStoredOnlyHashed() throws Exception {
        String output = run("--data-dir", dir.toString(), "users", "add", "alice");
        assertThat(output).startsWith("0\n");
        String token = output.lines().reduce((a, b) -> b).orElseThrow().strip();
        assertThat(token).matches("[A-Za-z0-9_-]{43}");

        Path file = dir.resolve("data").resolve(SupervisorAccounts.FILE);
        SupervisorAccounts accounts = SupervisorAccounts.in(file.getParent());
        assertThat(accounts.authenticate(token)).contains("alice");
        assertThat(accounts.authenticate(token + "x")).isEmpty();
        assertThat(Files.readString(file)).doesNotContain(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(run("--data-dir", dir.toString(), "users", "list")).contains("alice");
        assertThat(run("--data-dir", dir.toString(), "users", "list")).doesNotContain(token);
    }

    @Test
    void removeEndsTheTokenAndASecondAddOfTheSameNameIsRefused() {
        String token = run("--data-dir", dir.toString(), "users", "add", "bob").lines().reduce((a, b) -> b).orElseThrow();
        assertThat(run("--data-dir", dir.toString(), "users", "add", "bob")).startsWith("2\n").contains("exists");
        assertThat(run("--data-dir", dir.toString(), "users", "remove", "bob")).startsWith("0\n");
        assertThat(run("--data-dir", dir.toString(), "users", "remove", "bob")).startsWith("1\n");
        assertThat(run("--data-dir", dir.toString(), "users", "list")).contains("/console is off");
        SupervisorAccounts accounts = SupervisorAccounts.in(dir.resolve("data"));
        assertThat(accounts.authenticate(token.strip())).isEmpty();
        assertThat(accounts.isEmpty()).isTrue();
    }
}
