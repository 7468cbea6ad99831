package app.switchboard.call;

import java.util.Objects;

/**
 * What became of one supervisor command sent to a remote relay: accepted (the call's
 * SUPERVISOR_* event follows) or refused, with the reason to show. In process, commands are
 * handed to the call directly and no outcome is reported.
 *
 * @param command what was asked, in words ("say", "take over", …)
 */
public record CommandOutcome(String callId, String command, boolean accepted, String reason) {
    public CommandOutcome {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(command, "command");
        if (!accepted && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a refusal says why");
        }
    }

    public static CommandOutcome accepted(String callId, String command) {
        return new CommandOutcome(callId, command, true, null);
    }

    public static CommandOutcome refused(String callId, String command, String reason) {
        return new CommandOutcome(callId, command, false, reason);
    }
}
