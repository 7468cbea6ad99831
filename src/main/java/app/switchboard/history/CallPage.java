package app.switchboard.history;

import java.util.List;

/** One page of a history search: the calls, newest first, and how many match in all. */
public record CallPage(List<CallRecord> calls, int offset, long total) {

    public CallPage {
        calls = List.copyOf(calls);
    }

    public boolean hasMore() {
        return offset + calls.size() < total;
    }
}
