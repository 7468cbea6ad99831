package app.switchboard.call;

/** How a call ended, as the post-call summary and the floor report it. Stored by name: add, never rename. */
public enum Disposition {
    /** The AI (or a supervisor, without a handoff) closed the call. */
    RESOLVED("resolved"),
    /** A supervisor or the AI's transfer tool handed the caller to a person. */
    HANDED_TO_HUMAN("handed to a human"),
    /** The caller hung up before anyone closed the call. */
    CALLER_HUNG_UP("caller hung up"),
    /** The relay session was lost, or the AI's last answer failed. */
    FAULT("fault");

    private final String label;

    Disposition(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The disposition stored under {@code name}, or null for a name this version does not know. */
    public static Disposition of(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
