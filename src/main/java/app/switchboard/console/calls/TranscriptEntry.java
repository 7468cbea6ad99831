package app.switchboard.console.calls;

import java.time.Instant;

/**
 * One line of a call's conversation as {@link TranscriptReducer} builds it: plain Java, no
 * JavaFX, so the history rebuild, a remote console and tests can read a transcript without the
 * FX toolkit. The text is always current; {@link ConversationEntry} mirrors it into properties
 * once per frame for the live console.
 */
public final class TranscriptEntry {

    private final ConversationEntry.Kind kind;
    /** The seq of the event that began the line (its later tokens may come from later events). */
    private final long seq;
    private final Instant time;
    private final String speaker;
    private final StringBuilder text = new StringBuilder();
    private String unheard = "";
    private String detail = "";
    private boolean partial;
    private boolean streaming;

    TranscriptEntry(ConversationEntry.Kind kind, long seq, Instant time, String speaker, String text) {
        this.kind = kind;
        this.seq = seq;
        this.time = time;
        this.speaker = speaker;
        replace(text);
    }

    public ConversationEntry.Kind kind() {
        return kind;
    }

    public long seq() {
        return seq;
    }

    public Instant time() {
        return time;
    }

    /** "Caller", "AI", "Supervisor", … */
    public String speaker() {
        return speaker;
    }

    /** The text so far, including every token applied. */
    public String text() {
        return text.toString();
    }

    /** The part of an interrupted AI answer the caller never heard. */
    public String unheard() {
        return unheard;
    }

    /** A short annotation after the text, e.g. why an answer was cut. */
    public String detail() {
        return detail;
    }

    /** A caller transcript that may still change (a partial prompt). */
    public boolean isPartial() {
        return partial;
    }

    /** An AI answer still arriving. */
    public boolean isStreaming() {
        return streaming;
    }

    // ---- mutation, by TranscriptReducer only ----

    void append(String token) {
        text.append(token);
    }

    void replace(String value) {
        text.setLength(0);
        text.append(value == null ? "" : value);
    }

    void setPartial(boolean value) {
        partial = value;
    }

    void setStreaming(boolean value) {
        streaming = value;
    }

    void setUnheard(String value) {
        unheard = value == null ? "" : value;
    }

    void setDetail(String value) {
        detail = value == null ? "" : value;
    }

    @Override
    public String toString() {
        return kind + " " + speaker + ": " + text + (unheard.isEmpty() ? "" : " ~~" + unheard + "~~");
    }
}
