package app.switchboard.console.calls;

import java.time.Instant;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One line of a call's conversation as the supervisor reads it: the FX mirror of a
 * {@link TranscriptEntry}. An AI answer grows token by token: tokens collect in the reducer's
 * line and reach the {@link #textProperty() text property} once per frame ({@link #flush}), so a
 * bound label changes at most once per pulse however fast the model streams.
 */
public final class ConversationEntry {

    /** Who or what the line is about; the view styles each kind differently. */
    public enum Kind { CALLER, AI, SUPERVISOR, WHISPER, DTMF, TOOL, ERROR, ATTENTION, NOTE }

    private final Kind kind;
    private final Instant time;
    private final String speaker;
    private final TranscriptEntry source;
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", "");
    private final ReadOnlyStringWrapper unheard = new ReadOnlyStringWrapper(this, "unheard", "");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail", "");
    private final ReadOnlyBooleanWrapper partial = new ReadOnlyBooleanWrapper(this, "partial", false);
    private final ReadOnlyBooleanWrapper streaming = new ReadOnlyBooleanWrapper(this, "streaming", false);

    /** Mirrors a reducer's line; its text as it stands now, its flags from the next {@link #sync}. */
    ConversationEntry(TranscriptEntry source) {
        this.source = source;
        this.kind = source.kind();
        this.time = source.time();
        this.speaker = source.speaker();
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

    // ---- mirroring, by LiveCall only, on the FX thread ----

    /** The text so far, including tokens not yet flushed. */
    String pendingText() {
        return source.text();
    }

    /** Copies the reducer line's flags and annotations; cheap, so done as events are applied. */
    void sync() {
        partial.set(source.isPartial());
        streaming.set(source.isStreaming());
        unheard.set(source.unheard());
        detail.set(source.detail());
    }

    /** Publishes buffered text; returns true when the visible text changed. */
    boolean flush() {
        String value = source.text();
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
