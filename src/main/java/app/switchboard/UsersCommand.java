package app.switchboard;

import app.switchboard.config.AppDirectories;
import app.switchboard.supervisor.SupervisorAccounts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code switchboard users add|list|remove}: the supervisor accounts of the remote console API. */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Supervisor accounts for the /console API (remote consoles). The relay serves /console only "
                + "while at least one account exists.",
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Remove.class})
final class UsersCommand {

    @ParentCommand
    SwitchboardCommand parent;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep settings, data and logs under DIR.")
    Path dataDir;

    SupervisorAccounts accounts() {
        Path dir = dataDir != null ? dataDir : parent.dataDir;
        AppDirectories dirs = (dir != null ? AppDirectories.under(dir) : AppDirectories.forUser()).create();
        return SupervisorAccounts.in(dirs.data());
    }

    @Command(name = "add", description = "Make an account and print its token once (it is stored only hashed).")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String token;
            try {
                token = users.accounts().add(name);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("switchboard: " + e.getMessage());
                return SwitchboardCommand.USAGE_ERROR;
            }
            out.println("Supervisor " + name + " added. Token (shown only now; give it to " + name + "):");
            out.println(token);
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", description = "The account names and when each was made.")
    static final class ListUsers implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            var list = users.accounts().list();
            if (list.isEmpty()) {
                out.println("No supervisor accounts: /console is off.");
            }
            for (SupervisorAccounts.Account a : list) {
                out.println(a.name() + "\t" + a.created());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove an account; its token stops working at the next connection.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            if (!users.accounts().remove(name)) {
                spec.commandLine().getErr().println("switchboard: no account named " + name);
                return 1;
            }
            spec.commandLine().getOut().println("Supervisor " + name + " removed.");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
