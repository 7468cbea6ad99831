package app.switchboard.media;

/** Which side of the call a listener hears. */
public enum Mix {
    CALLER("Caller"),
    AGENT("Agent"),
    BOTH("Both");

    private final String label;

    Mix(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
