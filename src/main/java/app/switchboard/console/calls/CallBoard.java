package app.switchboard.console.calls;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.Observable;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.SortedList;

/**
 * Every call the console knows, built from {@link CallControl}'s history and live events. It is
 * fed on the FX thread once per frame with everything that arrived since the last frame
 * ({@link #apply}); each call applies its share of the batch and publishes once.
 */
public final class CallBoard {

    /** Flagged live calls first, then live calls, then ended ones; oldest first within each. */
    static final Comparator<LiveCall> ORDER = Comparator
            .comparing((LiveCall c) -> !c.needsAttention())
            .thenComparing(LiveCall::isEnded)
            .thenComparing(c -> c.startedAt() == null ? Instant.MAX : c.startedAt())
            .thenComparing(LiveCall::callId);

    /** Ended calls kept in the list; older ones leave it (the store keeps their history). */
    static final int MAX_ENDED_SHOWN = 200;

    private final CallControl control;
    private final Map<String, LiveCall> byId = new HashMap<>();
    // The extractor makes attention and end changes list updates, so the sorted view re-sorts.
    private final ObservableList<LiveCall> calls = FXCollections.observableArrayList(
            c -> new Observable[] {c.attentionProperty(), c.endedProperty()});
    private final SortedList<LiveCall> sorted = new SortedList<>(calls, ORDER);
    private final ReadOnlyIntegerWrapper liveCount = new ReadOnlyIntegerWrapper(this, "liveCount", 0);
    /** Told each batch after the calls applied it (the alert banner); FX thread. */
    private final List<java.util.function.Consumer<List<CallEvent>>> batchListeners = new ArrayList<>();

    public CallBoard(CallControl control) {
        this.control = control;
    }

    /** Loads the calls that exist already, with their history. Call after subscribing. */
    public void loadExisting() {
        List<CallEvent> history = new ArrayList<>();
        for (CallSummary summary : control.calls()) {
            if (!byId.containsKey(summary.callId())) {
                LiveCall call = LiveCall.fromSummary(summary);
                register(call);
                history.addAll(control.events(summary.callId()));
            }
        }
        apply(history);
    }

    /** Applies one frame's worth of events, grouped by call, in arrival order per call. */
    public void apply(List<CallEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, List<CallEvent>> perCall = new LinkedHashMap<>();
        for (CallEvent event : batch) {
            perCall.computeIfAbsent(event.callId(), id -> new ArrayList<>()).add(event);
        }
        for (Map.Entry<String, List<CallEvent>> entry : perCall.entrySet()) {
            LiveCall call = byId.get(entry.getKey());
            List<CallEvent> events = entry.getValue();
            if (call == null) {
                call = newCall(entry.getKey());
                register(call);
                if (events.get(0).seq() > 1) {
                    // We joined mid-call (or missed its start): fetch what came before.
                    call.applyAll(control.events(entry.getKey()));
                }
            }
            call.applyAll(events);
        }
        updateLiveCount();
        forgetOldEndedCalls();
        for (java.util.function.Consumer<List<CallEvent>> listener : batchListeners) {
            listener.accept(batch);
        }
    }

    /** Also hands each applied batch (history at load, then one per pulse) to {@code listener}. */
    public void onBatch(java.util.function.Consumer<List<CallEvent>> listener) {
        batchListeners.add(listener);
    }

    private void forgetOldEndedCalls() {
        int ended = calls.size() - liveCount.get();
        if (ended <= MAX_ENDED_SHOWN) {
            return;
        }
        List<LiveCall> oldest = calls.stream().filter(LiveCall::isEnded)
                .sorted(Comparator.comparing(c -> c.startedAt() == null ? Instant.MIN : c.startedAt()))
                .limit(ended - MAX_ENDED_SHOWN).toList();
        oldest.forEach(c -> byId.remove(c.callId()));
        calls.removeAll(oldest);
    }

    /** Advances every live call's duration. */
    public void tick(Instant now) {
        for (LiveCall call : calls) {
            call.tick(now);
        }
    }

    /** A call first seen through its events; the registry's summary fills what events do not (language). */
    private LiveCall newCall(String callId) {
        for (CallSummary summary : control.calls()) {
            if (summary.callId().equals(callId)) {
                return LiveCall.fromSummary(summary);
            }
        }
        return new LiveCall(callId);
    }

    private void register(LiveCall call) {
        byId.put(call.callId(), call);
        calls.add(call);
    }

    private void updateLiveCount() {
        int live = 0;
        for (LiveCall call : calls) {
            if (!call.isEnded()) {
                live++;
            }
        }
        liveCount.set(live);
    }

    /** All calls in list order (flagged first). */
    public SortedList<LiveCall> sortedCalls() {
        return sorted;
    }

    public LiveCall find(String callId) {
        return byId.get(callId);
    }

    public int size() {
        return calls.size();
    }

    public ReadOnlyIntegerProperty liveCountProperty() {
        return liveCount.getReadOnlyProperty();
    }

    public CallControl control() {
        return control;
    }
}
