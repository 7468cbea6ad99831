package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import app.switchboard.history.CallHistory;
import app.switchboard.history.CallPage;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import app.switchboard.history.StoreHealth;
import app.switchboard.supervisor.SupervisorMessage.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history requests of one console connection: bounds checked as they arrive (on Jetty's
 * thread), the store read on the hub's {@code supervisor-history} thread, never a call's, and
 * the answers sent through the connection's reply queue. One export at a time per connection.
 */
final class ConsoleHistory {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHistory.class);

    private final SupervisorHub hub;
    private final String account;
    private final SupervisorEndpoint connection;
    /** From an export's request until its last chunk is written (or the console leaves). */
    private final AtomicBoolean exporting = new AtomicBoolean();

    ConsoleHistory(SupervisorHub hub, String account, SupervisorEndpoint connection) {
        this.hub = hub;
        this.account = account;
        this.connection = connection;
    }

    void handle(SupervisorMessage.HistoryRequest request) {
        String id = request.requestId();
        CallHistory history = hub.history();
        if (history == null) {
            connection.reply(Reply.refused(id, "this relay keeps no call history"));
            return;
        }
        String invalid = checkBounds(request);
        if (invalid != null) {
            connection.reply(Reply.refused(id, invalid));
            return;
        }
        if (request instanceof SupervisorMessage.Export && !exporting.compareAndSet(false, true)) {
            connection.reply(Reply.refused(id, "an export is already running on this connection"));
            return;
        }
        try {
            hub.historyWork().execute(() -> answer(history, request));
        } catch (RejectedExecutionException e) {
            connection.reply(Reply.refused(id, "the relay is stopping"));
        }
    }

    /** The export's last chunk was written, or the console left. */
    void exportEnded() {
        exporting.set(false);
    }

    /** Null when the request is within bounds, else the refusal's reason. */
    static String checkBounds(SupervisorMessage.HistoryRequest request) {
        if (request instanceof SupervisorMessage.HistorySearch q) {
            if (q.limit() < 1 || q.limit() > SupervisorMessage.MAX_CALLS_PER_PAGE) {
                return "limit " + q.limit() + " is out of bounds: 1 to " + SupervisorMessage.MAX_CALLS_PER_PAGE
                        + " calls per page";
            }
            if (q.offset() < 0) {
                return "offset must not be negative";
            }
        } else if (request instanceof SupervisorMessage.OpenCall o) {
            if (o.limit() < 1 || o.limit() > SupervisorMessage.MAX_EVENTS_PER_PAGE) {
                return "limit " + o.limit() + " is out of bounds: 1 to " + SupervisorMessage.MAX_EVENTS_PER_PAGE
                        + " events per page";
            }
        }
        return null;
    }

    private void answer(CallHistory history, SupervisorMessage.HistoryRequest request) {
        String id = request.requestId();
        try {
            if (request instanceof SupervisorMessage.HistorySearch q) {
                CallPage page = history.page(new HistoryQuery(q.number(), q.from(), q.until(), q.text(), q.offset(),
                        q.limit()));
                StoreHealth health = history.health();
                connection.send(new SupervisorMessage.HistoryPage(id, page.calls(), page.offset(), page.total(),
                        health.status(), health.message()));
            } else if (request instanceof SupervisorMessage.OpenCall o) {
                connection.send(eventsPage(history, o));
            } else if (request instanceof SupervisorMessage.Export x) {
                export(history, x);
            }
        } catch (RuntimeException e) {
            LOG.info("Console {} history request {} failed: {}", account, request.type(), e.toString());
            connection.reply(Reply.refused(id, "the history could not be read: " + e.getMessage()));
        }
    }

    /** The store reads the call whole; the wire gets it a bounded page at a time. */
    private static SupervisorMessage.CallEvents eventsPage(CallHistory history, SupervisorMessage.OpenCall o) {
        List<CallEvent> page = new ArrayList<>();
        boolean more = false;
        for (CallEvent e : history.events(o.callId())) {
            if (e.seq() <= o.afterSeq()) {
                continue;
            }
            if (page.size() == o.limit()) {
                more = true;
                break;
            }
            page.add(e);
        }
        return new SupervisorMessage.CallEvents(o.requestId(), o.callId(), page, more);
    }

    private void export(CallHistory history, SupervisorMessage.Export x) {
        Path file = null;
        try {
            file = Files.createTempFile("switchboard-console-export-", "." + x.format().name().toLowerCase(Locale.ROOT));
            // The history writes whole or not at all: it moves its own temporary file onto this one.
            long events = x.callId() != null
                    ? history.exportCall(x.callId(), x.format(), file, ExportProgress.NONE)
                    : history.export(new HistoryQuery(x.number(), x.from(), x.until(), x.text(), 0, 0), x.format(),
                    file, ExportProgress.NONE);
            ExportStream stream = new ExportStream(x.requestId(), file, events, hub.exportChunkBytes());
            if (!connection.startExport(stream)) {
                stream.close();
                exportEnded();
            }
        } catch (IOException | RuntimeException e) {
            exportEnded();
            ExportStream.deleteQuietly(file);
            LOG.info("Console {} export failed: {}", account, e.toString());
            connection.reply(Reply.refused(x.requestId(), "the export failed: " + e.getMessage()));
        }
    }
}
