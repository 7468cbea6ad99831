package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import app.switchboard.console.history.HistoryViewModel;
import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallHistory;
import app.switchboard.history.CallPage;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.store.StoreCallHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javafx.application.Platform;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The call history over {@code /console}: a {@link RemoteCallHistory} on a real API client
 * answers what the relay's own {@link StoreCallHistory} (a real SQLite file) answers, paged.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HistoryOverConsoleTest {

    @TempDir
    Path dir;
    private ConsoleHarness harness;
    private ConsoleHarness.Console console;
    private StoreCallHistory local;
    private RemoteCallHistory remote;
    private String hoursCall;
    private String sundayCall;

    @BeforeEach
    void start() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 0, SupervisorHub.DEFAULT_HOLD_GRACE, true);
        String alice = harness.accounts.add("alice");
        console = harness.console(alice);
        local = new StoreCallHistory(harness.store);
        // Pages of 7 events: every call here takes several.
        remote = new RemoteCallHistory(console.client, Duration.ofSeconds(20), 7);

        hoursCall = call("What are your opening hours", true);
        sundayCall = call("Are you open on Sunday", false);
        assertThat(harness.store.flush(Duration.ofSeconds(10))).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        console.close();
        harness.close();
    }

    /** A whole call, the supervisor stepping in when {@code supervised}. */
    private String call(String question, boolean supervised) throws Exception {
        SimulatedCall call = harness.caller().build().open();
        String id = call.callSid();
        call.say(question, "en-US");
        call.awaitTurn(0);
        if (supervised) {
            assertThat(console.client.takeOver(id).get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            assertThat(console.client.say(id, "A person here: we open at nine.").get(10, TimeUnit.SECONDS).isAccepted())
                    .isTrue();
            assertThat(console.client.release(id).get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            // "Accepted" means handed to the call's executor: hanging up before it ran them would
            // close the socket under the say (a say to a caller who is gone is not sent or recorded).
            await().atMost(Duration.ofSeconds(20)).until(() -> harness.recorded(id).stream()
                    .anyMatch(e -> e.kind() == EventKind.SUPERVISOR_RELEASE));
        }
        call.hangUp().join();
        await().atMost(Duration.ofSeconds(20)).until(() -> harness.recorded(id).stream()
                .anyMatch(e -> e.kind() == EventKind.CALL_ENDED));
        return id;
    }

    @Test
    void searchReturnsTheSamePagesAsTheLocalStore() {
        CallPage all = remote.page(HistoryQuery.all(10));
        assertThat(all).isEqualTo(local.page(HistoryQuery.all(10)));
        assertThat(all.total()).isEqualTo(2);
        assertThat(all.calls()).extracting(r -> r.callId()).containsExactly(sundayCall, hoursCall);

        CallPage second = remote.page(HistoryQuery.all(1).page(1));
        assertThat(second).isEqualTo(local.page(HistoryQuery.all(1).page(1)));
        assertThat(second.calls()).extracting(r -> r.callId()).containsExactly(hoursCall);

        CallPage words = remote.page(HistoryQuery.all(10).withText("sunday"));
        assertThat(words).isEqualTo(local.page(HistoryQuery.all(10).withText("sunday")));
        assertThat(words.calls()).extracting(r -> r.callId()).containsExactly(sundayCall);
        assertThat(remote.health().ok()).isTrue();
    }

    @Test
    void openingAPastCallPagesThroughEveryEventAndItsAudit() {
        List<CallEvent> events = remote.events(hoursCall);
        assertThat(events.size()).isGreaterThan(3 * 7);
        assertThat(events).isEqualTo(local.events(hoursCall));

        List<AuditEntry> audit = remote.auditTrail(hoursCall);
        assertThat(audit).isEqualTo(local.auditTrail(hoursCall));
        assertThat(audit).extracting(AuditEntry::action).containsExactly("takeover", "say", "release");
        assertThat(audit).extracting(AuditEntry::operator).containsOnly("alice");
    }

    @Test
    void exportsAreTheSameBytesAsTheLocalStoreWrites() throws Exception {
        // Small chunks, so each export arrives in many messages, in order.
        harness.hub.exportChunkBytes(1024);
        List<SupervisorMessage.ExportChunk> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        console.client.request(new SupervisorMessage.Export("count-chunks", ExportFormat.CSV, null, null, null, null,
                null), part -> chunks.add((SupervisorMessage.ExportChunk) part)).get(10, TimeUnit.SECONDS);
        assertThat(chunks.size()).isGreaterThan(2);
        assertThat(chunks).extracting(SupervisorMessage.ExportChunk::index)
                .isEqualTo(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
        assertThat(chunks).extracting(SupervisorMessage.ExportChunk::last)
                .containsOnlyOnce(true).last().isEqualTo(true);
        for (ExportFormat format : ExportFormat.values()) {
            Path mine = dir.resolve("remote." + format);
            Path theirs = dir.resolve("local." + format);
            long[] reported = new long[1];
            long events = remote.export(HistoryQuery.all(1), format, mine, (done, total) -> reported[0] = total);
            assertThat(events).isEqualTo(local.export(HistoryQuery.all(1), format, theirs, ExportProgress.NONE));
            assertThat(reported[0]).isEqualTo(events);
            assertThat(Files.readAllBytes(mine)).isEqualTo(Files.readAllBytes(theirs));
            assertThat(Files.readString(mine)).contains(hoursCall).contains(sundayCall);

            Path one = dir.resolve("one-remote." + format);
            Path oneLocal = dir.resolve("one-local." + format);
            remote.exportCall(sundayCall, format, one, ExportProgress.NONE);
            local.exportCall(sundayCall, format, oneLocal, ExportProgress.NONE);
            assertThat(Files.readAllBytes(one)).isEqualTo(Files.readAllBytes(oneLocal));
            assertThat(Files.readString(one)).doesNotContain(hoursCall);
        }
        assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".part"))).isEmpty();
    }

    @Test
    void theConsolesHistoryViewModelWorksUnchangedOverTheRemoteHistory() throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        try {
            Platform.startup(() -> started.complete(null));
        } catch (IllegalStateException alreadyRunning) {
            started.complete(null);
        }
        started.get(30, TimeUnit.SECONDS);
        HistoryViewModel view = onFx(() -> new HistoryViewModel(remote));
        try {
            onFx(view::search);
            await().atMost(Duration.ofSeconds(20)).until(() -> onFx(() -> view.calls().stream()
                    .map(r -> r.callId()).toList()).equals(List.of(sundayCall, hoursCall)));
            assertThat(onFx(() -> view.totalProperty().get())).isEqualTo(2L);
        } finally {
            onFx(() -> {
                view.close();
                return null;
            });
        }
    }

    private static <T> T onFx(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    @Test
    void oversizePagesAreRefusedWithTheBound() throws Exception {
        ExecutionException search = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> console.client.request(new SupervisorMessage.HistorySearch("big-page", null, null, null, null, 0,
                        500), part -> { }).get(10, TimeUnit.SECONDS));
        assertThat(search.getCause()).isInstanceOf(SupervisorClient.HistoryRefused.class)
                .hasMessage("limit 500 is out of bounds: 1 to 200 calls per page");

        ExecutionException events = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> console.client.request(new SupervisorMessage.OpenCall("big-events", hoursCall, 0, 5000),
                        part -> { }).get(10, TimeUnit.SECONDS));
        assertThat(events.getCause()).hasMessageContaining("1 to 1000 events per page");

        // The connection serves on after a refusal.
        assertThat(remote.page(HistoryQuery.all(10)).total()).isEqualTo(2);
    }

    @Test
    void aRelayWithoutHistoryRefusesClearly() throws Exception {
        harness.hub.history(null);
        CallHistory none = new RemoteCallHistory(console.client, Duration.ofSeconds(10));
        assertThatThrownBy(() -> none.page(HistoryQuery.all(10)))
                .isInstanceOf(SupervisorClient.HistoryRefused.class).hasMessageContaining("no call history");
    }
}
