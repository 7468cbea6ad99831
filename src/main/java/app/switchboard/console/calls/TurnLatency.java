package app.switchboard.console.calls;

/**
 * The latency marks of one answered turn, in milliseconds from the caller's final prompt
 * (from the core's LATENCY event). {@code firstTokenMs} is null when no token ever came.
 */
public record TurnLatency(long turn, double requestMs, Double firstTokenMs, Double firstFrameMs, double lastTokenMs) {

    /** Time from the prompt to the first token, or to the end when no token came. */
    public double toFirstToken() {
        return firstTokenMs == null ? lastTokenMs : firstTokenMs;
    }

    /** Time from the first token to the last. */
    public double streaming() {
        return Math.max(0, lastTokenMs - toFirstToken());
    }
}
