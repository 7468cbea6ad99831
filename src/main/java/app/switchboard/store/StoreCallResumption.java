package app.switchboard.store;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallResumption;
import java.util.List;
import java.util.Optional;

/**
 * Calls this relay does not hold, read back from its own history file: after a restart of the
 * relay (single node), a reconnected socket finds its call's record here and the call goes on
 * from it. The store is at most one commit behind the calls it wrote, and a call's seq goes on
 * after the last event that reached the file, so the record stays gap-free either way.
 */
public final class StoreCallResumption implements CallResumption {

    private final EventStore store;

    public StoreCallResumption(EventStore store) {
        this.store = store;
    }

    @Override
    public Optional<StoredCall> find(String callSid) {
        if (callSid == null || callSid.isBlank() || store.call(callSid).isEmpty()) {
            return Optional.empty(); // a new call: one indexed row read, no event scan
        }
        List<CallEvent> events = store.events(callSid);
        return events.isEmpty() ? Optional.empty() : Optional.of(new StoredCall(callSid, events));
    }
}
