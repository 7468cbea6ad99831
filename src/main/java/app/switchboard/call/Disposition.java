package app.switchboard.call;

/** How a call ended, as the post-call summary and the floor report it. Stored by name: add, never rename. */
public enum Disposition {
    /** The AI (or a supervisor, without a handoff) closed the call. */
    RESOLVED("resolved", "resolved"),
    /** A supervisor or the AI's transfer tool handed the caller to a person. */
    HANDED_TO_HUMAN("handed to a human", "to a human"),
    /** The caller hung up before anyone closed the call. */
    CALLER_HUNG_UP("caller hung up", "hung up"),
    /** The relay session was lost, or the AI's last answer failed. */
    FAULT("fault", "fault");

    private final String label;
    private final String shortLabel;

    Disposition(String label, String shortLabel) {
        this.label = label;
        this.shortLabel = shortLabel;
    }

    /** A narrow column's words. */
    public String shortLabel() {
        return shortLabel;
    }

    /** The disposition whose {@link #label()} is {@code label}, or null. */
    public static Disposition ofLabel(String label) {
        for (Disposition d : values()) {
            if (d.label.equals(label)) {
                return d;
            }
        }
        return null;
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
