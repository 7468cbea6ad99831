package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallHistory;
import app.switchboard.history.CallPage;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import app.switchboard.history.StoreHealth;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A relay's call history, read over its supervisor API: what the console's History view uses
 * when it is connected to a remote relay. Each method is one or more bounded requests on the
 * {@code /console} connection and blocks until answered (the console calls them off the FX
 * thread, as it does the local store). A refusal or a lost connection is an exception.
 *
 * <p>The store's health comes with each search page: {@link #health()} is the last one seen.
 */
public final class RemoteCallHistory implements CallHistory {

    /** The connection to ask on: a remote console's changes at each reconnect. */
    private final Supplier<SupervisorClient> client;
    private final Duration timeout;
    private final List<Consumer<StoreHealth>> healthListeners = new CopyOnWriteArrayList<>();
    private volatile StoreHealth health = new StoreHealth(StoreHealth.Status.OK, null, 0, 0, Instant.now());

    private final int eventsPerPage;

    public RemoteCallHistory(SupervisorClient client, Duration timeout) {
        this(() -> client, timeout, SupervisorMessage.MAX_EVENTS_PER_PAGE);
    }

    /**
     * Over whichever connection {@code client} returns at each request (a reconnecting console's
     * current one); while it returns null, requests fail as "not connected".
     */
    public RemoteCallHistory(Supplier<SupervisorClient> client, Duration timeout) {
        this(client, timeout, SupervisorMessage.MAX_EVENTS_PER_PAGE);
    }

    /** With smaller pages of events than the relay allows (tests page through a short call). */
    RemoteCallHistory(SupervisorClient client, Duration timeout, int eventsPerPage) {
        this(() -> client, timeout, eventsPerPage);
    }

    private RemoteCallHistory(Supplier<SupervisorClient> client, Duration timeout, int eventsPerPage) {
        this.client = client;
        this.timeout = timeout;
        this.eventsPerPage = eventsPerPage;
    }

    private SupervisorClient connected() {
        SupervisorClient c = client.get();
        if (c == null) {
            throw new IllegalStateException("not connected to the relay: its history is out of reach until the console reconnects");
        }
        return c;
    }

    @Override
    public CallPage page(HistoryQuery query) {
        // A page the relay would refuse is asked for in the largest size it allows.
        int limit = Math.max(1, Math.min(query.limit(), SupervisorMessage.MAX_CALLS_PER_PAGE));
        CallPage[] page = new CallPage[1];
        await(connected().request(new SupervisorMessage.HistorySearch(SupervisorClient.newCommandId(), query.number(),
                query.from(), query.until(), query.text(), query.offset(), limit), part -> {
            SupervisorMessage.HistoryPage p = (SupervisorMessage.HistoryPage) part;
            page[0] = new CallPage(p.calls(), p.offset(), p.total());
            healthSeen(p.store(), p.storeMessage());
        }));
        return page[0];
    }

    @Override
    public List<CallEvent> events(String callId) {
        List<CallEvent> events = new ArrayList<>();
        long after = 0;
        while (true) {
            boolean[] more = new boolean[1];
            int before = events.size();
            await(connected().request(new SupervisorMessage.OpenCall(SupervisorClient.newCommandId(), callId, after,
                    eventsPerPage), part -> {
                SupervisorMessage.CallEvents page = (SupervisorMessage.CallEvents) part;
                events.addAll(page.events());
                more[0] = page.more();
            }));
            if (!more[0] || events.size() == before) {
                return events;
            }
            after = events.get(events.size() - 1).seq();
        }
    }

    /** Read from the call's events, as the store reads its SUPERVISOR_* rows. */
    @Override
    public List<AuditEntry> auditTrail(String callId) {
        List<AuditEntry> entries = new ArrayList<>();
        for (CallEvent e : events(callId)) {
            String kind = e.kind().name();
            if (!AuditEntry.isAudited(e.kind())) {
                continue;
            }
            Map<String, Object> details = EventPayloadJson.toMap(e.payload());
            Object operator = e.payload() instanceof EventPayload.SupervisorAction a ? a.operator() : details.get("operator");
            details.remove("operator");
            entries.add(new AuditEntry(e.time(), AuditEntry.action(kind),
                    operator == null ? null : operator.toString(), e.seq(), details));
        }
        return entries;
    }

    @Override
    public long export(HistoryQuery query, ExportFormat format, Path target, ExportProgress progress) {
        return download(new SupervisorMessage.Export(SupervisorClient.newCommandId(), format, null, query.number(),
                query.from(), query.until(), query.text()), target, progress);
    }

    @Override
    public long exportCall(String callId, ExportFormat format, Path target, ExportProgress progress) {
        return download(new SupervisorMessage.Export(SupervisorClient.newCommandId(), format, callId, null, null, null,
                null), target, progress);
    }

    /** Writes the chunks beside {@code target} and moves the file into place: whole or not at all, as locally. */
    private long download(SupervisorMessage.Export request, Path target, ExportProgress progress) {
        Path dir = target.toAbsolutePath().getParent();
        Path part = null;
        long[] events = new long[1];
        try {
            part = Files.createTempFile(dir, target.getFileName().toString(), ".part");
            SupervisorClient asked = connected();
            try (OutputStream out = Files.newOutputStream(part)) {
                CompletableFuture<Void> done = asked.request(request, chunk -> {
                    SupervisorMessage.ExportChunk c = (SupervisorMessage.ExportChunk) chunk;
                    try {
                        out.write(Base64.getDecoder().decode(c.data()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    events[0] = c.events();
                    if (c.last()) {
                        progress.progress(c.events(), c.events());
                    }
                });
                try {
                    await(done);
                } catch (CancellationException e) {
                    asked.abandon(request.requestId());
                    throw e;
                }
            }
            try {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            part = null;
            return events[0];
        } catch (IOException e) {
            throw new UncheckedIOException("the export to " + target + " failed: " + e.getMessage(), e);
        } finally {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    // the partial file stays beside the target; nothing else to do
                }
            }
        }
    }

    /** Waits for an answer; an interrupted thread cancels (as the local export does). */
    private void await(CompletableFuture<Void> answer) {
        try {
            answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("cancelled");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the relay did not answer within " + timeout.toSeconds() + " s");
        }
    }

    private void healthSeen(StoreHealth.Status status, String message) {
        StoreHealth was = health;
        if (status == null || (was.status() == status && java.util.Objects.equals(was.message(), message))) {
            return;
        }
        StoreHealth now = new StoreHealth(status, message, 0, 0, Instant.now());
        health = now;
        healthListeners.forEach(l -> l.accept(now));
    }

    @Override
    public StoreHealth health() {
        return health;
    }

    @Override
    public AutoCloseable onHealthChange(Consumer<StoreHealth> listener) {
        listener.accept(health);
        healthListeners.add(listener);
        return () -> healthListeners.remove(listener);
    }
}
