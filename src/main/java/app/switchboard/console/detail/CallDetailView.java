package app.switchboard.console.detail;

import app.switchboard.call.CallState;
import app.switchboard.console.calls.ConversationEntry;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.console.shared.FxmlView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The selected call: its conversation as it happens, its latency chart, the AI's draft while
 * taken over, and the supervisor's actions (buttons and shortcuts). UI wiring only; state and
 * commands live in {@link CallDetailViewModel}.
 */
public final class CallDetailView extends FxmlView<StackPane> {

    @FXML private BorderPane detailPane;
    @FXML private Label placeholder;
    @FXML private CallHeaderView headerController;
    @FXML private ScrollPane conversationScroll;
    @FXML private VBox conversation;
    @FXML private Button jumpButton;
    @FXML private Button earlierButton;
    @FXML private VBox latencyHolder;
    @FXML private Label draftHint;
    @FXML private TextArea draftArea;
    @FXML private Button sendDraftButton;
    @FXML private TextField sayField;
    @FXML private Button sayButton;
    @FXML private Button interruptButton;
    @FXML private Button takeOverButton;
    @FXML private TextField whisperField;
    @FXML private Button whisperButton;
    @FXML private ChoiceBox<String> languageChoice;
    @FXML private Button languageButton;
    @FXML private MenuButton liveSettingsMenu;
    @FXML private RadioMenuItem bargeInOnItem;
    @FXML private RadioMenuItem bargeInOffItem;
    @FXML private MenuItem voiceItem;
    @FXML private TextField endReasonField;
    @FXML private CheckBox handToHumanCheck;
    @FXML private Button endButton;
    @FXML private javafx.scene.layout.HBox heldByBar;
    @FXML private Label heldByLabel;
    @FXML private Button askButton;
    @FXML private javafx.scene.control.ToggleButton listenToggle;
    @FXML private ChoiceBox<app.switchboard.media.Mix> listenMixChoice;
    @FXML private javafx.scene.control.Slider listenVolumeSlider;
    @FXML private Label listenMessage;

    private final CallDetailViewModel viewModel;
    private final LatencyChart latencyChart;
    private final ListChangeListener<ConversationEntry> onEntries = this::entriesChanged;
    private final Map<ConversationEntry, Node> nodes = new HashMap<>();
    private LiveCall shown;
    /** True while the view sticks to the newest line; false once the supervisor scrolls up. */
    private boolean following = true;
    private boolean scrolling;
    private double lastContentHeight;

