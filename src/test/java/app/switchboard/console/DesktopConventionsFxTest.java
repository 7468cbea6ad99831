package app.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.switchboard.call.EventKind;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Settings;
import app.switchboard.console.shared.Appearance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The console behaves like a desktop application: an icon, Help › About with the bundled
 * software's licences, Ctrl+Q through the close guard, the theme and text size applied at once
 * and saved, the layout remembered in {@code layout.json}. Headless (Monocle), keys pressed by
 * the robot; Shortcut is Ctrl here (the robot runs as Linux).
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DesktopConventionsFxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Stage stage;
    private ScriptedCallers callers;
    private ConsoleWindow window;
    private AppDirectories dirs;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        dirs = AppDirectories.under(Files.createTempDirectory("switchboard-desktop")).create();
        // Where a previous session left the window.
        Files.writeString(dirs.config().resolve(WindowLayout.FILE_NAME), JSON.writeValueAsString(Map.of(
                "width", 1100.0, "height", 700.0, "dividers", List.of(0.55), "callColumns", Map.of("callerColumn", 190.0))));
        callers = new ScriptedCallers(0);
        window = ConsoleWindow.show(stage, new ConsoleContext(callers.registry, new Settings(), dirs, null, "test", () -> { }));
        stage.requestFocus();
    }

    @AfterEach
    void stop(FxRobot robot) {
        robot.interact(() -> {
            if (stage.isShowing()) {
                stage.close();
            }
        });
        callers.close();
    }

    private JsonNode saved(String file) throws Exception {
        return JSON.readTree(dirs.config().resolve(file).toFile());
    }

    @Test
    void theWindowHasTheAppIconInFourSizes() {
        assertThat(stage.getIcons()).hasSize(4);
        assertThat(stage.getIcons().stream().map(i -> (int) i.getWidth()).toList()).containsExactly(16, 32, 64, 256);
    }

    @Test
    void helpAboutShowsTheVersionAndTheBundledSoftwareWithLicences(FxRobot robot) {
        robot.interact(() -> window.view().showAbout());

        await().until(() -> robot.lookup("#aboutLicences").tryQuery().isPresent());
        String licences = robot.lookup("#aboutLicences").queryAs(TextArea.class).getText();
        assertThat(licences).contains("org.eclipse.jetty:jetty-server").contains("EPL-2.0")
                .contains("org.openjfx:javafx-controls").contains("GPLv2+CE");
        assertThat(window.view().about().getHeaderText()).startsWith("Switchboard ");
    }

    @Test
    void ctrlQWithALiveCallAsksFirstThroughTheCloseGuard(FxRobot robot) {
        callers.connect("CA-quit", "+14155550123");
        await().until(() -> callers.registry.events("CA-quit").stream().anyMatch(e -> e.kind() == EventKind.SETUP));

        robot.press(KeyCode.CONTROL, KeyCode.Q).release(KeyCode.Q, KeyCode.CONTROL);

        await().until(() -> robot.lookup("#closeCancel").tryQuery().isPresent());
        assertThat(stage.isShowing()).isTrue();
        robot.clickOn("#closeCancel");
        assertThat(stage.isShowing()).isTrue();
    }

    @Test
    void ctrlQWithoutLiveCallsQuits(FxRobot robot) {
        robot.press(KeyCode.CONTROL, KeyCode.Q).release(KeyCode.Q, KeyCode.CONTROL);

        await().until(() -> !stage.isShowing());
    }

    @Test
    void theDarkThemeAppliesAtOnceAndIsSaved(FxRobot robot) throws Exception {
        String dark = Appearance.class.getResource(Appearance.DARK_THEME).toExternalForm();
        assertThat(stage.getScene().getStylesheets()).doesNotContain(dark);

        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.D).release(KeyCode.D, KeyCode.SHIFT, KeyCode.CONTROL);

        await().until(() -> stage.getScene().getStylesheets().contains(dark));
        assertThat(saved(Settings.FILE_NAME).get("theme").asText()).isEqualTo("dark");
    }

    /**
     * At the largest text the floor and a call no longer fit the default 1280 px window: the centre
     * scrolls instead of being cut off at the window's edge, and the bars above and below stay whole.
     */
    @Test
    void atTheLargestTextTheCentreScrollsAndNothingIsCutOff(FxRobot robot) {
        callers.connect("CA-wide", "+14155550123");
        await().until(() -> !window.view().list().table().getItems().isEmpty());
        robot.interact(() -> window.view().list().table().getSelectionModel().select(0));
        ScrollPane centre = robot.lookup(".main-scroll").queryAs(ScrollPane.class);
        robot.interact(() -> {
            stage.setWidth(1280); // the window's default size
            stage.setHeight(800);
        });
        await().until(() -> centre.getViewportBounds().getWidth() > 1100);
        assertThat(fits(centre)).as("at 100 %% the centre fits its window: %s in %s",
                centre.getContent().getLayoutBounds(), centre.getViewportBounds()).isTrue();

        robot.interact(() -> {
            for (int i = 0; i < 10; i++) {
                window.view().largerText();
            }
        });
        robot.interact(() -> stage.getScene().getRoot().layout());
        assertThat(window.view().appearance().textPercent()).isEqualTo(Appearance.MAX_PERCENT);
        assertThat(fits(centre)).as("at 150 %% the centre is wider than the window: it scrolls").isFalse();
        double sceneWidth = stage.getScene().getWidth();
        Node endCall = robot.lookup("#endButton").query();
        robot.interact(() -> {
            for (Node bar : List.of(stage.getScene().getRoot().lookup(".status-bar"),
                    ((BorderPane) stage.getScene().getRoot()).getTop())) {
                Bounds b = bar.localToScene(bar.getLayoutBounds());
                assertThat(b.getMaxX()).as("%s within the window", bar.getStyleClass()).isLessThanOrEqualTo(sceneWidth + 0.5);
            }
            centre.setHvalue(centre.getHmax());
            centre.layout();
        });
        robot.interact(() -> {
            Bounds end = endCall.localToScene(endCall.getLayoutBounds());
            assertThat(end.getMaxX()).as("End call, scrolled to").isLessThanOrEqualTo(sceneWidth + 0.5);
        });
    }

    private static boolean fits(ScrollPane pane) {
        Bounds viewport = pane.getViewportBounds();
        Node content = pane.getContent();
        return content.getLayoutBounds().getWidth() <= viewport.getWidth() + 0.5
                && content.getLayoutBounds().getHeight() <= viewport.getHeight() + 0.5;
    }

    @Test
    void largerTextScalesTheRootFontAndIsSaved(FxRobot robot) throws Exception {
        robot.press(KeyCode.CONTROL, KeyCode.EQUALS).release(KeyCode.EQUALS, KeyCode.CONTROL);

        await().until(() -> stage.getScene().getRoot().getStyle().contains("-fx-font-size: 14.30px"));
        assertThat(saved(Settings.FILE_NAME).get("textSizePercent").asInt()).isEqualTo(110);
        robot.interact(() -> {
            for (int i = 0; i < 10; i++) {
                window.view().largerText();
            }
        });
        assertThat(window.view().appearance().textPercent()).isEqualTo(Appearance.MAX_PERCENT);
        assertThat(stage.getScene().getRoot().getStyle()).contains("-fx-font-size: 19.50px");
    }

    @Test
    void themeAndTextSizeChosenInTheSettingsDialogApplyWhenSaved(FxRobot robot) throws Exception {
        robot.interact(() -> window.view().openSettings());
        javafx.stage.Window dialog = javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && "Switchboard settings".equals(s.getTitle())).findFirst().orElseThrow();
        robot.interact(() -> {
            ((javafx.scene.control.CheckBox) dialog.getScene().lookup("#darkThemeCheck")).setSelected(true);
            @SuppressWarnings("unchecked")
            javafx.scene.control.ChoiceBox<Integer> size =
                    (javafx.scene.control.ChoiceBox<Integer>) dialog.getScene().lookup("#textSizeChoice");
            size.setValue(130);
            ((javafx.scene.control.Button) dialog.getScene().lookup("#saveButton")).fire();
        });

        String dark = Appearance.class.getResource(Appearance.DARK_THEME).toExternalForm();
        await().until(() -> stage.getScene().getStylesheets().contains(dark));
        assertThat(stage.getScene().getRoot().getStyle()).contains("-fx-font-size: 16.90px");
        assertThat(saved(Settings.FILE_NAME).get("textSizePercent").asInt()).isEqualTo(130);
        assertThat(dialog.isShowing()).isFalse();
    }

    @Test
    void theSavedLayoutIsRestoredAndTheClosingOneSaved(FxRobot robot) throws Exception {
        assertThat(stage.getWidth()).isEqualTo(1100.0);
        await().until(() -> Math.abs(window.view().split().getDividerPositions()[0] - 0.55) < 0.01);
        TableView<?> table = window.view().list().table();
        assertThat(table.getColumns().stream().filter(c -> "callerColumn".equals(c.getId())).findFirst().orElseThrow()
                .getPrefWidth()).isEqualTo(190.0);

        robot.interact(() -> window.view().split().setDividerPositions(0.3));
        robot.interact(window::requestClose);
        await().until(() -> !stage.isShowing());

        JsonNode layout = saved(WindowLayout.FILE_NAME);
        assertThat(layout.get("dividers").get(0).asDouble()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
        assertThat(layout.get("callColumns").has("callerColumn")).isTrue();
        assertThat(layout.get("width").asDouble()).isEqualTo(1100.0);
    }

    @Test
    void aDamagedLayoutFileIsIgnored() throws Exception {
        Path file = dirs.config().resolve(WindowLayout.FILE_NAME);
        Files.writeString(file, "{\"width\": 12");
        assertThat(WindowLayout.load(dirs.config())).isEqualTo(WindowLayout.NONE);
    }
}
