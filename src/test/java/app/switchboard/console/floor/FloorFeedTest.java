package app.switchboard.console.floor;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.EventKind;
import app.switchboard.call.TestEvents;
import app.switchboard.store.EventStore;
import app.switchboard.store.StoreCallHistory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The floor survives a restart: today's calls are read back from a real SQLite history. */
class FloorFeedTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void todaysEndedCallsAndLatencyAreReadFromTheStoreAtStart() throws Exception {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        Instant yesterday = now.minus(Duration.ofDays(2));
        try (EventStore before = EventStore.open(dir)) {
            write(before, "CA-today", now.minusSeconds(120), true);
            write(before, "CA-old", yesterday, false);
            assertTrue(before.flush(Duration.ofSeconds(30)));
        }

        OfflineResponder responder = new OfflineResponder(0);
        CallRegistry registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                List.of("en-US"), "en-US");
        try (EventStore after = EventStore.open(dir);
             FloorFeed feed = new FloorFeed(registry, new StoreCallHistory(after), Clock.fixed(now, ZoneOffset.UTC), ZoneOffset.UTC,
                     Duration.ofMillis(20))) {
            feed.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> feed.latest().endedToday() == 1);
            FloorSnapshot s = feed.latest();
            assertEquals(1, s.handoffsToday());
            assertEquals(0, s.containedToday());
            assertEquals(Duration.ofSeconds(60), s.averageHandle());
            assertEquals(350.0, s.firstTokenP50());
            assertEquals(0, s.live());
        } finally {
            registry.close();
            responder.close();
        }
    }

    private static void write(EventStore store, String callId, Instant start, boolean handedOff) {
        long seq = 0;
        store.append(new CallEvent(callId, ++seq, start, TestEvents.payload(EventKind.SESSION_STARTED,
                "sessionId", "VX" + callId, "session", 1, "resumed", false)));
        store.append(new CallEvent(callId, ++seq, start.plusSeconds(1), TestEvents.payload(EventKind.PROMPT,
                "text", "I need a person")));
        store.append(new CallEvent(callId, ++seq, start.plusSeconds(2), TestEvents.payload(EventKind.LATENCY,
                "turn", 1, "outcome", "completed", "requestMs", 1.0, "firstTokenMs", 350.0, "lastTokenMs", 800.0,
                "attempts", 1, "rounds", 1)));
        if (handedOff) {
            store.append(new CallEvent(callId, ++seq, start.plusSeconds(30), TestEvents.payload(EventKind.SUPERVISOR_END,
                    "reason", "billing", "handToHuman", true, "operator", "ana")));
        }
        store.append(new CallEvent(callId, ++seq, start.plusSeconds(60), TestEvents.payload(EventKind.CALL_ENDED,
                "reason", "completed")));
    }
}
