package app.switchboard.console.floor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.AlertRule;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.EventPayload;
import app.switchboard.console.calls.CallBoard;
import app.switchboard.console.calls.TranscriptReducer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertsViewModelTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    private final OfflineResponder responder = new OfflineResponder(0);
    private final CallRegistry registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
            List.of("en-US"), "en-US");
    private final CallBoard board = new CallBoard(registry);
    private final AlertsViewModel alerts = new AlertsViewModel(registry, board, () -> NOW);
    private final List<List<AlertsViewModel.OpenAlert>> announced = new ArrayList<>();

    {
        alerts.announcer(announced::add);
    }

    @AfterEach
    void close() {
        registry.close();
        responder.close();
    }

    private static CallEvent alert(String callId, long seq, Instant at, String severity) {
        return new CallEvent(callId, seq, at, new EventPayload.Alert("r" + seq, "PHRASE", severity, "caller said \u201cmanager\u201d", 1L));
    }

    private static CallEvent ack(String callId, long seq, long alertSeq) {
        return new CallEvent(callId, seq, NOW, new EventPayload.AlertAcknowledged(alertSeq, "r" + alertSeq, "bob"));
    }

    @Test
    void newAlertsAreListedNewestFirstAndAnnouncedOncePerBatch() {
        alerts.apply(List.of(alert("CA1", 5, NOW, "WARNING"), alert("CA2", 3, NOW, "CRITICAL")));
        assertEquals(List.of("CA2", "CA1"), alerts.open().stream().map(AlertsViewModel.OpenAlert::callId).toList());
        assertEquals(1, announced.size(), "one sound for the batch");
        assertEquals(2, announced.get(0).size());
        assertEquals("\u26d4 critical", alerts.open().get(0).severityText());
        assertEquals("2 open alerts", alerts.summaryProperty().get());
    }

    @Test
    void oldAlertsFoundWhenTheConsoleOpensAreListedButNotAnnounced() {
        alerts.apply(List.of(alert("CA1", 5, NOW.minusSeconds(600), "INFO")));
        assertEquals(1, alerts.open().size());
        assertTrue(announced.isEmpty());
    }

    @Test
    void anAcknowledgementFromAnyConsoleRemovesTheAlertAndAReplayDoesNotBringItBack() {
        alerts.apply(List.of(alert("CA1", 5, NOW, "WARNING"), alert("CA1", 9, NOW, "INFO")));
        alerts.apply(List.of(ack("CA1", 10, 5)));
        assertEquals(List.of(9L), alerts.open().stream().map(AlertsViewModel.OpenAlert::seq).toList());
        alerts.apply(List.of(alert("CA1", 5, NOW, "WARNING")));
        assertEquals(1, alerts.open().size(), "history replayed after the acknowledgement");
    }

    @Test
    void anAlertOfACallNoLongerHeldIsDismissedAndTheSupervisorIsToldItWasNotRecorded() {
        alerts.apply(List.of(alert("CA-gone", 5, NOW, "WARNING")));
        alerts.acknowledge(alerts.open().get(0));
        assertTrue(alerts.open().isEmpty());
        assertTrue(alerts.messageProperty().get().contains("could not be recorded"), alerts.messageProperty().get());
    }

    @Test
    void theListIsBounded() {
        List<CallEvent> many = new ArrayList<>();
        for (int i = 1; i <= AlertsViewModel.MAX_OPEN + 20; i++) {
            many.add(alert("CA" + i, 1, NOW, "INFO"));
        }
        alerts.apply(many);
        assertEquals(AlertsViewModel.MAX_OPEN, alerts.open().size());
        assertEquals("CA" + (AlertsViewModel.MAX_OPEN + 20), alerts.open().get(0).callId(), "the newest stay");
    }

    @Test
    void anUnknownStoredSeverityReadsAsWarning() {
        assertEquals(AlertRule.Severity.WARNING, TranscriptReducer.alertSeverity("loud"));
        assertEquals(AlertRule.Severity.CRITICAL, TranscriptReducer.alertSeverity("critical"));
    }
}
