package app.switchboard.console;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ObservableList;

/** The list of calls (flagged first) and which one the supervisor selected. */
public final class CallListViewModel {

    private final CallBoard board;
    private final ObjectProperty<LiveCall> selected = new SimpleObjectProperty<>(this, "selected");
    private final StringBinding summary;

    public CallListViewModel(CallBoard board) {
        this.board = board;
        this.summary = Bindings.createStringBinding(() -> {
            int live = board.liveCountProperty().get();
            int total = board.sortedCalls().size();
            return live + " live" + (total > live ? " \u00b7 " + (total - live) + " ended" : "");
        }, board.liveCountProperty(), board.sortedCalls());
    }

    public ObservableList<LiveCall> calls() {
        return board.sortedCalls();
    }

    public ObjectProperty<LiveCall> selectedProperty() {
        return selected;
    }

    /** "3 live · 1 ended" */
    public StringBinding summaryProperty() {
        return summary;
    }
}
