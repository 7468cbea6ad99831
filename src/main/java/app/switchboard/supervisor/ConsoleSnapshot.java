package app.switchboard.supervisor;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.supervisor.SupervisorMessage.CallInfo;
import app.switchboard.supervisor.SupervisorMessage.Position;
import app.switchboard.supervisor.SupervisorMessage.SnapshotReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One console's snapshot, and after a resume the events each listed call missed, from the
 * call's window (encoded, in the order they go out). Taken while the connection receives live
 * events, which continue after it.
 */
record ConsoleSnapshot(String snapshot, List<String> replay) {

    /**
     * @param sent the connection's newest seq sent per call: restarted from the snapshot's
     *             {@code lastSeq}s, so live events it covers are skipped
     */
    static ConsoleSnapshot take(List<CallSummary> summaries, CallControl control, SnapshotReason reason,
                                List<Position> resume, Map<String, Long> sent) {
        Map<String, Long> positions = new HashMap<>();
        if (resume != null) {
            resume.forEach(p -> positions.put(p.callId(), p.seq()));
        }
        List<CallInfo> infos = new ArrayList<>();
        List<String> replay = new ArrayList<>();
        sent.clear();
        for (CallSummary s : summaries) {
            long lastSeq = s.eventCount();
            // A call the client does not list is one it has never seen (it started while the
            // client was away, or its start was dropped in a resync): replayed from its start.
            Long from = resume == null ? null : positions.getOrDefault(s.callId(), 0L);
            long firstSeq;
            if (from != null && from < lastSeq) {
                List<CallEvent> window = control.events(s.callId());
                firstSeq = window.isEmpty() ? lastSeq + 1 : window.get(0).seq();
                for (CallEvent e : window) {
                    if (e.seq() > from && e.seq() <= lastSeq) {
                        replay.add(SupervisorCodec.encode(new SupervisorMessage.Event(e)));
                    }
                }
            } else {
                firstSeq = control.firstSeqInWindow(s.callId());
            }
            infos.add(CallInfo.of(s, firstSeq));
            sent.put(s.callId(), lastSeq);
        }
        return new ConsoleSnapshot(SupervisorCodec.encode(new SupervisorMessage.Snapshot(reason, infos)), replay);
    }
}
