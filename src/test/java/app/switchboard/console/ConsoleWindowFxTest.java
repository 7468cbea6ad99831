package app.switchboard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.call.EventKind;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
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
 * The console as a supervisor uses it: headless (Monocle), clicking the real buttons, and
 * checking what reached the caller's end of the connection.
 */
@ExtendWith(ApplicationExtension.class)
class ConsoleWindowFxTest {

    private ScriptedCallers callers;
    private ConsoleWindow window;
    private AppDirectories dirs;

    @Start
    void start(Stage stage) throws Exception {
        callers = new ScriptedCallers(25);
        dirs = AppDirectories.under(Files.createTempDirectory("switchboard-fx"));
        window = ConsoleWindow.show(stage, new ConsoleContext(callers.registry, new Settings(), dirs,
                Secrets.from(Map.of()), "test", callers::close));
        stage.requestFocus();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(window::close);
    }

    private MemoryConnection callIn(String callSid, String from) {
        MemoryConnection caller = callers.connect(callSid, from);
        await().until(() -> callers.registry.events(callSid).stream().anyMatch(e -> e.kind() == EventKind.SETUP));
        return caller;
    }

    private static Predicate<OutboundMessage> is(OutboundMessage expected) {
        return expected::equals;
    }

    private static void awaitFrame(MemoryConnection caller, Predicate<OutboundMessage> expected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> caller.messages().stream().anyMatch(expected));
    }

    private void awaitEvent(String callSid, EventKind kind) {
        await().until(() -> callers.registry.events(callSid).stream().anyMatch(e -> e.kind() == kind));
    }

    private boolean conversationShows(FxRobot robot, String fragment) {
        return robot.lookup(".entry-text").queryAllAs(Text.class).stream()
                .anyMatch(t -> t.getText() != null && t.getText().contains(fragment));
    }

    @Test
    void aNewCallAppearsInTheList(FxRobot robot) {
        callIn("CA1", "+14155550123");

        TableView<?> table = robot.lookup(".calls-table").queryAs(TableView.class);
        await().until(() -> table.getItems().size() == 1);
        await().until(() -> robot.lookup("+14155550123").tryQuery().isPresent());
    }

    @Test
    void theAnswerStreamsIntoTheDetail(FxRobot robot) {
        callIn("CA1", "+14155550123");
        callers.send("CA1", new InboundMessage.Prompt("a question about my bill", "en-US", true));

        await().until(() -> conversationShows(robot, "a question about my bill"));
        await().until(() -> conversationShows(robot, "Your last bill was twenty dollars"));
        awaitEvent("CA1", EventKind.TURN_COMPLETED);
        await().until(() -> conversationShows(robot, "never miss a due date?"));
    }

    @Test
    void sayButtonSpeaksTheSentence(FxRobot robot) {
        MemoryConnection caller = callIn("CA1", "+14155550123");

        robot.clickOn("#sayField").write("One moment please.");
        robot.clickOn("#sayButton");

        awaitFrame(caller, is(new OutboundMessage.Text("One moment please.", true, null, null, false)));
        await().until(() -> conversationShows(robot, "One moment please."));
    }

    @Test
    void interruptButtonCutsTheAnswer(FxRobot robot) {
        MemoryConnection caller = callIn("CA1", "+14155550123");
        callers.send("CA1", new InboundMessage.Prompt("why is my bill so high", "en-US", true));
        awaitEvent("CA1", EventKind.AGENT_TOKEN);

        robot.clickOn("#interruptButton");

        awaitFrame(caller, is(new OutboundMessage.Text("", true, null, null, false)));
        awaitEvent("CA1", EventKind.TURN_INTERRUPTED);
        await().until(() -> conversationShows(robot, "interrupted the AI"));
        await().until(() -> robot.lookup(".entry-detail").queryAllAs(Text.class).stream()
                .anyMatch(t -> t.getText().contains("cut: supervisor interrupted")));
    }

    @Test
    void aCallerBargeInStrikesThroughWhatWasNotHeard(FxRobot robot) {
        MemoryConnection caller = callIn("CA1", "+14155550123");
        callers.send("CA1", new InboundMessage.Prompt("why is my bill so high", "en-US", true));
        await().until(() -> caller.messages().size() >= 6);

        callers.bargeIn("CA1", 0);

        awaitEvent("CA1", EventKind.TURN_INTERRUPTED);
        await().until(() -> robot.lookup(".entry-unheard").queryAllAs(Text.class).stream()
                .anyMatch(t -> t.isVisible() && t.isStrikethrough() && !t.getText().isEmpty()));
    }

    @Test
    void takeOverThenSendTheEditedDraft(FxRobot robot) {
        MemoryConnection caller = callIn("CA1", "+14155550123");

        robot.clickOn("#takeOverButton");
        awaitEvent("CA1", EventKind.SUPERVISOR_TAKEOVER);
        callers.send("CA1", new InboundMessage.Prompt("when is my payment due", "en-US", true));
        awaitEvent("CA1", EventKind.DRAFT_READY);
        TextArea draft = robot.lookup("#draftArea").queryAs(TextArea.class);
        await().until(() -> draft.getText().startsWith("Your last bill") && !draft.isDisabled());
        assertTrue(caller.messages().isEmpty(), "while held, the AI's draft is not spoken");

        robot.clickOn("#draftArea").press(KeyCode.CONTROL, KeyCode.END).release(KeyCode.END, KeyCode.CONTROL);
        robot.write(" Anything else?");
        String edited = draft.getText();
        robot.clickOn("#sendDraftButton");

        assertTrue(edited.endsWith("due date? Anything else?"), edited);
        awaitFrame(caller, is(new OutboundMessage.Text(edited, true, null, null, false)));
    }

    @Test
    void releaseByShortcutHandsTheCallBack(FxRobot robot) {
        callIn("CA1", "+14155550123");
        robot.clickOn("#takeOverButton");
        awaitEvent("CA1", EventKind.SUPERVISOR_TAKEOVER);

        robot.clickOn("#sayField").press(KeyCode.CONTROL, KeyCode.T).release(KeyCode.T, KeyCode.CONTROL);

        awaitEvent("CA1", EventKind.SUPERVISOR_RELEASE);
        await().until(() -> conversationShows(robot, "handed the call back to the AI"));
    }

    @Test
    void whisperIsRecordedButNotSpoken(FxRobot robot) {
        MemoryConnection caller = callIn("CA1", "+14155550123");

        robot.clickOn("#whisperField").write("offer the loyalty discount");
        robot.clickOn("#whisperButton");

        awaitEvent("CA1", EventKind.SUPERVISOR_WHISPER);
        await().until(() -> conversationShows(robot, "offer the loyalty discount"));
        assertEquals(List.of(), caller.messages());
    }

    @Test
    void languageSwitchSendsTheLanguageMessage(FxRobot robot) {
        MemoryConnection caller = callIn("CA1", "+34915550177");
        ChoiceBox<?> choice = robot.lookup("#languageChoice").queryAs(ChoiceBox.class);
        await().until(() -> !choice.isDisabled());

        robot.interact(() -> ((ChoiceBox<String>) (ChoiceBox) choice).setValue("es-ES"));
        robot.clickOn("#languageButton");

        awaitFrame(caller, is(new OutboundMessage.Language("es-ES", "es-ES")));
        await().until(() -> conversationShows(robot, "switched language to speech es-ES"));
    }

    @Test
    void endWithHandoffSendsEndWithTheReason(FxRobot robot) throws Exception {
        MemoryConnection caller = callIn("CA1", "+14155550123");

        robot.clickOn("#endReasonField").write("billing dispute");
        robot.clickOn("#handToHumanCheck");
        robot.clickOn("#endButton");

        awaitFrame(caller, m -> m instanceof OutboundMessage.End);
        OutboundMessage.End end = (OutboundMessage.End) caller.messages().stream()
                .filter(m -> m instanceof OutboundMessage.End).findFirst().orElseThrow();
        var handoff = new ObjectMapper().readTree(end.handoffData());
        assertEquals("billing dispute", handoff.get("reason").asText());
        assertTrue(handoff.get("handToHuman").asBoolean());
    }


    @Test
    void settingsDialogSavesTheEditedSettings(FxRobot robot) {
        robot.press(KeyCode.CONTROL, KeyCode.COMMA).release(KeyCode.COMMA, KeyCode.CONTROL);
        await().until(() -> robot.lookup("#portField").tryQuery().isPresent());

        robot.clickOn("#portField").press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL).write("9443");
        robot.clickOn("#handoffField").write("+15551234567");
        robot.clickOn("#saveButton");

        await().until(() -> Files.exists(dirs.config().resolve(Settings.FILE_NAME)));
        Settings saved = Settings.load(dirs.config());
        assertEquals(9443, saved.port);
        assertEquals("+15551234567", saved.handoffNumber);
    }

    @Test
    void settingsDialogRefusesABadPortAndSaysWhy(FxRobot robot) {
        robot.press(KeyCode.CONTROL, KeyCode.COMMA).release(KeyCode.COMMA, KeyCode.CONTROL);
        await().until(() -> robot.lookup("#portField").tryQuery().isPresent());

        robot.clickOn("#portField").press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL).write("99999");
        robot.clickOn("#saveButton");

        await().until(() -> robot.lookup("#messageLabel").queryLabeled().getText().contains("Port must be"));
        assertTrue(!Files.exists(dirs.config().resolve(Settings.FILE_NAME)));
        robot.clickOn("Cancel");
    }
}
