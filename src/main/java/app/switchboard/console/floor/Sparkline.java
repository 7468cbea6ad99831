package app.switchboard.console.floor;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;

/**
 * A small chart of one series on a canvas, drawn whole when its values change (a few times a
 * minute at most): bars, or a line with dots where NaN values are gaps. The colour is set by the
 * view; a faint baseline keeps an empty hour readable as a chart.
 */
final class Sparkline extends Region {

    private final Canvas canvas = new Canvas();
    private final boolean bars;
    private double[] values = new double[0];
    private Paint color = Color.web("#3b82f6");

    Sparkline(boolean bars) {
        this.bars = bars;
        getStyleClass().add("sparkline");
        getChildren().add(canvas);
        setMinSize(80, 28);
        setPrefSize(150, 34);
    }

    void setValues(double[] next) {
        values = next == null ? new double[0] : next;
        draw();
    }

    void setColor(Paint paint) {
        color = paint;
        draw();
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (values.length == 0 || w <= 0 || h <= 0) {
            return;
        }
        double max = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                max = Math.max(max, v);
            }
        }
        double step = w / values.length;
        g.setFill(color);
        g.setStroke(color);
        g.setLineWidth(1.5);
        g.setGlobalAlpha(0.35);
        g.fillRect(0, h - 1, w, 1); // the baseline, so an empty hour still reads as a chart
        g.setGlobalAlpha(1);
        if (max <= 0) {
            return;
        }
        double prevX = Double.NaN;
        double prevY = Double.NaN;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v)) {
                prevX = Double.NaN;
                continue;
            }
            double barH = Math.max(1, (h - 3) * v / max);
            if (bars) {
                g.fillRect(i * step + 1, h - barH, Math.max(1, step - 2), barH);
            } else {
                double x = i * step + step / 2;
                double y = h - barH;
                if (!Double.isNaN(prevX)) {
                    g.strokeLine(prevX, prevY, x, y);
                }
                g.fillOval(x - 2, y - 2, 4, 4);
                prevX = x;
                prevY = y;
            }
        }
    }
}
