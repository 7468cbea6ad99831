package app.switchboard.cluster;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships this node's call events to Redis: each event to its call's stream and to the cluster's
 * event stream, and the touched calls' summaries to the index, in one pipelined round trip per
 * batch. The calls hand events over without waiting ({@link #offer}); a bounded buffer holds
 * them while Redis is away and the oldest are dropped (and counted) when it is full. A batch
 * that fails is sent again whole, so an event may reach a stream twice: readers keep one per
 * {@code seq}.
 */
final class EventPublisher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final int MAX_BATCH = 512;
    private static final long RETRY_MIN_MS = 100;
    private static final long RETRY_MAX_MS = 2_000;

    private final StatefulRedisConnection<String, String> connection;
    private final ClusterKeys keys;
    private final ClusterOptions options;
    private final Health health;
    private final ArrayDeque<CallEvent> buffer = new ArrayDeque<>();
    /** Events published before that Redis may have lost (it restarted): sent again ahead of the buffer. */
    private final ArrayDeque<CallEvent> again = new ArrayDeque<>();
    private final Object lock = new Object();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    /** The summaries of this node's calls as their events say; what the index gets. */
    private final Map<String, CallSummary> summaries = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    /** Reachability as the node's parts observe it. */
    interface Health {
        void reachable();

        void unreachable(Throwable cause);
    }

    EventPublisher(StatefulRedisConnection<String, String> connection, ClusterKeys keys, ClusterOptions options,
                   Health health) {
        this.connection = connection;
        this.keys = keys;
        this.options = options;
        this.health = health;
        // Pipelining: one flush per batch instead of one per command.
        connection.setAutoFlushCommands(false);
    }

    /** From a call's executor: never blocks. */
    void offer(CallEvent event) {
        synchronized (lock) {
            if (buffer.size() >= options.eventBuffer()) {
                buffer.pollFirst();
                dropped.incrementAndGet();
            }
            buffer.addLast(event);
            lock.notifyAll();
        }
    }

    long waiting() {
        synchronized (lock) {
            return buffer.size() + again.size();
        }
    }

    /**
     * Sends these already published events once more (Redis came back without them). Not bounded
     * by the buffer: they are the calls' in-memory windows, which the registry bounds.
     */
    void republish(List<CallEvent> events) {
        synchronized (lock) {
            again.addAll(events);
            lock.notifyAll();
        }
    }

    long dropped() {
        return dropped.get();
    }

    long published() {
        return published.get();
    }

    /** The index entries this node owns, for a full refresh (after Redis came back empty, say). */
    Map<String, String> indexEntries() {
        Map<String, String> entries = new LinkedHashMap<>();
        summaries.forEach((id, s) -> entries.put(id, StreamCodec.index(
                new StreamCodec.IndexEntry(options.nodeId(), s, lastSeq.getOrDefault(id, 0L), false))));
        return entries;
    }

    /** A call this node took over: its summary and seq so far, so the next batch's index entry goes on from them. */
    void adopt(String callId, CallSummary summary, long seq) {
        summaries.put(callId, summary);
        lastSeq.put(callId, seq);
    }

    /** A call another node went on with: no longer this node's to list in the index. */
    void forget(String callId) {
        summaries.remove(callId);
        lastSeq.remove(callId);
    }

    /** Ended calls past {@code endedCallKept}: the node forgets them and takes them out of the index. */
    List<String> forgetEndedBefore(java.time.Instant oldest) {
        List<String> gone = new ArrayList<>();
        summaries.forEach((id, s) -> {
            if (s.endedAt() != null && s.endedAt().isBefore(oldest)) {
                gone.add(id);
            }
        });
        gone.forEach(id -> {
            summaries.remove(id);
            lastSeq.remove(id);
        });
        return gone;
    }

    void stop() {
        stopped = true;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Sends what is buffered, waiting at most {@code timeout}; true when nothing is left. */
    boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!buffer.isEmpty() || !again.isEmpty() || inFlight) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return true;
    }

    private boolean inFlight;
    private boolean batchFromAgain;

    @Override
    public void run() {
        long backoff = RETRY_MIN_MS;
        while (!stopped) {
            List<CallEvent> batch = new ArrayList<>();
            synchronized (lock) {
                while (buffer.isEmpty() && again.isEmpty() && !stopped) {
                    try {
                        lock.wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                boolean resending = !again.isEmpty();
                ArrayDeque<CallEvent> source = resending ? again : buffer;
                while (!source.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(source.pollFirst());
                }
                batchFromAgain = resending;
                inFlight = !batch.isEmpty();
            }
            if (batch.isEmpty()) {
                continue;
            }
            try {
                publish(batch);
                published.addAndGet(batch.size());
                health.reachable();
                backoff = RETRY_MIN_MS;
                synchronized (lock) {
                    inFlight = false;
                    lock.notifyAll();
                }
            } catch (RuntimeException e) {
                health.unreachable(e);
                synchronized (lock) {
                    // Back to the front, in order; what no longer fits is the oldest, dropped and counted.
                    ArrayDeque<CallEvent> source = batchFromAgain ? again : buffer;
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        source.addFirst(batch.get(i));
                    }
                    while (buffer.size() > options.eventBuffer()) {
                        buffer.pollFirst();
                        dropped.incrementAndGet();
                    }
                    inFlight = false;
                    try {
                        lock.wait(backoff);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
                backoff = Math.min(RETRY_MAX_MS, backoff * 2);
            }
        }
    }

    private void publish(List<CallEvent> batch) {
        RedisAsyncCommands<String, String> redis = connection.async();
        List<RedisFuture<?>> pending = new ArrayList<>(batch.size() * 2 + 8);
        XAddArgs perCall = new XAddArgs().maxlen(options.callStreamMaxLen()).approximateTrimming();
        XAddArgs all = new XAddArgs().maxlen(options.allEventsMaxLen()).approximateTrimming();
        Map<String, CallSummary> touched = new LinkedHashMap<>();
        for (CallEvent e : batch) {
            Map<String, String> fields = StreamCodec.event(options.nodeId(), e);
            pending.add(redis.xadd(keys.callEvents(e.callId()), perCall, fields));
            pending.add(redis.xadd(keys.allEvents(), all, fields));
            // Only newer events move the summary on: a batch sent again, or a window republished,
            // must not take a call's state back.
            long last = lastSeq.getOrDefault(e.callId(), 0L);
            CallSummary s = e.seq() > last || !summaries.containsKey(e.callId())
                    ? summaries.compute(e.callId(), (id, old) -> Summaries.apply(old, e))
                    : summaries.get(e.callId());
            lastSeq.merge(e.callId(), e.seq(), Math::max);
            touched.put(e.callId(), s);
        }
        Map<String, String> index = new LinkedHashMap<>();
        touched.forEach((id, s) -> index.put(id, StreamCodec.index(
                new StreamCodec.IndexEntry(options.nodeId(), s, lastSeq.getOrDefault(id, 0L), false))));
        pending.add(redis.hset(keys.callIndex(), index));
        touched.forEach((id, s) -> {
            if (s.state() == CallState.ENDED && s.endedAt() != null) {
                // An ended call's stream outlives it by endedCallKept (a console may still open it).
                pending.add(redis.pexpire(keys.callEvents(id), options.endedCallKept().toMillis()));
            }
        });
        connection.flushCommands();
        long timeout = Math.max(1_000, options.commandTimeout().toMillis());
        if (!LettuceFutures.awaitAll(timeout, TimeUnit.MILLISECONDS, pending.toArray(new RedisFuture[0]))) {
            throw new IllegalStateException("Redis did not confirm a batch of " + batch.size() + " events in " + timeout + " ms");
        }
        for (RedisFuture<?> f : pending) {
            if (f.getError() != null) {
                throw new IllegalStateException("Redis refused an event: " + f.getError());
            }
        }
        LOG.trace("Published {} events", batch.size());
    }
}
