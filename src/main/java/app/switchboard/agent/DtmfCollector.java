package app.switchboard.agent;

import app.switchboard.call.AgentPort;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Gathers the caller's key presses into one caller entry ("(The caller pressed 1 2 # on the
 * keypad.)") once no key was pressed for {@code idle}. Touched only on the call's executor; the
 * idle timer hands the flush back to it, and a flush of an earlier generation is stale.
 */
final class DtmfCollector {

    private final AgentPort port;
    private final AgentTimers timers;
    private final Duration idle;
    private final Consumer<String> callerEntry;
    private final StringBuilder dtmfDigits = new StringBuilder();
    private ScheduledFuture<?> dtmfFlush;
    private int dtmfGeneration;

    DtmfCollector(AgentPort port, AgentTimers timers, Duration idle, Consumer<String> callerEntry) {
        this.port = port;
        this.timers = timers;
        this.idle = idle;
        this.callerEntry = callerEntry;
    }

    void press(String digit) {
        if (digit == null || digit.isEmpty()) {
            return;
        }
        // Key presses come one frame each; gather them into one caller entry once the caller pauses.
        dtmfDigits.append(digit);
        if (dtmfFlush != null) {
            dtmfFlush.cancel(false);
        }
        int generation = ++dtmfGeneration;
        dtmfFlush = timers.schedule(() -> port.execute(() -> flushDtmf(generation)),
                idle.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void flushDtmf(int generation) {
        if (generation != dtmfGeneration || dtmfDigits.length() == 0) {
            return;
        }
        String digits = dtmfDigits.toString();
        dtmfDigits.setLength(0);
        dtmfFlush = null;
        callerEntry.accept("(The caller pressed " + String.join(" ", digits.split("")) + " on the keypad.)");
    }

    /** Drops the digits not yet flushed; a flush already on its way is stale. */
    void clear() {
        if (dtmfFlush != null) {
            dtmfFlush.cancel(false);
            dtmfFlush = null;
        }
        dtmfDigits.setLength(0);
        dtmfGeneration++;
    }
}