    public CallDetailView(CallDetailViewModel viewModel) {
        this.viewModel = viewModel;
        this.latencyChart = new LatencyChart();
        latencyHolder.getChildren().add(latencyChart);

        detailPane.visibleProperty().bind(viewModel.callProperty().isNotNull());
        placeholder.visibleProperty().bind(viewModel.callProperty().isNull());
        // Offered at the top of what the call keeps in memory: scrolled up to it, or all of it in view.
        javafx.beans.binding.BooleanBinding atTop = Bindings.createBooleanBinding(
                () -> conversationScroll.getVvalue() <= conversationScroll.getVmin() + 0.001 || contentFits(),
                conversationScroll.vvalueProperty(), conversation.heightProperty(), conversationScroll.viewportBoundsProperty());
        earlierButton.visibleProperty().bind(viewModel.paging().availableProperty().and(atTop));
        earlierButton.managedProperty().bind(earlierButton.visibleProperty());

        sayField.textProperty().bindBidirectional(viewModel.sayTextProperty());
        whisperField.textProperty().bindBidirectional(viewModel.whisperTextProperty());
        endReasonField.textProperty().bindBidirectional(viewModel.endReasonProperty());
        handToHumanCheck.selectedProperty().bindBidirectional(viewModel.handToHumanProperty());
        draftArea.textProperty().bindBidirectional(viewModel.draftProperty());
        languageChoice.getItems().setAll(viewModel.languages());
        languageChoice.valueProperty().bindBidirectional(viewModel.languageProperty());

        var off = viewModel.actionsDisabledProperty();
        for (Node control : new Node[] {sayField, sayButton, interruptButton, takeOverButton, whisperField,
                whisperButton, languageChoice, languageButton, liveSettingsMenu, endReasonField, handToHumanCheck,
                endButton}) {
            control.disableProperty().bind(off);
        }
        handToHumanCheck.disableProperty().unbind();
        handToHumanCheck.disableProperty().bind(off.or(viewModel.handoffAvailableProperty().not()));
        handToHumanCheck.textProperty().bind(Bindings.when(viewModel.handoffAvailableProperty())
                .then("Hand to a human").otherwise("Hand to a human (no handoff number in Settings)"));
        sayButton.disableProperty().unbind();
        sayButton.disableProperty().bind(off.or(viewModel.sayTextProperty().isEmpty()));
        whisperButton.disableProperty().unbind();
        whisperButton.disableProperty().bind(off.or(viewModel.whisperTextProperty().isEmpty()));
        draftArea.disableProperty().bind(off.or(viewModel.holdsProperty().not()));
        sendDraftButton.disableProperty().bind(off.or(viewModel.holdsProperty().not())
                .or(viewModel.draftProperty().isEmpty()));
        takeOverButton.textProperty().bind(Bindings.when(viewModel.holdsProperty())
                .then("Release to AI").otherwise("Take over"));
        draftHint.textProperty().bind(Bindings.when(viewModel.holdsProperty())
                .then("You hold this call. The AI drafts each reply here; edit it and send, or type your own.")
                .otherwise("Take over the call to have the AI draft replies for you to send."));

        tooltip(sayButton, "Speak now in the AI's voice (Enter in the field, Ctrl+K to focus)");
        tooltip(interruptButton, "Stop the AI mid-answer (Ctrl+I)");
        tooltip(takeOverButton, "Pause the AI; caller turns wait for you (Ctrl+T)");
        tooltip(sendDraftButton, "Speak the draft (Ctrl+D)");
        tooltip(whisperButton, "Guidance for the AI, never spoken (Enter in the field, Ctrl+G to focus)");
        tooltip(languageButton, "Switch speech and transcription language (Ctrl+L to choose)");
        tooltip(endButton, "End the relay session (Ctrl+Shift+E)");
        tooltip(liveSettingsMenu, "Live settings of this call: whether the caller can interrupt the AI");
        voiceItem.setText(CallDetailViewModel.VOICE_UNAVAILABLE);
        viewModel.interruptibleProperty().addListener((obs, old, now) -> showInterruptible(now));
        showInterruptible(viewModel.interruptibleProperty().get());

        heldByLabel.textProperty().bind(Bindings.when(viewModel.askStatusProperty().isEmpty())
                .then(Bindings.concat("Held by ", viewModel.heldByOtherProperty(), ": your take-over was refused."))
                .otherwise(viewModel.askStatusProperty()));
        heldByBar.visibleProperty().bind(viewModel.heldByOtherProperty().isNotEmpty());
        heldByBar.managedProperty().bind(heldByBar.visibleProperty());
        askButton.disableProperty().bind(off.or(viewModel.askStatusProperty().isNotEmpty()));
        bindListen(viewModel.listen());
        askButton.setVisible(viewModel.canAsk());
        askButton.setManaged(viewModel.canAsk());
        tooltip(askButton, "Ask the supervisor holding this call to release it to you");

        viewModel.callProperty().addListener((obs, old, now) -> show(now));
        conversationScroll.vvalueProperty().addListener((obs, old, now) -> {
            // When the content grows, the ScrollPane's skin moves vvalue itself (keeping the
            // pixel offset) before our height listener runs: that is not the supervisor
            // scrolling, so only changes at an unchanged content height count.
            if (!scrolling && conversation.getHeight() == lastContentHeight) {
                following = now.doubleValue() >= conversationScroll.getVmax() - 0.001 || contentFits();
                jumpButton.setVisible(!following);
                jumpButton.setManaged(!following);
            }
        });
        conversation.heightProperty().addListener((obs, old, now) -> contentResized(now.doubleValue()));
        show(viewModel.call());
    }

    /** Keyboard shortcuts for the actions, on the window's scene. */
    public void installShortcuts(Scene scene) {
        var keys = scene.getAccelerators();
        keys.put(KeyCombination.keyCombination("Shortcut+K"), () -> sayField.requestFocus());
        keys.put(KeyCombination.keyCombination("Shortcut+I"), viewModel::interrupt);
        keys.put(KeyCombination.keyCombination("Shortcut+T"), viewModel::toggleTakeOver);
        keys.put(KeyCombination.keyCombination("Shortcut+D"), viewModel::sendDraft);
        keys.put(KeyCombination.keyCombination("Shortcut+G"), () -> whisperField.requestFocus());
        keys.put(KeyCombination.keyCombination("Shortcut+L"), () -> {
            languageChoice.requestFocus();
            languageChoice.show();
        });
        keys.put(KeyCombination.keyCombination("Shortcut+Shift+E"), viewModel::end);
    }

    // ---- actions (from FXML) ----

    private void bindListen(ListenViewModel listen) {
        // Not a bidirectional binding: the view model may turn listening straight back off (no audio
        // device) while the click's change is still being handed on, and a binding would not pass
        // that nested change back to the toggle. The toggle always shows the view model's current value.
        listenToggle.setOnAction(e -> {
            listen.listeningProperty().set(listenToggle.isSelected());
            listenToggle.setSelected(listen.listeningProperty().get());
        });
        listen.listeningProperty().addListener((obs, was, now) -> listenToggle.setSelected(listen.listeningProperty().get()));
        // Listening kept on through a remote console's reconnect can still be turned off.
        listenToggle.disableProperty().bind(listen.availableProperty().not().and(listen.listeningProperty().not()));
        listenMixChoice.getItems().setAll(app.switchboard.media.Mix.values());
        listenMixChoice.valueProperty().bindBidirectional(listen.mixProperty());
        listenVolumeSlider.valueProperty().bindBidirectional(listen.volumeProperty());
        listenMessage.textProperty().bind(listen.messageProperty());
        listenMessage.visibleProperty().bind(listen.messageProperty().isNotEmpty());
        listenMessage.managedProperty().bind(listenMessage.visibleProperty());
        // A remote console's audio comes and goes with its connection: the tooltip follows.
        Runnable tooltip = () -> listenToggle.setTooltip(new javafx.scene.control.Tooltip(listen.availableProperty().get()
                ? "Hear the selected call (nothing is recorded)" : listen.whyUnavailable()));
        tooltip.run();
        listen.availableProperty().addListener((obs, was, now) -> tooltip.run());
    }

