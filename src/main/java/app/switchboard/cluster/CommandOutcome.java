package app.switchboard.cluster;

/**
 * What became of a supervisor command: accepted by the node that owns the call (which then runs
 * it on the call and records it), or refused with the reason a console can show.
 */
public record CommandOutcome(boolean accepted, String detail) {

    public static final String OWNER_UNREACHABLE = "owner unreachable";

    public static CommandOutcome accepted(String node) {
        return new CommandOutcome(true, node);
    }

    public static CommandOutcome refused(String reason) {
        return new CommandOutcome(false, reason);
    }
}
