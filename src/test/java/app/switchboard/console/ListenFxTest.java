package app.switchboard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.config.Settings;
import app.switchboard.media.LiveAudio;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The call detail's Listen toggle end to end in the console, with the machine's real audio
 * output: this machine and CI have none, so the toggle must say so and turn itself off.
 */
@ExtendWith(ApplicationExtension.class)
class ListenFxTest {

    private ScriptedCallers callers;
    private ConsoleWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        callers = new ScriptedCallers(0);
        window = ConsoleWindow.show(stage, new ConsoleContext(callers.registry, new Settings(), null, null, "test",
                callers::close).withAudio(new LiveAudio()));
        stage.requestFocus();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(window::close);
    }

    @Test
    void listeningWithoutAnAudioDeviceSaysSoAndTurnsOff(FxRobot robot) throws Exception {
        callers.connect("CA1", "+14155550123");
        await().until(() -> robot.lookup("+14155550123").tryQuery().isPresent());
        robot.clickOn("+14155550123");
        ToggleButton listen = robot.lookup("#listenToggle").queryAs(ToggleButton.class);
        await().until(() -> !listen.isDisabled() && listen.isVisible());

        robot.clickOn(listen);
        robot.interact(() -> { });

        Label message = robot.lookup("#listenMessage").queryAs(Label.class);
        if (listen.isSelected()) {
            assertTrue(message.getText().startsWith("Listening to"), message.getText()); // a machine with sound
            robot.clickOn(listen);
        } else {
            assertTrue(message.getText().startsWith("No audio output device"), message.getText());
            assertTrue(message.isVisible());
            assertFalse(listen.isSelected());
        }
        // The picture in docs/live-audio.md comes from here (target/, never written into docs by a test).
        WritableImage[] shot = new WritableImage[1];
        robot.interact(() -> shot[0] = stage.getScene().snapshot(null));
        Path png = Path.of("target", "screenshots", "listen.png");
        Files.createDirectories(png.getParent());
        ImageIO.write(toBuffered(shot[0]), "png", png.toFile());
    }

    private static BufferedImage toBuffered(WritableImage image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        PixelReader pixels = image.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        return out;
    }
}
