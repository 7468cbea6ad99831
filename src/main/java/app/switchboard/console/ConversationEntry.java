package app.switchboard.console;

import java.time.Instant;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One line of a call's conversation as the supervisor reads it. An AI answer grows token by
 * token: tokens collect in a buffer and reach the {@link #textProperty() text property} once per
 * frame ({@link #flush}), so a bound label changes at most once per pulse however fast the
 * model streams.
 */
public final class ConversationEntry {

    /** Who or what the line is about; the view styles each kind differently. */
    public enum Kind { CALLER, AI, SUPERVISOR, WHISPER, DTMF, TOOL, ERROR, ATTENTION, NOTE }

    private final Kind kind;
    private final Instant time;
    private final String speaker;
    private final StringBuilder buffer = new StringBuilder();
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", "");
    private final ReadOnlyStringWrapper unheard = new ReadOnlyStringWrapper(this, "unheard", "");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail", "");
    private final ReadOnlyBooleanWrapper partial = new ReadOnlyBooleanWrapper(this, "partial", false);
    private final ReadOnlyBooleanWrapper streaming = new ReadOnlyBooleanWrapper(this, "streaming", false);
    private boolean dirty;

    ConversationEntry(Kind kind, Instant time, String speaker, String text) {
        this.kind = kind;
        this.time = time;
        this.speaker = speaker;
        replace(text);
        flush();
    }

    public Kind kind() {
        return kind;
    }

    public Instant time() {
        return time;
    }

    /** "Caller", "AI", "Supervisor", … */
    public String speaker() {
        return speaker;
    }

    public ReadOnlyStringProperty textProperty() {
        return text.getReadOnlyProperty();
    }

    public String text() {
        return text.get();
    }

    /** The part of an interrupted AI answer the caller never heard (shown struck through). */
    public ReadOnlyStringProperty unheardProperty() {
        return unheard.getReadOnlyProperty();
    }

    public String unheard() {
        return unheard.get();
    }

    /** A short annotation after the text, e.g. why an answer was cut. */
    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }

    public String detail() {
        return detail.get();
    }

    /** A caller transcript that may still change (a partial prompt). */
    public ReadOnlyBooleanProperty partialProperty() {
        return partial.getReadOnlyProperty();
    }

    public boolean isPartial() {
        return partial.get();
    }

    /** An AI answer still arriving. */
    public ReadOnlyBooleanProperty streamingProperty() {
        return streaming.getReadOnlyProperty();
    }

    public boolean isStreaming() {
        return streaming.get();
    }

    // ---- mutation, by LiveCall only, on the FX thread ----

    void append(String token) {
        buffer.append(token);
        dirty = true;
    }

    void replace(String value) {
        buffer.setLength(0);
        buffer.append(value == null ? "" : value);
        dirty = true;
    }

    /** The text so far, including tokens not yet flushed. */
    String pendingText() {
        return buffer.toString();
    }

    void setPartial(boolean value) {
        partial.set(value);
    }

    void setStreaming(boolean value) {
        streaming.set(value);
    }

    void setUnheard(String value) {
        unheard.set(value == null ? "" : value);
    }

    void setDetail(String value) {
        detail.set(value == null ? "" : value);
    }

    /** Publishes buffered text; returns true when the visible text changed. */
    boolean flush() {
        if (!dirty) {
            return false;
        }
        dirty = false;
        String value = buffer.toString();
        if (value.equals(text.get())) {
            return false;
        }
        text.set(value);
        return true;
    }

    @Override
    public String toString() {
        return kind + " " + speaker + ": " + pendingText() + (unheard.get().isEmpty() ? "" : " ~~" + unheard.get() + "~~");
    }
}
