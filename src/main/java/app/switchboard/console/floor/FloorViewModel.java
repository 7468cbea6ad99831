package app.switchboard.console.floor;

import app.switchboard.call.CallControl;
import app.switchboard.history.CallHistory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The floor band's state: each figure as the text it shows, and the last hour as two series.
 * {@link #refresh} runs on the FX thread once per console tick and only copies the newest
 * {@link FloorSnapshot} (computed elsewhere) into properties, and only when it is a new one.
 */
public final class FloorViewModel implements AutoCloseable {

    private final Supplier<FloorSnapshot> source;
    private final AutoCloseable owner;
    private FloorSnapshot shown;

    private final ReadOnlyStringWrapper live = new ReadOnlyStringWrapper(this, "live", "0");
    private final ReadOnlyStringWrapper waiting = new ReadOnlyStringWrapper(this, "waiting", "0");
    private final ReadOnlyStringWrapper flagged = new ReadOnlyStringWrapper(this, "flagged", "0");
    /** "2 open alerts" under the flagged figure; "no open alert" when none. */
    private final ReadOnlyStringWrapper openAlerts = new ReadOnlyStringWrapper(this, "openAlerts", "no open alert");
    private final ReadOnlyStringWrapper containment = new ReadOnlyStringWrapper(this, "containment", "\u2014");
    private final ReadOnlyStringWrapper containmentDetail = new ReadOnlyStringWrapper(this, "containmentDetail", "no call ended today");
    private final ReadOnlyStringWrapper handoffs = new ReadOnlyStringWrapper(this, "handoffs", "0");
    private final ReadOnlyStringWrapper handleTime = new ReadOnlyStringWrapper(this, "handleTime", "\u2014");
    private final ReadOnlyStringWrapper latency = new ReadOnlyStringWrapper(this, "latency", "\u2014");
    private final ReadOnlyStringWrapper latencyDetail = new ReadOnlyStringWrapper(this, "latencyDetail", "no answered turn today");
    private final ReadOnlyStringWrapper faults = new ReadOnlyStringWrapper(this, "faults", "0");
    private final ReadOnlyBooleanWrapper someoneWaiting = new ReadOnlyBooleanWrapper(this, "someoneWaiting", false);
    private final ReadOnlyBooleanWrapper anyFlagged = new ReadOnlyBooleanWrapper(this, "anyFlagged", false);
    private final ReadOnlyBooleanWrapper anyFault = new ReadOnlyBooleanWrapper(this, "anyFault", false);
    private final ReadOnlyObjectWrapper<double[]> callsPerSlice = new ReadOnlyObjectWrapper<>(this, "callsPerSlice", new double[0]);
    private final ReadOnlyObjectWrapper<double[]> latencyPerSlice = new ReadOnlyObjectWrapper<>(this, "latencyPerSlice", new double[0]);
    private final ReadOnlyStringWrapper hourSummary = new ReadOnlyStringWrapper(this, "hourSummary", "");

    /** @param source the newest snapshot (read on the FX thread; must not block); {@code owner} is closed with this */
    FloorViewModel(Supplier<FloorSnapshot> source, AutoCloseable owner) {
        this.source = source;
        this.owner = owner;
    }

    /** A floor computed by a {@link FloorFeed} it starts now and closes with itself. */
    static FloorViewModel over(FloorFeed feed) {
        feed.start();
        return new FloorViewModel(feed::latest, feed);
    }

    /** The console's floor: live calls from {@code calls}, today's ended ones from {@code history}. */
    public static FloorViewModel over(CallControl calls, CallHistory history) {
        return over(new FloorFeed(calls, history));
    }

    /** Shows the newest snapshot; FX thread, once per tick. */
    public void refresh() {
        FloorSnapshot next = source.get();
        if (next == null || next == shown) {
            return;
        }
        shown = next;
        live.set(Integer.toString(next.live()));
        waiting.set(Integer.toString(next.waitingForHuman()));
        someoneWaiting.set(next.waitingForHuman() > 0);
        flagged.set(Integer.toString(next.flagged()));
        anyFlagged.set(next.flagged() > 0 || next.openAlerts() > 0);
        openAlerts.set(next.openAlerts() == 0 ? "no open alert"
                : next.openAlerts() == 1 ? "1 open alert" : next.openAlerts() + " open alerts");
        Double share = next.containment();
        containment.set(share == null ? "\u2014" : Math.round(share * 100) + "%");
        containmentDetail.set(share == null ? "no call ended today"
                : next.containedToday() + " of " + next.endedToday() + " ended");
        handoffs.set(Integer.toString(next.handoffsToday()));
        handleTime.set(next.averageHandle() == null ? "\u2014" : duration(next.averageHandle()));
        latency.set(next.firstTokenP50() == null ? "\u2014" : both(next.firstTokenP50(), next.firstTokenP95()));
        latencyDetail.set(next.firstTokenP50() == null ? "no answered turn today" : "today's answers");
        faults.set(Integer.toString(next.faultsToday()));
        anyFault.set(next.faultsToday() > 0);
        List<FloorSnapshot.Bucket> buckets = next.buckets();
        callsPerSlice.set(buckets.stream().mapToDouble(FloorSnapshot.Bucket::callsStarted).toArray());
        latencyPerSlice.set(buckets.stream()
                .mapToDouble(b -> b.firstTokenP95() == null ? Double.NaN : b.firstTokenP95()).toArray());
        int started = buckets.stream().mapToInt(FloorSnapshot.Bucket::callsStarted).sum();
        hourSummary.set(started + (started == 1 ? " call" : " calls") + " in the last hour");
    }

    static String duration(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** "320 / 910 ms": one unit when both are under ten seconds, so the tile stays narrow. */
    static String both(Double p50, Double p95) {
        return p95 < 10_000 ? Math.round(p50) + " / " + Math.round(p95) + " ms" : ms(p50) + " / " + ms(p95);
    }

    static String ms(Double value) {
        if (value == null) {
            return "\u2014";
        }
        return value >= 10_000 ? String.format(Locale.ROOT, "%.1f s", value / 1000) : Math.round(value) + " ms";
    }

    FloorSnapshot shown() {
        return shown;
    }

    public ReadOnlyStringProperty liveProperty() {
        return live.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty waitingProperty() {
        return waiting.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty openAlertsProperty() {
        return openAlerts.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty flaggedProperty() {
        return flagged.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty containmentProperty() {
        return containment.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty containmentDetailProperty() {
        return containmentDetail.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty handoffsProperty() {
        return handoffs.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty handleTimeProperty() {
        return handleTime.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty latencyProperty() {
        return latency.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty latencyDetailProperty() {
        return latencyDetail.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty faultsProperty() {
        return faults.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty someoneWaitingProperty() {
        return someoneWaiting.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty anyFlaggedProperty() {
        return anyFlagged.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty anyFaultProperty() {
        return anyFault.getReadOnlyProperty();
    }

    /** Calls started per 5 minutes over the last hour, oldest first. */
    public ReadOnlyObjectProperty<double[]> callsPerSliceProperty() {
        return callsPerSlice.getReadOnlyProperty();
    }

    /** First-token p95 per 5 minutes, ms; NaN for a slice without answered turns. */
    public ReadOnlyObjectProperty<double[]> latencyPerSliceProperty() {
        return latencyPerSlice.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty hourSummaryProperty() {
        return hourSummary.getReadOnlyProperty();
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception ignored) {
            // Only a thread and a listener to let go of.
        }
    }
}