    @FXML
    private void say() {
        viewModel.say();
    }

    @FXML
    private void interrupt() {
        viewModel.interrupt();
    }

    @FXML
    private void toggleTakeOver() {
        viewModel.toggleTakeOver();
    }

    @FXML
    private void askForIt() {
        viewModel.askForIt();
    }

    @FXML
    private void sendDraft() {
        viewModel.sendDraft();
    }

    @FXML
    private void whisper() {
        viewModel.whisper();
    }

    @FXML
    private void switchLanguage() {
        viewModel.switchLanguage();
    }

    @FXML
    private void bargeInOn() {
        viewModel.setInterruptible(true);
        // The item ticked itself; show what the call has recorded until the change comes back.
        showInterruptible(viewModel.interruptibleProperty().get());
    }

    @FXML
    private void bargeInOff() {
        viewModel.setInterruptible(false);
        showInterruptible(viewModel.interruptibleProperty().get());
    }

    /** Neither item ticked while the TwiML's own setting applies (null). */
    private void showInterruptible(Boolean interruptible) {
        bargeInOnItem.setSelected(Boolean.TRUE.equals(interruptible));
        bargeInOffItem.setSelected(Boolean.FALSE.equals(interruptible));
    }

    @FXML
    private void end() {
        viewModel.end();
    }

    @FXML
    private void showEarlier() {
        following = false; // stay where the supervisor is reading; the older lines appear above
        viewModel.paging().loadEarlier();
    }

    @FXML
    private void jumpToLatest() {
        following = true;
        jumpButton.setVisible(false);
        jumpButton.setManaged(false);
        scrollToEnd();
    }

    // ---- showing a call ----

    private void show(LiveCall call) {
        if (shown != null) {
            shown.entries().removeListener(onEntries);
        }
        conversation.getChildren().clear();
        nodes.clear();
        shown = call;
        latencyChart.show(call == null ? null : call.latencies());
        headerController.show(call, call == null ? "" : call.callId()
                + (call.calleeProperty().get().isBlank() ? "" : " \u00b7 to " + call.calleeProperty().get()));
        if (call == null) {
            return;
        }
        for (ConversationEntry entry : call.entries()) {
            conversation.getChildren().add(node(entry));
        }
        call.entries().addListener(onEntries);
        following = true;
        jumpButton.setVisible(false);
        jumpButton.setManaged(false);
        Platform.runLater(this::scrollToEnd);
    }

    private void entriesChanged(ListChangeListener.Change<? extends ConversationEntry> change) {
        while (change.next()) {
            if (change.wasRemoved()) {
                for (ConversationEntry gone : change.getRemoved()) {
                    Node node = nodes.remove(gone);
                    if (node != null) {
                        conversation.getChildren().remove(node);
                    }
                }
            }
            if (change.wasAdded()) {
                List<Node> added = new ArrayList<>();
                for (ConversationEntry entry : change.getAddedSubList()) {
                    added.add(node(entry));
                }
                // At the end for live lines; in front for a page read back from the record.
                conversation.getChildren().addAll(Math.min(change.getFrom(), conversation.getChildren().size()), added);
            }
        }
    }

    private Node node(ConversationEntry entry) {
        Node row = ConversationRows.row(entry);
        nodes.put(entry, row);
        return row;
    }

    // ---- auto-scroll ----

    /** Content grew or shrank: stick to the end when following; otherwise the skin keeps the lines in place. */
    private void contentResized(double height) {
        lastContentHeight = height;
        if (following) {
            scrollToEnd();
        }
    }

    private void scrollToEnd() {
        scrolling = true;
        conversationScroll.layout();
        conversationScroll.setVvalue(conversationScroll.getVmax());
        scrolling = false;
    }

    private boolean contentFits() {
        return conversation.getHeight() <= conversationScroll.getViewportBounds().getHeight();
    }

    private static void tooltip(javafx.scene.control.Control control, String text) {
        control.setTooltip(new Tooltip(text));
    }

    /** For tests and screenshots: the conversation's nodes. */
    VBox conversationBox() {
        return conversation;
    }

    boolean following() {
        return following;
    }

    CallState shownState() {
        return shown == null ? null : shown.state();
    }
}
