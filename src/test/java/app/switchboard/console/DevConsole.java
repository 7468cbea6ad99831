package app.switchboard.console;

import app.switchboard.call.RelayStatus;
import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.protocol.InboundMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.util.Duration;

/**
 * Opens the console on scripted traffic (no relay, no network) to look at it:
 * {@code ./mvnw -q test-compile exec:java}-free, run with the test class path (see docs/console.md).
 */
public final class DevConsole {

    public static void main(String[] args) throws Exception {
        ScriptedCallers callers = new ScriptedCallers(9);
        callers.registry.statusSource(() -> new RelayStatus("wss://127.0.0.1:8443/relay", "https://127.0.0.1:8443/twiml",
                8443, "3F:A1:09:7C:55:E2:B4:10:8D:2A:61:C9:0E:77:4B:93:A5:3D:F0:12:6E:88:B7:C4:2F:19:D0:5A:E3:71:9C:04",
                false, "offline responder", (int) callers.registry.liveCalls(), true));
        Path root = Files.createTempDirectory("switchboard-dev");
        script(callers);
        ConsoleContext context = new ConsoleContext(callers.registry, new Settings(), AppDirectories.under(root),
                Secrets.from(Map.of()), "demo", callers::close);
        String select = args.length > 0 ? args[0] : null;
        if (select == null) {
            ConsoleApp.launch(context);
            return;
        }
        // Follow one call (for screenshots): select it once it exists.
        Platform.startup(() -> {
            ConsoleWindow window = ConsoleWindow.show(new Stage(), context);
            window.stage().setOnHidden(e -> Platform.exit());
            Timeline follow = new Timeline(new KeyFrame(Duration.millis(500), e -> {
                LiveCall call = window.board().find(select);
                if (call != null) {
                    window.view().list().table().getSelectionModel().select(call);
                }
            }));
            follow.setCycleCount(Animation.INDEFINITE);
            follow.play();
            if (args.length > 1 && args[1].equals("settings")) {
                window.view().openSettings();
            }
            if (args.length > 1 && args[1].equals("dark")) {
                window.view().useDarkTheme();
            }
        });
    }

    static void script(ScriptedCallers c) {
        // A billing question.
        c.connect("CA01", "+14155550123");
        c.say("CA01", "Hi I have a question about the charge on my last bill", 180, 1200);
        c.say("CA01", "Yes please set up automatic payments", 180, 16000);

        // A caller who interrupts.
        c.later(900, () -> c.connect("CA02", "+12125550188"));
        c.say("CA02", "Why is my bill so high this month", 160, 2000);
        c.later(5200, () -> c.bargeIn("CA02", 0));
        c.say("CA02", "No wait I mean the international call charge", 160, 5400);
        c.later(11000, () -> c.bargeIn("CA02", c.connection("CA02").raw.size() - 6));

        // One who presses keys.
        c.later(1800, () -> c.connect("CA03", "+13125550111"));
        c.later(3500, () -> c.send("CA03", new InboundMessage.Dtmf("2")));
        c.say("CA03", "What are your opening hours", 170, 9000);

        // One who asks for a human, twice.
        c.later(2600, () -> c.connect("CA04", "+16175550142"));
        c.say("CA04", "I want to talk to a real person", 170, 3200);
        c.later(5400, () -> c.bargeIn("CA04", 0));
        c.later(7000, () -> c.registry.takeOver("CA04"));
        c.later(8000, () -> c.registry.whisper("CA04", "Offer a callback from the billing team"));
        c.say("CA04", "Is my bill paid already", 170, 9000);

        // One in Spanish, with a Twilio error on the way.
        c.later(3300, () -> c.connect("CA05", "+34915550177"));
        c.say("CA05", "Hola tengo una pregunta sobre mi factura", 170, 4200);
        c.later(9500, () -> c.send("CA05", new InboundMessage.TwilioError(
                "Invalid message received, code: 64107, {\"type\":\"interrupt\"}")));

        // One that already ended.
        c.later(400, () -> c.connect("CA06", "+15035550199"));
        c.say("CA06", "Thanks that is all bye", 150, 800);
        c.later(5000, () -> c.hangUp("CA06"));
    }
}
