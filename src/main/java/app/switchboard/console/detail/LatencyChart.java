package app.switchboard.console.detail;

import app.switchboard.console.calls.TurnLatency;
import java.util.Locale;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;

/**
 * The last turns of one call as horizontal bars: prompt → first token (waiting) then first →
 * last token (speaking), on one scale so a slow turn stands out. Colours come from the theme
 * ({@code .latency-wait}, {@code .latency-stream}).
 */
final class LatencyChart extends Region {

    private static final double ROW = 18;
    private static final double GAP = 5;
    private static final double LABEL = 30;
    private static final double VALUE = 116;

    private final ListChangeListener<TurnLatency> onChange = c -> rebuild();
    private final Label empty = new Label("No answered turns yet");
    private ObservableList<TurnLatency> turns;

    LatencyChart() {
        getStyleClass().add("latency-chart");
        empty.getStyleClass().add("muted");
        setPadding(new Insets(4, 0, 4, 0));
        rebuild();
    }

    void show(ObservableList<TurnLatency> list) {
        if (turns != null) {
            turns.removeListener(onChange);
        }
        turns = list;
        if (turns != null) {
            turns.addListener(onChange);
        }
        rebuild();
    }

    private void rebuild() {
        getChildren().clear();
        if (turns == null || turns.isEmpty()) {
            getChildren().add(empty);
            requestLayout();
            return;
        }
        for (TurnLatency t : turns) {
            Label label = new Label("#" + t.turn());
            label.getStyleClass().add("latency-label");
            Region wait = new Region();
            wait.getStyleClass().add("latency-wait");
            Region stream = new Region();
            stream.getStyleClass().add("latency-stream");
            Label value = new Label(ms(t.toFirstToken()) + " \u00b7 " + ms(t.lastTokenMs()));
            value.getStyleClass().add("latency-value");
            Tooltip tip = new Tooltip(String.format(Locale.ROOT,
                    "Turn %d%nrequest sent after %s%nfirst token after %s%nfirst frame after %s%nlast token after %s",
                    t.turn(), ms(t.requestMs()), t.firstTokenMs() == null ? "none" : ms(t.firstTokenMs()),
                    t.firstFrameMs() == null ? "none" : ms(t.firstFrameMs()), ms(t.lastTokenMs())));
            Tooltip.install(wait, tip);
            Tooltip.install(stream, tip);
            getChildren().addAll(label, wait, stream, value);
        }
        requestLayout();
    }

    private static String ms(double value) {
        return value >= 1000 ? String.format(Locale.ROOT, "%.1f s", value / 1000) : Math.round(value) + " ms";
    }

    @Override
    protected double computePrefHeight(double width) {
        int rows = turns == null || turns.isEmpty() ? 1 : turns.size();
        return snappedTopInset() + snappedBottomInset() + rows * ROW + (rows - 1) * GAP;
    }

    @Override
    protected double computePrefWidth(double height) {
        return 260;
    }

    @Override
    protected void layoutChildren() {
        double x = snappedLeftInset();
        double y = snappedTopInset();
        double width = getWidth() - x - snappedRightInset();
        if (turns == null || turns.isEmpty()) {
            empty.resizeRelocate(x, y, width, ROW);
            return;
        }
        double max = 1;
        for (TurnLatency t : turns) {
            max = Math.max(max, t.lastTokenMs());
        }
        double barSpace = Math.max(10, width - LABEL - VALUE);
        int i = 0;
        for (TurnLatency t : turns) {
            Region label = (Region) getChildren().get(i * 4);
            Region wait = (Region) getChildren().get(i * 4 + 1);
            Region stream = (Region) getChildren().get(i * 4 + 2);
            Region value = (Region) getChildren().get(i * 4 + 3);
            double rowY = y + i * (ROW + GAP);
            double waitWidth = Math.max(2, barSpace * t.toFirstToken() / max);
            double streamWidth = Math.max(0, barSpace * t.streaming() / max);
            label.resizeRelocate(x, rowY, LABEL, ROW);
            wait.resizeRelocate(x + LABEL, rowY + 3, waitWidth, ROW - 6);
            stream.resizeRelocate(x + LABEL + waitWidth, rowY + 3, streamWidth, ROW - 6);
            value.resizeRelocate(x + LABEL + barSpace + 6, rowY, VALUE - 6, ROW);
            i++;
        }
    }
}
