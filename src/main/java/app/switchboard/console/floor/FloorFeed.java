package app.switchboard.console.floor;

import app.switchboard.concurrent.Threads;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.call.EventKind;
import app.switchboard.history.CallHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link FloorStats} on its own thread, off the FX thread: today's stored events first (so
 * the figures survive a restart), then the live calls' events, then every new event, in batches
 * every {@code every}. The latest {@link FloorSnapshot} is published for the FX thread to pick up
 * once per tick; no event ever reaches the FX thread from here.
 */
final class FloorFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FloorFeed.class);
    /** What the floor reads of a stored call; tokens and frames, the bulk of the log, are not read. */
    static final Set<EventKind> STORED_KINDS = EnumSet.of(EventKind.SESSION_STARTED, EventKind.SUPERVISOR_TAKEOVER,
            EventKind.SUPERVISOR_RELEASE, EventKind.SUPERVISOR_END, EventKind.TOOL_CALL, EventKind.FAULT,
            EventKind.FRAME_TOO_LARGE, EventKind.SESSION_CLOSED, EventKind.ATTENTION, EventKind.LATENCY,
            EventKind.CALL_ENDED, EventKind.ALERT, EventKind.ALERT_ACKNOWLEDGED);

    private final CallControl control;
    private final CallHistory history;
    private final Clock clock;
    private final ZoneId zone;
    private final Duration every;
    private final FloorStats stats;
    private final ConcurrentLinkedQueue<CallEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicReference<FloorSnapshot> latest;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(Threads.named("floor-stats"));
    private AutoCloseable subscription;

    /** @param history today's stored calls; null when the console has no store */
    FloorFeed(CallControl control, CallHistory history, Clock clock, ZoneId zone, Duration every) {
        this.control = control;
        this.history = history;
        this.clock = clock;
        this.zone = zone;
        this.every = every;
        this.stats = new FloorStats(zone);
        this.latest = new AtomicReference<>(FloorSnapshot.empty(clock.instant()));
    }

    FloorFeed(CallControl control, CallHistory history) {
        this(control, history, Clock.systemUTC(), ZoneId.systemDefault(), Duration.ofMillis(500));
    }

    /** Subscribes first (nothing is missed), then loads today and starts the updates. */
    void start() {
        subscription = control.subscribe(queue::add);
        thread.execute(this::seed);
        thread.scheduleWithFixedDelay(this::update, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void seed() {
        Instant today = clock.instant().atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        if (history != null) {
            try {
                history.eventsOfCallsSince(today, STORED_KINDS).forEach(stats::apply);
            } catch (RuntimeException e) {
                LOG.warn("The floor could not read today's calls from the history; it counts from now on", e);
            }
        }
        try {
            for (CallSummary call : control.calls()) {
                control.events(call.callId()).forEach(stats::apply);
            }
        } catch (RuntimeException e) {
            LOG.warn("The floor could not read the live calls", e);
        }
    }

    private void update() {
        try {
            CallEvent event;
            while ((event = queue.poll()) != null) {
                stats.apply(event);
            }
            latest.set(stats.snapshot(clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("Updating the floor figures failed", e);
        }
    }

    /** The newest figures (any thread). */
    FloorSnapshot latest() {
        return latest.get();
    }

    @Override
    public void close() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("Unsubscribing the floor failed", e);
            }
        }
        thread.shutdownNow();
    }
}
