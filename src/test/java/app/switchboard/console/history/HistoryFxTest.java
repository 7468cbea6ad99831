package app.switchboard.console.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.console.ConsoleContext;
import app.switchboard.console.ConsoleWindow;
import app.switchboard.console.RecordedCalls;
import app.switchboard.console.calls.ConversationEntry;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.history.AuditEntry;
import app.switchboard.store.EventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The History window and the store warning as a supervisor meets them, headless (Monocle): past
 * calls recorded by a real registry into a real SQLite store, opened from the History menu's
 * shortcut, and a store made unwritable by a lock held on its file.
 */
@ExtendWith(ApplicationExtension.class)
class HistoryFxTest {

    private Path root;
    private RecordedCalls recorded;
    private ConsoleWindow window;

    @Start
    void start(Stage stage) throws Exception {
        root = Files.createTempDirectory("switchboard-history-fx");
        // Quick retries, so the banner clears soon after the lock is released.
        recorded = new RecordedCalls(root.resolve("data"),
                EventStore.Options.defaults().withRetry(Duration.ofMillis(10), Duration.ofMillis(200)));
        recorded.record("CA101", "+15550001111", "what is my bill");
        recorded.record("CA102", "+15550002222", "my parcel never arrived");
        recorded.flushed();
        window = ConsoleWindow.show(stage, new ConsoleContext(recorded.callers.registry, new Settings(),
                AppDirectories.under(root), null, "test", null).withHistory(recorded.history()));
        stage.requestFocus();
    }

    @AfterEach
    void tearDown(FxRobot robot) throws IOException {
        robot.interact(window::close);
        recorded.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> read) throws Exception {
        return org.testfx.util.WaitForAsyncUtils.asyncFx(read).get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static List<String> texts(Node parent, String styleClass) {
        return parent.lookupAll(styleClass).stream().filter(n -> n instanceof Text)
                .map(n -> ((Text) n).getText()).toList();
    }

    @Test
    void openingAPastCallShowsItsConversationAsLiveAndWhoActed(FxRobot robot) throws Exception {
        robot.press(KeyCode.CONTROL, KeyCode.H).release(KeyCode.H, KeyCode.CONTROL);
        await().atMost(Duration.ofSeconds(20)).until(() -> window.view().history() != null);
        HistoryView history = window.view().history();
        await().atMost(Duration.ofSeconds(20)).until(() -> history.callTable().getItems().size() == 2);
        assertEquals("CA102", history.callTable().getItems().get(0).callId(), "newest first");

        robot.clickOn(robot.from(history.callTable()).lookup("+15550002222").queryAs(Node.class));
        Node conversation = history.conversationBox();
        // The same lines, in the same order, as the live detail view drew for this call.
        LiveCall live = new LiveCall("CA102");
        live.applyAll(recorded.liveEvents("CA102"));
        List<String> expected = live.entries().stream().map(ConversationEntry::text).toList();
        // Read the scene graph on the FX thread, once the whole conversation is drawn.
        await().atMost(Duration.ofSeconds(20)).until(() -> onFx(() -> texts(conversation, ".entry-text")).equals(expected));

        List<String> said = onFx(() -> texts(conversation, ".entry-text"));
        assertTrue(said.stream().anyMatch(t -> t.startsWith("I am sorry your parcel has not arrived.")), "the AI's answer: " + said);
        assertTrue(said.contains(RecordedCalls.SUPERVISOR_WORDS), "the supervisor's words: " + said);
        List<Text> unheard = conversation.lookupAll(".entry-unheard").stream()
                .map(n -> (Text) n).filter(t -> !t.getText().isEmpty()).toList();
        assertEquals(1, unheard.size(), "one answer cut by the barge-in");
        assertTrue(unheard.get(0).isStrikethrough() && unheard.get(0).isVisible());
        assertTrue(unheard.get(0).getText().contains("monthly plan"), unheard.get(0).getText());
        assertTrue(conversation.lookupAll(".entry-supervisor").size() >= 4, "takeover, say, release, end");

        assertEquals(expected, said);

        TableView<AuditEntry> audit = history.auditTable();
        assertEquals(List.of("takeover", "say", "release", "end"), audit.getItems().stream().map(AuditEntry::action).toList());
        String user = System.getProperty("user.name");
        assertTrue(robot.from(audit).lookup(".table-cell").queryAllAs(javafx.scene.control.TableCell.class).stream()
                .anyMatch(c -> user.equals(c.getText())), "the operator is shown");
        assertTrue(robot.from(audit).lookup(".table-cell").queryAllAs(javafx.scene.control.TableCell.class).stream()
                .anyMatch(c -> ("\u201c" + RecordedCalls.SUPERVISOR_WORDS + "\u201d").equals(c.getText())));
    }

    @Test
    void aStoreThatCannotWriteShowsAPersistentBannerUntilItCanAgain(FxRobot robot) throws Exception {
        Label banner = robot.lookup(".store-banner").queryAs(Label.class);
        assertFalse(banner.isVisible());
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + recorded.store.file());
             Statement s = other.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            recorded.record("CA103", "+15550003333", "is anyone there");
            await().atMost(Duration.ofSeconds(20)).until(banner::isVisible);
            assertTrue(banner.getText().contains("locked"), banner.getText());
            assertTrue(banner.isManaged(), "the banner takes its own space above the calls");
            s.execute("ROLLBACK");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !banner.isVisible());
        assertEquals("", banner.getText());
        recorded.flushed();
        assertTrue(recorded.store.call("CA103").isPresent(), "the waiting events were written");
    }
}
