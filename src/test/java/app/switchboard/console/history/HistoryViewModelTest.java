package app.switchboard.console.history;

import app.switchboard.console.RecordedCalls;
import app.switchboard.console.calls.ConversationEntry;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.history.CallPage;
import app.switchboard.history.ExportProgress;
import app.switchboard.history.HistoryQuery;
import app.switchboard.history.StoreHealth;
import app.switchboard.history.CallHistory;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import app.switchboard.history.AuditEntry;
import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.concurrent.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.testfx.api.FxToolkit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The History view model over a real store filled by real calls. JavaFX's toolkit runs (its
 * Tasks report on the FX thread), but no window: plain JUnit.
 */
class HistoryViewModelTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Paris");

    @TempDir
    Path dir;

    private RecordedCalls recorded;
    private HistoryViewModel viewModel;

    @BeforeAll
    static void startFx() throws Exception {
        // Through TestFX, not Platform.startup: a toolkit started behind TestFX's back leaves the
        // *FxTest classes that run later in the same JVM with a robot whose clicks go nowhere.
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void record() throws Exception {
        recorded = new RecordedCalls(dir.resolve("data"));
        recorded.record("CA001", "+1 (555) 000-0001", "what is my bill");
        recorded.record("CA002", "+15550000002", "my parcel never arrived");
        recorded.record("CA003", "+15550000003", "I want to cancel my subscription");
        recorded.flushed();
        viewModel = fx(() -> new HistoryViewModel(recorded.history(), ZONE, 2));
    }

    @AfterEach
    void close() {
        if (viewModel != null) {
            viewModel.close();
        }
        recorded.close();
    }

    private static <T> T fx(Callable<T> work) throws Exception {
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

    private List<String> shownIds() throws Exception {
        return fx(() -> viewModel.calls().stream().map(CallRecord::callId).toList());
    }

    private void awaitIds(List<String> expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> shownIds().equals(expected));
    }

    @Test
    void pagesListNewestFirstWithTheTotal() throws Exception {
        fx(viewModel::search);
        awaitIds(List.of("CA003", "CA002"));
        assertEquals(3, fx(() -> viewModel.totalProperty().get()));
        assertEquals("1\u20132 of 3", fx(() -> viewModel.pageTextProperty().get()));
        assertTrue(fx(() -> viewModel.hasNextProperty().get()));
        assertFalse(fx(() -> viewModel.hasPreviousProperty().get()));

        fx(viewModel::nextPage);
        awaitIds(List.of("CA001"));
        assertEquals("3\u20133 of 3", fx(() -> viewModel.pageTextProperty().get()));
        assertFalse(fx(() -> viewModel.hasNextProperty().get()));
        assertTrue(fx(() -> viewModel.hasPreviousProperty().get()));

        fx(viewModel::previousPage);
        awaitIds(List.of("CA003", "CA002"));
    }

    @Test
    void searchFindsCallsByNumberDatesAndWordsSaid() throws Exception {
        fx(() -> {
            viewModel.numberProperty().set("555 000 0001");
            return viewModel.search();
        });
        awaitIds(List.of("CA001"));

        fx(() -> {
            viewModel.numberProperty().set("");
            viewModel.textProperty().set("PARCEL");
            return viewModel.search();
        });
        awaitIds(List.of("CA002"));

        // The supervisor's words are searchable too, in every call.
        fx(() -> {
            viewModel.textProperty().set("colleague tomorrow");
            return viewModel.search();
        });
        awaitIds(List.of("CA003", "CA002"));
        assertEquals(3, fx(() -> viewModel.totalProperty().get()));

        LocalDate today = LocalDate.now(ZONE);
        fx(() -> {
            viewModel.textProperty().set("");
            viewModel.fromDateProperty().set(today.minusDays(1));
            viewModel.untilDateProperty().set(today.minusDays(1));
            return viewModel.search();
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> "No calls".equals(viewModel.pageTextProperty().get())));
        assertEquals(List.of(), shownIds());

        fx(() -> {
            viewModel.untilDateProperty().set(today);
            return viewModel.search();
        });
        awaitIds(List.of("CA003", "CA002"));

        fx(viewModel::clearSearch);
        awaitIds(List.of("CA003", "CA002"));
        assertEquals(3, fx(() -> viewModel.totalProperty().get()));
    }

    @Test
    void openingACallRebuildsTheConversationTheLiveViewShowed() throws Exception {
        LiveCall live = new LiveCall("CA002");
        live.applyAll(recorded.liveEvents("CA002"));

        fx(viewModel::search);
        awaitIds(List.of("CA003", "CA002"));
        fx(() -> viewModel.open(viewModel.calls().get(1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.openedProperty().get() != null));
        LiveCall rebuilt = fx(() -> viewModel.openedProperty().get());

        assertEquals(describe(live), describe(rebuilt));
        assertTrue(rebuilt.entries().stream().anyMatch(e -> e.kind() == ConversationEntry.Kind.AI && !e.unheard().isEmpty()),
                "an answer with an unheard part: " + describe(rebuilt));
        assertTrue(rebuilt.entries().stream().anyMatch(e -> e.text().equals("my parcel never arrived")));
        assertTrue(rebuilt.isEnded());
        assertEquals("+15550000002", rebuilt.callerProperty().get());

        List<AuditEntry> audit = fx(() -> List.copyOf(viewModel.auditTrail()));
        assertEquals(List.of("takeover", "say", "release", "end"), audit.stream().map(AuditEntry::action).toList());
        assertTrue(audit.stream().allMatch(a -> System.getProperty("user.name").equals(a.operator())), audit.toString());
        assertEquals("\u201c" + RecordedCalls.SUPERVISOR_WORDS + "\u201d", HistoryView.details(audit.get(1)));
    }

    private static List<String> describe(LiveCall call) {
        return call.entries().stream()
                .map(e -> e.kind() + "|" + e.time() + "|" + e.speaker() + "|" + e.text() + "|" + e.unheard() + "|" + e.detail()
                        + "|" + e.isStreaming() + "|" + e.isPartial())
                .toList();
    }

    @Test
    void exportsTheSearchResultAsJsonAndTheOpenedCallAsCsvWithProgressToTheEnd() throws Exception {
        fx(() -> {
            viewModel.textProperty().set("subscription");
            return viewModel.search();
        });
        awaitIds(List.of("CA003"));
        Path json = dir.resolve("out/result.json");
        Files.createDirectories(json.getParent());
        Task<Long> jsonExport = fx(() -> viewModel.exportResults(ExportFormat.JSON, json));
        long written = jsonExport.get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> !viewModel.exportingProperty().get()));
        assertEquals(1.0, fx(jsonExport::getProgress));
        JsonNode tree = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, tree.get("calls").asInt());
        assertEquals("CA003", tree.get("history").get(0).get("callId").asText());
        assertEquals(written, tree.get("history").get(0).get("events").size());
        assertEquals(recorded.liveEvents("CA003").size(), written);

        fx(() -> viewModel.open(viewModel.calls().get(0)));
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.openedRecordProperty().get() != null));
        Path csv = dir.resolve("out/call.csv");
        Task<Long> csvExport = fx(() -> viewModel.exportOpened(ExportFormat.CSV, csv));
        assertNotNull(csvExport);
        assertEquals(written, csvExport.get(30, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> !viewModel.exportingProperty().get()));
        assertEquals(1.0, fx(csvExport::getProgress));
        String text = Files.readString(csv, StandardCharsets.UTF_8);
        assertTrue(text.contains("I want to cancel my subscription"), text);
        assertTrue(text.contains(EventKind.SUPERVISOR_SAY.name()), text);
        assertEquals(written + 1, text.lines().count(), "a header and one line per event");
        assertTrue(fx(() -> viewModel.statusProperty().get()).startsWith("Exported call CA003"));
    }

    @Test
    void cancellingAnExportStopsItAndLeavesNoFile() throws Exception {
        recorded.record("CA004", "+15550000004", "where is my refund");
        recorded.record("CA005", "+15550000005", "please update my address");
        recorded.record("CA006", "+15550000006", "can I pay by card");
        recorded.record("CA007", "+15550000007", "what are your opening hours");
        recorded.record("CA008", "+15550000008", "my parcel never arrived");
        recorded.flushed();
        long events = 0;
        for (String id : List.of("CA001", "CA002", "CA003", "CA004", "CA005", "CA006", "CA007", "CA008")) {
            events += recorded.store.call(id).orElseThrow().eventCount();
        }
        assertTrue(events > 600, "enough events for the store to look at the interrupt twice: " + events);

        // The real store exports; the gate only holds the export at its first progress report.
        CallHistory real = recorded.history();
        CountDownLatch reached = new CountDownLatch(1);
        CallHistory gated = new CallHistory() {
            @Override public app.switchboard.history.CallPage page(app.switchboard.history.HistoryQuery q) { return real.page(q); }
            @Override public List<app.switchboard.call.CallEvent> events(String id) { return real.events(id); }
            @Override public List<AuditEntry> auditTrail(String id) { return real.auditTrail(id); }
            @Override public long exportCall(String id, ExportFormat f, Path t, app.switchboard.history.ExportProgress p) {
                return real.exportCall(id, f, t, p);
            }
            @Override public app.switchboard.history.StoreHealth health() { return real.health(); }
            @Override public AutoCloseable onHealthChange(java.util.function.Consumer<app.switchboard.history.StoreHealth> l) {
                return real.onHealthChange(l);
            }
            @Override public long export(app.switchboard.history.HistoryQuery q, ExportFormat f, Path t,
                                         app.switchboard.history.ExportProgress p) {
                return real.export(q, f, t, (done, total) -> {
                    p.progress(done, total);
                    reached.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        };
        viewModel.close();
        viewModel = fx(() -> new HistoryViewModel(gated, ZONE, 2));
        fx(viewModel::search);
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> viewModel.totalProperty().get()) == 8L);

        Path out = Files.createDirectories(dir.resolve("cancelled"));
        Path target = out.resolve("all.csv");
        Task<Long> export = fx(() -> viewModel.exportResults(ExportFormat.CSV, target));
        assertTrue(reached.await(30, TimeUnit.SECONDS), "the export started");
        assertTrue(fx(() -> viewModel.exportingProperty().get()));
        fx(() -> {
            viewModel.cancelExport();
            return null;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> !viewModel.exportingProperty().get()));
        assertTrue(export.isCancelled());
        assertEquals("Export cancelled", fx(() -> viewModel.statusProperty().get()));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (var files = Files.list(out)) {
                return files.findAny().isEmpty();
            }
        });
        assertFalse(Files.exists(target));
    }
}
