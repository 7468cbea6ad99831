package app.switchboard.store;

import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A history file written by the first release (untyped event fields), read by this one: every
 * event comes back as its kind's typed record, and its exports are byte for byte the exports the
 * first release wrote of the same file (src/test/resources/store/v1, written by the
 * first release's own store through its LiveHistoryTest's call script).
 */
class V1DatabaseTest {

    @TempDir
    Path dir;

    /** Kinds the first release could not write; each has its own stored round-trip test. */
    private static final EnumSet<EventKind> ADDED_SINCE_V1 = EnumSet.of(EventKind.SUMMARY, EventKind.SESSION_RECONNECTED,
            EventKind.RECORDING, EventKind.SUPERVISOR_INTERRUPTIBLE, EventKind.CONFIG_UPDATED,
            EventKind.ALERT, EventKind.ALERT_ACKNOWLEDGED);

    private EventStore openCopy() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/store/v1/v1-history.db")) {
            Files.copy(in, dir.resolve(EventStore.FILE_NAME));
        }
        return EventStore.open(dir);
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = V1DatabaseTest.class.getResourceAsStream("/store/v1/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyEventOfTheFirstReleaseReadsBackTyped() throws Exception {
        try (EventStore store = openCopy()) {
            Set<EventKind> seen = EnumSet.noneOf(EventKind.class);
            for (String callId : List.of("CA100", "CA200", "CA300", "CA400")) {
                List<CallEvent> events = store.events(callId);
                assertFalse(events.isEmpty(), callId);
                for (CallEvent e : events) {
                    assertFalse(e.payload() instanceof EventPayload.Unreadable, e.toString());
                    seen.add(e.kind());
                }
            }
            assertEquals(EnumSet.complementOf(ADDED_SINCE_V1), seen, "the fixture covers every kind of the first release");

            EventPayload.Setup setup = store.events("CA100").stream().map(e -> e.as(EventPayload.Setup.class))
                    .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            assertEquals("+15553334444", setup.from());
            assertEquals(java.util.Map.of("campaign", "winter"), setup.customParameters());
            EventPayload.Latency latency = store.events("CA400").stream().map(e -> e.as(EventPayload.Latency.class))
                    .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            assertEquals(39.5, latency.sentToFirstFrameMs());
            assertEquals(2, latency.attempts());
            EventPayload.ActionCallback action = store.events("CA100").stream()
                    .map(e -> e.as(EventPayload.ActionCallback.class)).filter(java.util.Objects::nonNull)
                    .findFirst().orElseThrow();
            assertEquals("ended", action.field("SessionStatus"));

            CallRecord row = store.call("CA100").orElseThrow();
            assertEquals("+15553334444", row.from());
            assertTrue(row.turns() >= 3, row.toString());
            assertFalse(store.auditTrail("CA100").isEmpty());
            assertEquals("root",
                    store.auditTrail("CA100").get(0).operator(), "operator as recorded by the first release");
        }
    }

    @Test
    void exportsOfAFirstReleaseFileAreUnchanged() throws Exception {
        try (EventStore store = openCopy()) {
            Path json = dir.resolve("export.json");
            Path csv = dir.resolve("export.csv");
            store.export(HistoryQuery.all(1000), ExportFormat.JSON, json, ExportProgress.NONE);
            store.export(HistoryQuery.all(1000), ExportFormat.CSV, csv, ExportProgress.NONE);
            assertEquals(resource("v1-export.json"), Files.readString(json));
            assertEquals(resource("v1-export.csv"), Files.readString(csv));
        }
    }
}
