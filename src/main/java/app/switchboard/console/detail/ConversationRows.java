package app.switchboard.console.detail;

import app.switchboard.console.calls.ConversationEntry;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.WeakChangeListener;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/** How a conversation line looks: shared by the live call detail and History's past calls. */
public final class ConversationRows {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final PseudoClass PARTIAL = PseudoClass.getPseudoClass("partial");
    private static final PseudoClass STREAMING = PseudoClass.getPseudoClass("streaming");

    private ConversationRows() {
    }

    /**
     * One conversation line: time, speaker, text (unheard part struck through), note. The one
     * rendering of a {@link ConversationEntry}: the History view shows past calls with it too.
     */
    public static Node row(ConversationEntry entry) {
        Label time = new Label(TIME.format(entry.time()));
        time.getStyleClass().add("entry-time");
        Label speaker = new Label(entry.speaker());
        speaker.getStyleClass().add("entry-speaker");

        Text text = new Text();
        text.getStyleClass().add("entry-text");
        text.textProperty().bind(entry.textProperty());
        Text unheard = new Text();
        unheard.getStyleClass().add("entry-unheard");
        unheard.textProperty().bind(entry.unheardProperty());
        unheard.setStrikethrough(true);
        // An empty struck-through Text still draws its line: keep it out unless there is text.
        unheard.visibleProperty().bind(entry.unheardProperty().isNotEmpty());
        unheard.managedProperty().bind(unheard.visibleProperty());
        Text caret = new Text(" \u258d");
        caret.getStyleClass().add("entry-caret");
        caret.visibleProperty().bind(entry.streamingProperty());
        caret.managedProperty().bind(caret.visibleProperty());
        Text detail = new Text();
        detail.getStyleClass().add("entry-detail");
        detail.textProperty().bind(Bindings.createStringBinding(
                () -> entry.detail().isEmpty() ? "" : "   " + entry.detail(), entry.detailProperty()));
        detail.visibleProperty().bind(entry.detailProperty().isNotEmpty());
        detail.managedProperty().bind(detail.visibleProperty());
        TextFlow flow = new TextFlow(text, unheard, caret, detail);
        flow.getStyleClass().add("entry-flow");

        VBox body = new VBox(2, speaker, flow);
        body.getStyleClass().add("entry-body");
        HBox.setHgrow(body, Priority.ALWAYS);
        HBox row = new HBox(10, time, body);
        row.getStyleClass().addAll("entry", "entry-" + entry.kind().name().toLowerCase(Locale.ROOT));
        row.pseudoClassStateChanged(PARTIAL, entry.isPartial());
        row.pseudoClassStateChanged(STREAMING, entry.isStreaming());
        // Entries outlive their nodes (the supervisor switches calls): listen weakly, and let
        // the row hold the strong references so they live exactly as long as it does.
        ChangeListener<Boolean> partial = (obs, old, now) -> row.pseudoClassStateChanged(PARTIAL, now);
        ChangeListener<Boolean> streaming = (obs, old, now) -> row.pseudoClassStateChanged(STREAMING, now);
        row.getProperties().put("listeners", new Object[] {partial, streaming});
        entry.partialProperty().addListener(new WeakChangeListener<>(partial));
        entry.streamingProperty().addListener(new WeakChangeListener<>(streaming));
        return row;
    }
}
