package app.switchboard.console.history;

import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.console.EventStream;
import app.switchboard.console.calls.ConversationEntry;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.history.CallRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The post-call summary shows in the call list (disposition, summary) and in History's conversation. */
class CallSummaryDisplayTest {

    private static EventStream endedCallWithSummary() {
        return new EventStream("CA1")
                .add(EventKind.PROMPT, "text", "Where is my parcel?", "lang", "en-US")
                .add(EventKind.TURN_COMPLETED, "turn", 1, "text", "It arrives tomorrow.")
                .add(EventKind.CALL_ENDED, "reason", "completed")
                .add(new EventPayload.Summary("The caller asked where their parcel was. The AI said it arrives tomorrow.",
                        "CALLER_HUNG_UP", "rules", "the model's summary failed: 500"));
    }

    @Test
    void theListRowCarriesTheDispositionAndTheSummary() {
        LiveCall call = new LiveCall("CA1");
        call.applyAll(endedCallWithSummary().take());

        assertEquals("caller hung up", call.dispositionProperty().get());
        assertEquals("The caller asked where their parcel was. The AI said it arrives tomorrow.",
                call.summaryProperty().get());
    }

    @Test
    void historyShowsTheSummaryAsTheLastLineWithHowItWasWritten() {
        Instant t = Instant.parse("2026-11-25T17:00:00Z");
        CallRecord record = new CallRecord("CA1", "CA1", List.of(), "+15550001111", "+15550002222", t, t.plusSeconds(3),
                "completed", "en-US", 1, 0, List.of(), 4, t.plusSeconds(4));
        LiveCall rebuilt = OpenedPastCall.rebuild(record, endedCallWithSummary().take());

        ConversationEntry last = rebuilt.entries().get(rebuilt.entries().size() - 1);
        assertEquals("Summary", last.speaker());
        assertEquals("The caller asked where their parcel was. The AI said it arrives tomorrow.", last.textProperty().get());
        assertEquals("caller hung up \u00b7 rule-based (the model's summary failed: 500)", last.detailProperty().get());
    }
}
