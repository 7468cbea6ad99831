package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.EventPayload;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupervisorCodecTest {

    @Test
    void everyServerMessageReadsBackAsWritten() {
        Instant t = Instant.parse("2026-12-01T10:15:30.123Z");
        List<SupervisorMessage.ServerMessage> messages = List.of(
                new SupervisorMessage.Hello("relay.example.com", "alice", 1),
                new SupervisorMessage.Snapshot(SupervisorMessage.SnapshotReason.RESYNC, List.of(
                        new SupervisorMessage.CallInfo("CA1", "+15550100", "+15550199", CallState.LISTENING, "en-US",
                                t, null, 42, 1))),
                new SupervisorMessage.Event(new CallEvent("CA1", 43, t, new EventPayload.SupervisorSay("Hi", "alice"))),
                SupervisorMessage.Reply.refused("c-1", "unknown call CA9"),
                SupervisorMessage.Reply.accepted("c-2"));
        for (SupervisorMessage.ServerMessage m : messages) {
            assertThat(SupervisorCodec.decodeServer(SupervisorCodec.encode(m))).isEqualTo(m);
        }
    }

    @Test
    void aBatchOfEventsIsTheSameTextWhetherBuiltFromRecordsOrFromEncodedEvents() {
        Instant t = Instant.parse("2026-12-01T10:15:30.123Z");
        List<SupervisorMessage.Event> events = List.of(
                new SupervisorMessage.Event(new CallEvent("CA1", 43, t, new EventPayload.SupervisorSay("Hi", "alice"))),
                new SupervisorMessage.Event(new CallEvent("CA2", 7, t, new EventPayload.SupervisorWhisper("calm", "bob"))));
        String fromRecords = SupervisorCodec.encode(new SupervisorMessage.Events(events));
        String fromParts = SupervisorCodec.encodeEvents(events.stream().map(SupervisorCodec::encode).toList());

        assertThat(fromParts).isEqualTo(fromRecords);
        assertThat(SupervisorCodec.decodeServer(fromParts)).isEqualTo(new SupervisorMessage.Events(events));
        assertThatThrownBy(() -> SupervisorCodec.encodeEvents(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyCommandReadsBackAsWrittenAndCarriesTheVersion() {
        List<SupervisorMessage.ClientMessage> messages = List.of(
                new SupervisorMessage.Say("c1", "CA1", "hello"),
                new SupervisorMessage.SendDraft("c2", "CA1", "draft"),
                new SupervisorMessage.Whisper("c3", "CA1", "be brief"),
                new SupervisorMessage.Interrupt("c4", "CA1"),
                new SupervisorMessage.TakeOver("c5", "CA1"),
                new SupervisorMessage.Release("c6", "CA1"),
                new SupervisorMessage.Language("c7", "CA1", "fr-FR", null),
                new SupervisorMessage.End("c8", "CA1", "billing", true),
                new SupervisorMessage.Resume(List.of(new SupervisorMessage.Position("CA1", 17))));
        for (SupervisorMessage.ClientMessage m : messages) {
            String json = SupervisorCodec.encode(m);
            assertThat(json).startsWith("{\"v\":1,\"type\":\"" + m.type() + "\"");
            assertThat(SupervisorCodec.decodeClient(json)).isEqualTo(m);
        }
    }

    @Test
    void readingIsTolerantAndNeverThrows() {
        assertThat(SupervisorCodec.decodeClient("{\"v\":1,\"type\":\"say\",\"commandId\":\"c1\",\"callId\":\"CA1\","
                + "\"text\":\"hi\",\"future\":{\"x\":1}}")).isEqualTo(new SupervisorMessage.Say("c1", "CA1", "hi"));
        assertThat(SupervisorCodec.decodeClient("{\"v\":2,\"type\":\"presence\"}"))
                .isInstanceOf(SupervisorMessage.Unknown.class);
        assertThat(SupervisorCodec.decodeClient("not json")).isInstanceOf(SupervisorMessage.Malformed.class);
        SupervisorMessage.ClientMessage noCall = SupervisorCodec.decodeClient("{\"type\":\"say\",\"commandId\":\"c9\"}");
        assertThat(noCall).isInstanceOf(SupervisorMessage.Malformed.class);
        assertThat(((SupervisorMessage.Malformed) noCall).commandId()).isEqualTo("c9");
        assertThat(SupervisorCodec.decodeServer("{\"type\":\"event\",\"kind\":\"NO_SUCH_KIND\"}"))
                .isInstanceOf(SupervisorMessage.Malformed.class);
    }

    @Test
    void presenceHoldAndHistoryMessagesReadBackAsWritten() {
        Instant t = Instant.parse("2026-12-01T10:15:30.123Z");
        app.switchboard.history.CallRecord row = new app.switchboard.history.CallRecord("CA1", "CA1", List.of("VX1", "VX2"),
                "+15550100", "+15550199", t, t.plusSeconds(60), "caller hung up", "en-US", 3, 1,
                List.of("HUMAN_REQUESTED"), 120, t.plusSeconds(60));
        app.switchboard.history.CallRecord recorded = new app.switchboard.history.CallRecord("CA2", "CA2", List.of("VX3"),
                "+15550100", "+15550199", t, t.plusSeconds(30), "caller hung up", "en-US", 1, 0,
                List.of(), 40, t.plusSeconds(35), "completed");
        List<SupervisorMessage.ServerMessage> server = List.of(
                new SupervisorMessage.Presence(List.of(new SupervisorMessage.OnlineSupervisor("alice", 2, List.of("CA1")),
                        new SupervisorMessage.OnlineSupervisor("bob", 1, List.of())),
                        List.of(new SupervisorMessage.Hold("CA1", "alice"))),
                new SupervisorMessage.HoldRequested("CA1", "bob", "alice"),
                new SupervisorMessage.Snapshot(SupervisorMessage.SnapshotReason.CONNECT, List.of(
                        new SupervisorMessage.CallInfo("CA1", null, null, CallState.SUPERVISOR, null, t, null, 5, 1,
                                "alice"))),
                new SupervisorMessage.HistoryPage("r1", List.of(row, recorded), 20, 21,
                        app.switchboard.history.StoreHealth.Status.DEGRADED, "disk busy"),
                new SupervisorMessage.CallEvents("r2", "CA1", List.of(
                        new CallEvent("CA1", 7, t, new EventPayload.SupervisorRelease("alice", "alice disconnected")),
                        new CallEvent("CA1", 8, t, new EventPayload.Recording("RE0123456789abcdef0123456789abcdef",
                                "completed", "https://api.twilio.com/2010-04-01/Recordings/RE0123456789abcdef0123456789abcdef",
                                30, null))), true),
                new SupervisorMessage.ExportChunk("r3", 4, "aGVsbG8=", true, 120));
        for (SupervisorMessage.ServerMessage m : server) {
            assertThat(SupervisorCodec.decodeServer(SupervisorCodec.encode(m))).isEqualTo(m);
        }
        List<SupervisorMessage.ClientMessage> client = List.of(
                new SupervisorMessage.Watch("CA1"),
                new SupervisorMessage.Watch(null),
                new SupervisorMessage.RequestHold("c1", "CA1"),
                new SupervisorMessage.HistorySearch("r1", "555", t, t.plusSeconds(3600), "sunday", 40, 20),
                new SupervisorMessage.OpenCall("r2", "CA1", 1000, 500),
                new SupervisorMessage.Export("r3", app.switchboard.history.ExportFormat.CSV, null, null, t, null, "bill"),
                new SupervisorMessage.Export("r4", app.switchboard.history.ExportFormat.JSON, "CA1", null, null, null,
                        null));
        for (SupervisorMessage.ClientMessage m : client) {
            String json = SupervisorCodec.encode(m);
            assertThat(json).startsWith("{\"v\":1,\"type\":\"" + m.type() + "\"");
            assertThat(SupervisorCodec.decodeClient(json)).isEqualTo(m);
        }
    }

    @Test
    void theClusterMessageReadsBackAsWrittenAndToleratesMissingFields() {
        SupervisorMessage.Cluster away = new SupervisorMessage.Cluster(true, "node-a",
                "rediss://redis.internal:6380 (authenticated)", false, 1_234, 5, List.of("node-c"));
        String json = SupervisorCodec.encode(away);
        assertThat(json).contains("\"type\":\"cluster\"", "\"v\":1", "\"busReachable\":false", "\"lostNodes\":[\"node-c\"]");
        assertThat(SupervisorCodec.decodeServer(json)).isEqualTo(away);
        assertThat(((SupervisorMessage.Cluster) SupervisorCodec.decodeServer(json)).asStatus().degraded()).isTrue();
        // An incomplete message raises no banner: reachable unless it says otherwise.
        SupervisorMessage.ServerMessage sparse = SupervisorCodec.decodeServer(
                "{\"v\":1,\"type\":\"cluster\",\"clustered\":true,\"extra\":1}");
        assertThat(((SupervisorMessage.Cluster) sparse).asStatus().degraded()).isFalse();
    }

    @Test
    void aHistoryRequestThatCannotBeReadIsMalformedWithItsRequestId() {
        // An unreadable bound would widen the search: refused, not ignored.
        SupervisorMessage.ClientMessage badDate = SupervisorCodec.decodeClient(
                "{\"type\":\"historySearch\",\"requestId\":\"r9\",\"from\":\"yesterday\",\"limit\":10}");
        assertThat(badDate).isInstanceOf(SupervisorMessage.Malformed.class);
        assertThat(((SupervisorMessage.Malformed) badDate).commandId()).isEqualTo("r9");
        SupervisorMessage.ClientMessage noFormat = SupervisorCodec.decodeClient(
                "{\"type\":\"export\",\"requestId\":\"r8\",\"format\":\"xlsx\"}");
        assertThat(((SupervisorMessage.Malformed) noFormat).commandId()).isEqualTo("r8");
    }

    @Test
    void writingIsStrict() {
        assertThrows(IllegalArgumentException.class, () -> new SupervisorMessage.Say(" ", "CA1", "x"));
        assertThrows(IllegalArgumentException.class, () -> new SupervisorMessage.Interrupt("c1", null));
        assertThrows(IllegalArgumentException.class, () -> SupervisorMessage.Reply.refused("c1", ""));
    }
}
