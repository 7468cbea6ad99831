package app.switchboard.console.shared;

import java.net.URL;
import javafx.scene.Scene;

/**
 * The console's look as the supervisor chose it: light or dark, and the text size. Applied to
 * every window of the console, live: the dark theme only redefines the light one's colour
 * variables on top of it, and every font size in the theme is in em of the root's, so one
 * inline {@code -fx-font-size} on the root scales all text.
 *
 * @param dark        the dark theme
 * @param textPercent text size in percent of the theme's, {@link #MIN_PERCENT} to {@link #MAX_PERCENT}
 */
public record Appearance(boolean dark, int textPercent) {

    /** The theme, and the dark variant laid over it (it only redefines the colour variables). */
    public static final String THEME = "/styles/switchboard.css";
    public static final String DARK_THEME = "/styles/switchboard-dark.css";
    public static final int MIN_PERCENT = 90;
    public static final int MAX_PERCENT = 150;
    public static final int STEP_PERCENT = 10;
    /** The theme's root font size ({@code .root} in switchboard.css). */
    static final double BASE_FONT_PX = 13;

    public Appearance {
        textPercent = Math.max(MIN_PERCENT, Math.min(MAX_PERCENT, textPercent));
    }

    public static Appearance of(app.switchboard.config.Settings settings) {
        return new Appearance("dark".equalsIgnoreCase(settings.theme), settings.textSizePercent <= 0 ? 100 : settings.textSizePercent);
    }

    public Appearance larger() {
        return new Appearance(dark, textPercent + STEP_PERCENT);
    }

    public Appearance smaller() {
        return new Appearance(dark, textPercent - STEP_PERCENT);
    }

    public Appearance actualSize() {
        return new Appearance(dark, 100);
    }

    public Appearance withDark(boolean on) {
        return new Appearance(on, textPercent);
    }

    /** Writes this look into (a copy of) the settings, to be saved. */
    public app.switchboard.config.Settings into(app.switchboard.config.Settings settings) {
        app.switchboard.config.Settings copy = settings.copy();
        copy.theme = dark ? "dark" : "light";
        copy.textSizePercent = textPercent;
        return copy;
    }

    /** The root's inline style for this text size. */
    String rootStyle() {
        return String.format(java.util.Locale.ROOT, "-fx-font-size: %.2fpx;", BASE_FONT_PX * textPercent / 100.0);
    }

    /** Puts the theme (and the dark variant when chosen) and the text size on {@code scene}. */
    public void applyTo(Scene scene) {
        URL light = Appearance.class.getResource(THEME);
        URL darkSheet = Appearance.class.getResource(DARK_THEME);
        if (light != null && !scene.getStylesheets().contains(light.toExternalForm())) {
            scene.getStylesheets().add(0, light.toExternalForm());
        }
        if (darkSheet != null) {
            scene.getStylesheets().remove(darkSheet.toExternalForm());
            if (dark) {
                scene.getStylesheets().add(darkSheet.toExternalForm());
            }
        }
        if (scene.getRoot() != null) {
            scene.getRoot().setStyle(rootStyle());
            // So a window opened from this one can wear the same look (WindowLook.of).
            scene.getRoot().getProperties().put(WindowLook.WORN, this);
        }
    }
}
