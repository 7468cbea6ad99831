package app.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallSummary;
import app.switchboard.call.CommandOutcome;
import app.switchboard.call.ConnectionState.Phase;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.HoldRequest;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import app.switchboard.sim.SimulatedCall;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two supervisors' remote consoles ({@link RemoteCallControl}, what the console uses) over one
 * real TLS relay with simulated callers: presence, exclusive holds and "ask for it" as the
 * console sees them, the relay's history over the same connection, and a relay restart that
 * must not leave calls live forever.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteSupervisorsTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400));

    @TempDir
    Path dir;
    private ConsoleHarness harness;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    /** A remote console, connected (through {@code port} when given, else straight to the relay). */
    private RemoteCallControl console(String token, int port) throws Exception {
        URI url = URI.create("https://127.0.0.1:" + (port > 0 ? port : harness.relay.port()));
        RemoteCallControl remote = RemoteCallControl.overTls(url, harness.relay.fingerprint(), token,
                RemoteCallControl.Options.defaults(List.of("en-US")).withBackoff(FAST));
        closing.add(0, remote);
        remote.start();
        assertThat(remote.firstAttempt().get(20, TimeUnit.SECONDS).phase()).isEqualTo(Phase.CONNECTED);
        return remote;
    }

    private SimulatedCall liveCall() {
        SimulatedCall call = harness.caller().build().open();
        await().until(() -> harness.registry.calls().stream()
                .anyMatch(c -> c.callId().equals(call.callSid()) && c.eventCount() > 0));
        return call;
    }

    private String heldOnRelay(String callId) {
        return harness.registry.calls().stream().filter(c -> c.callId().equals(callId)).findFirst()
                .map(CallSummary::heldBy).orElse(null);
    }

    @Test
    void twoRemoteConsolesSeePresenceAndHandACallOverByAsking() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 0, Duration.ofSeconds(30), false);
        RemoteCallControl a = console(harness.accounts.add("alice"), 0);
        RemoteCallControl b = console(harness.accounts.add("bob"), 0);
        List<CommandOutcome> bOutcomes = new CopyOnWriteArrayList<>();
        b.subscribeOutcomes(bOutcomes::add);
        List<HoldRequest> aRequests = new CopyOnWriteArrayList<>();
        a.subscribeHoldRequests(aRequests::add);
        SimulatedCall call = liveCall();
        String id = call.callSid();

        // Presence: alice opens the call; both consoles are told, through the same presence() the call list reads.
        a.watch(id);
        for (RemoteCallControl c : List.of(a, b)) {
            await().until(() -> c.presence().watching(id).equals(List.of("alice"))
                    && c.presence().supervisors().size() == 2);
        }
        assertThat(a.takeOverUnlessHeld(id)).isNull();
        for (RemoteCallControl c : List.of(a, b)) {
            await().until(() -> "alice".equals(c.presence().heldBy(id)));
        }

        // Bob's take-over is refused with the holder's name: known from presence at once, and by the relay.
        assertThat(b.takeOverUnlessHeld(id)).isEqualTo("alice");
        b.takeOver(id);
        await().until(() -> bOutcomes.stream().anyMatch(o -> o.command().equals("take over") && !o.accepted()));
        assertThat(bOutcomes).filteredOn(o -> o.command().equals("take over"))
                .extracting(CommandOutcome::reason).containsExactly("held by alice");
        assertThat(heldOnRelay(id)).isEqualTo("alice");

        // Bob asks; alice's console receives the request; she releases; bob takes over.
        assertThat(b.requestHold(id)).isNull();
        await().until(() -> aRequests.contains(new HoldRequest(id, "bob")));
        assertThat(bOutcomes).filteredOn(o -> o.command().equals("ask for the call")).extracting(CommandOutcome::accepted)
                .containsExactly(true);
        assertThat(a.releaseIfHolder(id)).isNull();
        await().until(() -> b.presence().heldBy(id) == null);
        assertThat(b.takeOverUnlessHeld(id)).isNull();
        await().until(() -> "bob".equals(heldOnRelay(id)));
        await().until(() -> "bob".equals(a.presence().heldBy(id)));
        call.hangUp().join();
    }

    @Test
    void theRelaysHistoryIsReadAndExportedOverTheConsolesConnectionAcrossAReconnect() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 0, Duration.ofSeconds(30), true);
        try (TcpProxy proxy = new TcpProxy(harness.relay.port())) {
            RemoteCallControl a = console(harness.accounts.add("alice"), proxy.port());
            var history = a.history(Duration.ofSeconds(20));
            SimulatedCall call = liveCall();
            String id = call.callSid();
            call.say("where is my parcel", "en-US");
            call.awaitTurn(0);
            call.hangUp().join();
            await().until(() -> harness.recorded(id).stream().anyMatch(e -> e.kind() == EventKind.CALL_ENDED));

            // A dropped and restored connection: history follows the console to its new connection.
            proxy.dropAll();
            await().until(() -> a.connectionsOpened() == 2 && a.connection().phase() == Phase.CONNECTED);

            var local = new app.switchboard.store.StoreCallHistory(harness.store);
            await().until(() -> history.page(HistoryQuery.all(10)).calls().stream().anyMatch(r -> r.callId().equals(id)));
            assertThat(history.events(id)).isEqualTo(local.events(id));
            Path remoteFile = dir.resolve("remote.json");
            Path localFile = dir.resolve("local.json");
            history.exportCall(id, ExportFormat.JSON, remoteFile, ExportProgress.NONE);
            local.exportCall(id, ExportFormat.JSON, localFile, ExportProgress.NONE);
            assertThat(Files.readString(remoteFile)).contains("where is my parcel");
            assertThat(Files.readAllBytes(remoteFile)).isEqualTo(Files.readAllBytes(localFile));
        }
    }

    @Test
    void callsARestartedRelayNoLongerListsDoNotStayLive() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 0, Duration.ofSeconds(30), false);
        String token = harness.accounts.add("alice");
        try (TcpProxy proxy = new TcpProxy(harness.relay.port())) {
            RemoteCallControl a = console(token, proxy.port());
            List<CallEvent> received = new CopyOnWriteArrayList<>();
            a.subscribe(received::add);
            SimulatedCall call = liveCall();
            String id = call.callSid();
            await().until(() -> a.calls().stream().anyMatch(c -> c.callId().equals(id) && c.endedAt() == null));

            // The relay goes away before the call's end reaches the console, and comes back
            // (same certificate and accounts, same address) without the call.
            proxy.cutAndRefuse();
            harness.close();
            harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 0, Duration.ofSeconds(30), false);
            proxy.retarget(harness.relay.port());
            proxy.open();
            await().atMost(Duration.ofSeconds(20)).until(() -> a.connectionsOpened() == 2
                    && a.connection().phase() == Phase.CONNECTED);

            await().until(() -> received.stream().anyMatch(e -> e.callId().equals(id) && e.kind() == EventKind.CALL_ENDED));
            EventPayload.CallEnded end = received.stream().filter(e -> e.callId().equals(id))
                    .map(e -> e.as(EventPayload.CallEnded.class)).filter(e -> e != null).findFirst().orElseThrow();
            assertThat(end.reason()).isEqualTo(RemoteCallControl.NO_LONGER_LISTED);
            assertThat(a.calls()).noneMatch(c -> c.callId().equals(id) && c.endedAt() == null);
            assertThat(a.status().liveCalls()).isZero();
            // The console's call board, fed what the console received, shows the call ended.
            app.switchboard.console.calls.CallBoard board = new app.switchboard.console.calls.CallBoard(a);
            board.apply(List.copyOf(received));
            assertThat(board.find(id).isEnded()).isTrue();
            assertThat(board.liveCountProperty().get()).isZero();
        }
    }

    @Test
    void aStoppingRelaySendsTheCallsEndsBeforeClosingTheConsoles() throws Exception {
        harness = new ConsoleHarness(dir, SupervisorHub.Limits.DEFAULT, 0, Duration.ofSeconds(30), false);
        RemoteCallControl a = console(harness.accounts.add("alice"), 0);
        List<CallEvent> received = new CopyOnWriteArrayList<>();
        a.subscribe(received::add);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(liveCall().callSid());
        }
        await().until(() -> a.calls().stream().filter(c -> ids.contains(c.callId()) && c.endedAt() == null).count() == 3);

        // As the app stops: the calls end, then the supervisor API closes its consoles.
        harness.registry.close();
        harness.hub.close();

        await().until(() -> a.connection().phase() != Phase.CONNECTED);
        for (String id : ids) {
            assertThat(received).filteredOn(e -> e.callId().equals(id) && e.kind() == EventKind.CALL_ENDED)
                    .extracting(e -> e.as(EventPayload.CallEnded.class).reason())
                    .containsExactly(app.switchboard.call.CallRegistry.RELAY_STOPPED);
        }
    }
}
