package app.switchboard.console;

import app.switchboard.console.shared.WindowLook;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;

/**
 * Closing the console (the window's close box or Quit) with live calls asks first: the calls
 * are people on the phone. The supervisor keeps them running without a window, hands them all
 * to a human, ends them all, or cancels; the console never hangs up silently. The question is
 * shown without a nested event loop (the FX thread keeps drawing the calls meanwhile).
 */
final class CloseGuard {

    /** What the supervisor chose for the live calls. */
    enum Choice { KEEP_RUNNING, HAND_TO_HUMAN, END_ALL, CANCEL,
        /** A console of a remote relay: its calls go on there; closing only disconnects. */
        DISCONNECT }

    static final ButtonType KEEP = new ButtonType("_Keep them running without a window", ButtonBar.ButtonData.OTHER);
    static final ButtonType HAND_OVER = new ButtonType("_Hand all to a human", ButtonBar.ButtonData.OTHER);
    static final ButtonType END_ALL = new ButtonType("_End them all", ButtonBar.ButtonData.OTHER);
    static final ButtonType CANCEL = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);

    private final CallControl calls;
    private Alert open;

    CloseGuard(CallControl calls) {
        this.calls = calls;
    }

    static List<CallSummary> live(CallControl calls) {
        return calls.calls().stream().filter(c -> c.state() != CallState.ENDED && c.endedAt() == null).toList();
    }

    /**
     * Asks what to do with the live calls and carries it out, then reports the choice. With no
     * live call there is nothing to ask: it reports {@code END_ALL} at once, which ends nothing.
     */
    void ask(Window owner, Consumer<Choice> then) {
        if (calls.connection().isRemote()) {
            then.accept(Choice.DISCONNECT);
            return;
        }
        List<CallSummary> live = live(calls);
        if (live.isEmpty()) {
            then.accept(Choice.END_ALL);
            return;
        }
        if (open != null) {
            Window shown = open.getDialogPane().getScene().getWindow();
            if (shown instanceof javafx.stage.Stage stage) {
                stage.toFront();
            }
            return;
        }
        boolean handoff = calls.status().handoffConfigured();
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
        WindowLook.dressLike(owner, alert);
        alert.setTitle("Live calls");
        alert.setHeaderText(live.size() == 1 ? "1 call is live." : live.size() + " calls are live.");
        alert.setContentText("Closing the console must not hang up on anyone without a word. What should happen to "
                + (live.size() == 1 ? "this call" : "these calls") + "?"
                + (handoff ? "" : "\n\nNo handoff number is set in Settings, so they cannot be handed to a human."));
        alert.getButtonTypes().setAll(KEEP, HAND_OVER, END_ALL, CANCEL);
        alert.getDialogPane().lookupButton(HAND_OVER).setDisable(!handoff);
        alert.getDialogPane().lookupButton(KEEP).setId("closeKeepRunning");
        alert.getDialogPane().lookupButton(HAND_OVER).setId("closeHandOver");
        alert.getDialogPane().lookupButton(END_ALL).setId("closeEndAll");
        alert.getDialogPane().lookupButton(CANCEL).setId("closeCancel");
        // Each button as wide as its words: four as wide as the longest outgrow the screen at large text sizes.
        for (ButtonType type : alert.getButtonTypes()) {
            ButtonBar.setButtonUniformSize(alert.getDialogPane().lookupButton(type), false);
        }
        open = alert;
        alert.setOnHidden(e -> {
            open = null;
            ButtonType answer = alert.getResult();
            Choice choice = answer == KEEP ? Choice.KEEP_RUNNING : answer == HAND_OVER ? Choice.HAND_TO_HUMAN
                    : answer == END_ALL ? Choice.END_ALL : Choice.CANCEL;
            act(choice, live);
            then.accept(choice);
        });
        alert.show();
    }

    /** Carries out the choice on the calls that were live when it was asked (non-blocking commands). */
    private void act(Choice choice, List<CallSummary> live) {
        for (CallSummary call : live) {
            if (choice == Choice.HAND_TO_HUMAN) {
                calls.end(call.callId(), "the supervisor closed the console", true);
            } else if (choice == Choice.END_ALL) {
                calls.end(call.callId(), "the supervisor closed the console", false);
            }
        }
    }
}
