package app.switchboard.supervisor;

import app.switchboard.call.CommandOutcome;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote console's commands: each sent over the connection up now and its reply logged and
 * reported to the outcome listeners. While disconnected a command is refused at once and
 * reported the same way: it is never queued for later.
 */
final class RemoteCommands {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCommands.class);

    private final String relay;
    private final List<Consumer<CommandOutcome>> outcomeListeners = new CopyOnWriteArrayList<>();

    RemoteCommands(String relay) {
        this.relay = relay;
    }

    AutoCloseable subscribe(Consumer<CommandOutcome> listener) {
        outcomeListeners.add(listener);
        return () -> outcomeListeners.remove(listener);
    }

    /** @param c the client of the connection up now, or null while disconnected */
    void send(SupervisorClient c, String callId, String what, Function<SupervisorClient, CompletableFuture<Reply>> send) {
        if (c == null) {
            String why = "not connected to relay " + relay + "; the command was not sent";
            LOG.warn("{} on call {} refused: {}", what, callId, why);
            report(CommandOutcome.refused(callId, what, why));
            return;
        }
        send.apply(c).whenComplete((reply, failure) -> {
            if (failure != null) {
                String why = "the connection dropped before the relay answered; the command may not have run";
                LOG.warn("{} on call {}: {}", what, callId, why);
                report(CommandOutcome.refused(callId, what, why));
            } else if (reply.isAccepted()) {
                LOG.info("{} on call {} accepted by relay {}", what, callId, relay);
                report(CommandOutcome.accepted(callId, what));
            } else {
                LOG.warn("{} on call {} refused by relay {}: {}", what, callId, relay, reply.reason());
                report(CommandOutcome.refused(callId, what, reply.reason()));
            }
        });
    }

    void report(CommandOutcome outcome) {
        for (Consumer<CommandOutcome> l : outcomeListeners) {
            try {
                l.accept(outcome);
            } catch (RuntimeException e) {
                LOG.warn("A command outcome listener failed", e);
            }
        }
    }

}
