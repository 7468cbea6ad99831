package app.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help} and {@code --version} answer without starting anything, and docs/cli.md names every flag. */
class CommandLineHelpTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = SwitchboardCommand.commandLine(Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryOptionAndExitsZero() {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        for (String flag : new CommandLine(new SwitchboardCommand(Map.of())).getCommandSpec().optionsMap().keySet()) {
            if (flag.startsWith("--")) {
                assertThat(help.out()).as("--help names " + flag).contains(flag);
            }
        }
        assertThat(help.out()).contains("Usage: switchboard").contains("users").contains("replay");
    }

    @Test
    void versionNamesTheProductAndExitsZero() {
        Run version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("Switchboard ");
        assertThat(run("-V").out()).isEqualTo(version.out());
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithExitCodeTwo() {
        Run wrong = run("--no-such-flag");
        assertThat(wrong.code()).isEqualTo(SwitchboardCommand.USAGE_ERROR).isEqualTo(2);
        assertThat(wrong.err()).contains("Unknown option").contains("--help");
    }

    @Test
    void theCliReferenceDocumentsEveryFlagOfEveryCommand() throws Exception {
        String doc = Files.readString(Path.of("docs", "cli.md"));
        CommandLine root = SwitchboardCommand.commandLine(Map.of());
        assertDocumented(doc, root);
        for (CommandLine sub : root.getSubcommands().values()) {
            assertThat(doc).as("docs/cli.md has a section for " + sub.getCommandName()).contains("switchboard " + sub.getCommandName());
            assertDocumented(doc, sub);
            for (CommandLine subsub : sub.getSubcommands().values()) {
                assertDocumented(doc, subsub);
            }
        }
        Matcher codes = Pattern.compile("\\| `(\\d)` \\|").matcher(doc);
        assertThat(codes.results().map(m -> m.group(1)).toList()).as("exit codes table").contains("0", "1", "2", "3");
        assertThat(Files.readString(Path.of("README.md"))).contains("docs/cli.md");
    }

    private static void assertDocumented(String doc, CommandLine command) {
        for (String flag : command.getCommandSpec().optionsMap().keySet()) {
            if (flag.startsWith("--")) {
                assertThat(doc).as("docs/cli.md documents " + command.getCommandName() + " " + flag).contains("`" + flag);
            }
        }
    }
}
