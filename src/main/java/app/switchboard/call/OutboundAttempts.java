package app.switchboard.call;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent outbound attempts, newest kept, at most {@link #MAX_KEPT}: a status list for the
 * console, not a record (answered calls are recorded as calls; the rest are in Twilio's logs).
 * Status callbacks can arrive before the create request returns and out of order, so both
 * paths merge into one entry and a lower {@code SequenceNumber} never overwrites a higher one.
 */
public final class OutboundAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundAttempts.class);

    public static final int MAX_KEPT = 100;

    private final Clock clock;
    private final Map<String, OutboundAttempt> attempts = new LinkedHashMap<>();
    private final List<Consumer<OutboundAttempt>> listeners = new CopyOnWriteArrayList<>();

    public OutboundAttempts(Clock clock) {
        this.clock = clock;
    }

    /** The create request returned: Twilio accepted the call. */
    public OutboundAttempt placed(String callSid, String from, String to, OutboundStatus status) {
        return update(callSid, from, to, status, -1, -1);
    }

    /**
     * A {@code /status} callback, already signature-checked: {@code CallSid}, {@code CallStatus},
     * {@code From}, {@code To}, and where present {@code SequenceNumber} and {@code CallDuration}.
     */
    public OutboundAttempt statusCallback(Map<String, String> form) {
        String callSid = form.get("CallSid");
        if (callSid == null || callSid.isBlank()) {
            return null;
        }
        return update(callSid, form.get("From"), form.get("To"), OutboundStatus.fromTwilio(form.get("CallStatus")),
                number(form.get("SequenceNumber")), number(form.get("CallDuration")));
    }

    private OutboundAttempt update(String callSid, String from, String to, OutboundStatus status,
                                   int sequence, int duration) {
        Instant now = clock.instant();
        OutboundAttempt result;
        synchronized (attempts) {
            OutboundAttempt existing = attempts.get(callSid);
            if (existing == null) {
                result = new OutboundAttempt(callSid, nullToEmpty(from), nullToEmpty(to), status, sequence, now, now,
                        duration);
            } else if (stale(existing, status, sequence)) {
                return existing;
            } else {
                result = existing.withStatus(status, Math.max(sequence, existing.sequence()), now, duration);
            }
            attempts.remove(callSid); // re-inserted: the map's order is the order of last change
            attempts.put(callSid, result);
            while (attempts.size() > MAX_KEPT) {
                attempts.remove(attempts.keySet().iterator().next());
            }
        }
        for (Consumer<OutboundAttempt> listener : listeners) {
            try {
                listener.accept(result);
            } catch (RuntimeException e) {
                LOG.warn("Outbound attempt listener failed", e);
            }
        }
        return result;
    }

    /** Out of order, or a late "queued" from the create response after a callback already said more. */
    private static boolean stale(OutboundAttempt existing, OutboundStatus status, int sequence) {
        if (existing.status().terminal()) {
            return true;
        }
        if (sequence >= 0 && existing.sequence() >= 0) {
            return sequence < existing.sequence();
        }
        return sequence < 0 && existing.sequence() >= 0 && status.ordinal() <= existing.status().ordinal();
    }

    /** Newest first. */
    public List<OutboundAttempt> list() {
        List<OutboundAttempt> copy;
        synchronized (attempts) {
            copy = new ArrayList<>(attempts.values());
        }
        copy.sort(Comparator.comparing(OutboundAttempt::placedAt).reversed());
        return copy;
    }

    /** Every change from now on, on the thread that made it (a Jetty or REST worker): return quickly. */
    public AutoCloseable subscribe(Consumer<OutboundAttempt> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private static int number(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
