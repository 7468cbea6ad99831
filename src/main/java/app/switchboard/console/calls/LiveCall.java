package app.switchboard.console.calls;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.call.SupervisorPresence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The console's model of one call, rebuilt from its {@link CallEvent}s: what the call list shows
 * (caller, state, language, duration, last latency, attention as raised by the call model's
 * ATTENTION events) and what the detail shows (the
 * conversation, latency per turn, the AI's draft while the supervisor holds the call).
 *
 * <p>The events are reduced by a {@link TranscriptReducer} (plain Java); this class is its JavaFX
 * face: it mirrors what the reducer reports into plain JavaFX properties and lists, no controls,
 * and publishes growing text once per frame ({@link #flush}). Fed on the FX thread by
 * {@link CallBoard} one batch per frame, and by plain JUnit in tests. Events at or below the last
 * applied {@code seq} are ignored, so history and live events may overlap.
 */
public final class LiveCall {

    static final int LATENCY_TURNS = TranscriptReducer.LATENCY_TURNS;
    static final int MAX_ENTRIES = TranscriptReducer.MAX_ENTRIES;

    private final String callId;
    private final ReadOnlyStringWrapper caller = new ReadOnlyStringWrapper(this, "caller", "");
    private final ReadOnlyStringWrapper callee = new ReadOnlyStringWrapper(this, "callee", "");
    private final ReadOnlyObjectWrapper<CallState> state = new ReadOnlyObjectWrapper<>(this, "state", CallState.GREETING);
    private final ReadOnlyStringWrapper stateLabel = new ReadOnlyStringWrapper(this, "stateLabel", CallState.GREETING.label());
    private final ReadOnlyStringWrapper language = new ReadOnlyStringWrapper(this, "language", "");
    private final ReadOnlyStringWrapper durationText = new ReadOnlyStringWrapper(this, "durationText", "0:00");
    private final ReadOnlyStringWrapper latencyText = new ReadOnlyStringWrapper(this, "latencyText", "");
    private final ReadOnlyBooleanWrapper attention = new ReadOnlyBooleanWrapper(this, "attention", false);
    private final ReadOnlyStringWrapper attentionText = new ReadOnlyStringWrapper(this, "attentionText", "");
    private final ReadOnlyBooleanWrapper ended = new ReadOnlyBooleanWrapper(this, "ended", false);
    /** The call list's alert marker: "⚠ 2" (the most urgent open alert's symbol and how many are open); empty when none. */
    private final ReadOnlyStringWrapper alertMarker = new ReadOnlyStringWrapper(this, "alertMarker", "");
    private final ReadOnlyBooleanWrapper supervisorHolds = new ReadOnlyBooleanWrapper(this, "supervisorHolds", false);
    /** The supervisor's barge-in choice; null while the TwiML's own setting applies. */
    private final ReadOnlyObjectWrapper<Boolean> interruptible = new ReadOnlyObjectWrapper<>(this, "interruptible");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper disposition = new ReadOnlyStringWrapper(this, "disposition", "");
    private final ReadOnlyObjectWrapper<Instant> startedAt = new ReadOnlyObjectWrapper<>(this, "startedAt");
    /** Who holds and who watches the call ("alice holds · bob watching"); empty when nobody. */
    private final ReadOnlyStringWrapper presenceText = new ReadOnlyStringWrapper(this, "presenceText", "");
    /** The AI's draft reply while the supervisor holds the call; the supervisor may edit it. */
    private final StringProperty draft = new SimpleStringProperty(this, "draft", "");
    private final ObservableList<ConversationEntry> entries = FXCollections.observableArrayList();
    private final ObservableList<ConversationEntry> entriesView = FXCollections.unmodifiableObservableList(entries);
    private final ObservableList<TurnLatency> latencies = FXCollections.observableArrayList();
    private final ObservableList<TurnLatency> latenciesView = FXCollections.unmodifiableObservableList(latencies);

    /** The seq before which the conversation shows nothing (older events are in the store); 0 or 1: nothing before. */
    private final ReadOnlyLongWrapper earliestSeq = new ReadOnlyLongWrapper(this, "earliestSeq", 0);
    /** Where the pages read back from the store begin; 0 while none was read. */
    private long earlierFrom;

    private final TranscriptReducer reducer = new TranscriptReducer(new Mirror());
    /** The FX line mirroring each reducer line still in the list. */
    private final Map<TranscriptEntry, ConversationEntry> mirrors = new IdentityHashMap<>();
    private final Set<ConversationEntry> growing = new LinkedHashSet<>();
    /** What the AI last put in the draft box; when the box differs, the supervisor has edited it. */
    private String draftShown = "";
    private boolean draftDirty;

    public LiveCall(String callId) {
        this.callId = callId;
    }

    /** A call known from the registry's list before any of its events were applied. */
    static LiveCall fromSummary(CallSummary summary) {
        LiveCall call = new LiveCall(summary.callId());
        call.reducer.seed(summary);
        return call;
    }

    // ---- read side ----

    public String callId() {
        return callId;
    }

    public ReadOnlyStringProperty callerProperty() {
        return caller.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty calleeProperty() {
        return callee.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<CallState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public CallState state() {
        return state.get();
    }

    public ReadOnlyStringProperty stateLabelProperty() {
        return stateLabel.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty presenceTextProperty() {
        return presenceText.getReadOnlyProperty();
    }

    /** On the FX thread: the supervisors on the floor changed. */
    void presence(SupervisorPresence presence) {
        presenceText.set(presenceText(presence, callId));
    }

    /** "alice holds · bob, carol watching": the holder first, then the others who have the call open. */
    static String presenceText(SupervisorPresence presence, String callId) {
        String holder = presence.heldBy(callId);
        List<String> watching = new java.util.ArrayList<>(presence.watching(callId));
        watching.remove(holder);
        StringBuilder text = new StringBuilder();
        if (holder != null) {
            text.append(holder).append(" holds");
        }
        if (!watching.isEmpty()) {
            text.append(text.isEmpty() ? "" : " \u00b7 ").append(String.join(", ", watching)).append(" watching");
        }
        return text.toString();
    }

    public ReadOnlyStringProperty languageProperty() {
        return language.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty durationTextProperty() {
        return durationText.getReadOnlyProperty();
    }

    /** Last answered turn: "320 ms" to the first token. */
    public ReadOnlyStringProperty latencyTextProperty() {
        return latencyText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty attentionProperty() {
        return attention.getReadOnlyProperty();
    }

    public boolean needsAttention() {
        return attention.get();
    }

    /** The attention reasons, joined for a badge's tooltip. */
    public ReadOnlyStringProperty attentionTextProperty() {
        return attentionText.getReadOnlyProperty();
    }

    public List<String> attentionReasons() {
        return reducer.attentionReasons();
    }

    public ReadOnlyStringProperty alertMarkerProperty() {
        return alertMarker.getReadOnlyProperty();
    }

    /** The unacknowledged alerts in words, for the marker's tooltip. */
    public List<String> openAlerts() {
        return reducer.openAlerts();
    }

    public ReadOnlyBooleanProperty endedProperty() {
        return ended.getReadOnlyProperty();
    }

    public boolean isEnded() {
        return ended.get();
    }

    public ReadOnlyBooleanProperty supervisorHoldsProperty() {
        return supervisorHolds.getReadOnlyProperty();
    }

    public boolean supervisorHolds() {
        return supervisorHolds.get();
    }

    /** Whether the caller may interrupt the AI, as the supervisor last set it; null: as the TwiML says. */
    public ReadOnlyObjectProperty<Boolean> interruptibleProperty() {
        return interruptible.getReadOnlyProperty();
    }

    /** The post-call summary; empty until written after the end. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** The summary's disposition in words ("caller hung up"); empty until the summary. */
    public ReadOnlyStringProperty dispositionProperty() {
        return disposition.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Instant> startedAtProperty() {
        return startedAt.getReadOnlyProperty();
    }

    public Instant startedAt() {
        return startedAt.get();
    }

    public StringProperty draftProperty() {
        return draft;
    }

    public ObservableList<ConversationEntry> entries() {
        return entriesView;
    }

    /** The last {@value #LATENCY_TURNS} answered turns, oldest first. */
    public ObservableList<TurnLatency> latencies() {
        return latenciesView;
    }

    long lastSeq() {
        return reducer.lastSeq();
    }

    // ---- write side (FX thread, or a test) ----

    /** Applies events in order, then publishes the text they grew; one call per frame. */
    public void applyAll(List<CallEvent> events) {
        for (CallEvent event : events) {
            apply(event);
        }
        flush();
    }

    /** Applies one event; growing text is published by {@link #flush}. */
    void apply(CallEvent event) {
        reducer.apply(event);
    }

    /** The seq before which the conversation shows nothing; older events are in the store. */
    public ReadOnlyLongProperty earliestSeqProperty() {
        return earliestSeq.getReadOnlyProperty();
    }

    /**
     * Puts an older page of the call, read back from the store, in front of the conversation.
     * An empty page means the store has nothing older: the conversation then starts at seq 1.
     */
    public void showEarlier(List<CallEvent> older) {
        List<ConversationEntry> lines = new ArrayList<>();
        for (TranscriptEntry line : TranscriptReducer.transcriptOf(older)) {
            lines.add(new ConversationEntry(line));
        }
        entries.addAll(0, lines);
        earlierFrom = older.isEmpty() ? 1 : older.get(0).seq();
        earliestSeq.set(earlierFrom);
    }

    /** Publishes text grown since the last flush (answers, partials, the draft). */
    public void flush() {
        if (earlierFrom == 0) {
            earliestSeq.set(reducer.earliestShownSeq());
        }
        for (ConversationEntry entry : growing) {
            entry.flush();
        }
        growing.clear();
        if (draftDirty) {
            draftDirty = false;
            String next = reducer.draft();
            // Only overwrite what the AI wrote itself; never the supervisor's edits.
            if (draft.get().equals(draftShown)) {
                draft.set(next);
            }
            draftShown = next;
        }
    }

    /** Updates the ticking duration; called about once a second. */
    public void tick(Instant now) {
        Instant start = startedAt.get();
        if (start == null) {
            return;
        }
        Instant end = reducer.endedAt() != null ? reducer.endedAt() : now;
        long seconds = Math.max(0, Duration.between(start, end).getSeconds());
        String text = seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
        if (!text.equals(durationText.get())) {
            durationText.set(text);
        }
    }

    /** The supervisor sent the draft (or cleared it): the box starts empty for the next one. */
    public void clearDraft() {
        draft.set("");
        draftShown = "";
    }

    /** What the reducer reports, mirrored as it happens; text waits for the {@link #flush}. */
    private final class Mirror implements TranscriptReducer.Listener {

        @Override
        public void entryAdded(TranscriptEntry entry) {
            ConversationEntry mirror = new ConversationEntry(entry);
            mirrors.put(entry, mirror);
            entries.add(mirror);
        }

        @Override
        public void entriesDropped(List<TranscriptEntry> dropped) {
            Set<ConversationEntry> gone = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (TranscriptEntry entry : dropped) {
                ConversationEntry mirror = mirrors.remove(entry);
                growing.remove(mirror);
                gone.add(mirror);
            }
            // By identity: lines read back from the store may stand in front of the live ones.
            entries.removeIf(gone::contains);
            if (earlierFrom != 0) {
                // The pages read back no longer join the live lines: what fell off is only in the store again.
                earlierFrom = 0;
                Set<ConversationEntry> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                live.addAll(mirrors.values());
                entries.removeIf(e -> !live.contains(e));
            }
        }

        @Override
        public void entryChanged(TranscriptEntry entry) {
            ConversationEntry mirror = mirrors.get(entry);
            if (mirror == null) {
                return; // fell off the front of a very long call
            }
            mirror.sync();
            growing.add(mirror);
        }

        @Override
        public void factsChanged() {
            caller.set(reducer.caller());
            callee.set(reducer.callee());
            language.set(reducer.language());
            startedAt.set(reducer.startedAt());
            ended.set(reducer.isEnded());
            state.set(reducer.state());
            stateLabel.set(reducer.state().label());
            supervisorHolds.set(reducer.supervisorHolds());
            interruptible.set(reducer.interruptible());
            summary.set(reducer.summary());
            disposition.set(reducer.disposition());
            attentionText.set(String.join("; ", reducer.attentionReasons()));
            attention.set(reducer.needsAttention());
            app.switchboard.call.AlertRule.Severity worst = reducer.openAlertSeverity();
            alertMarker.set(worst == null ? "" : worst.icon() + " " + reducer.openAlerts().size());
            if (reducer.endedAt() != null) {
                tick(reducer.endedAt());
            }
        }

        @Override
        public void latencyAdded(TurnLatency latency) {
            latencies.add(latency);
            if (latencies.size() > LATENCY_TURNS) {
                latencies.remove(0, latencies.size() - LATENCY_TURNS);
            }
            latencyText.set(Math.round(latency.toFirstToken()) + " ms");
        }

        @Override
        public void draftChanged() {
            draftDirty = true;
        }
    }

    @Override
    public String toString() {
        return "LiveCall[" + callId + " " + caller.get() + " " + state.get() + "]";
    }
}
