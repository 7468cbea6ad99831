package app.switchboard.console.shared;

import java.util.List;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Dialog;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Every window and dialog the console opens wears the console's look: the app icon, the theme
 * and the text size ({@link Appearance}). A window takes the look of the window that opened it,
 * so a view that opens a dialog needs no settings handed to it; and a new look reaches every
 * window the main window owns, directly or through another (Replay is owned by History, the
 * certificate question by Connect).
 */
public final class WindowLook {

    /** Where {@link Appearance#applyTo} leaves the look it put on a scene (the root's properties). */
    static final String WORN = "switchboard.appearance";

    private WindowLook() {
    }

    /** The look {@code window} wears, or the default look when it wears none (yet). */
    public static Appearance of(Window window) {
        Scene scene = window == null ? null : window.getScene();
        if (scene != null && scene.getRoot() != null && scene.getRoot().getProperties().get(WORN) instanceof Appearance worn) {
            return worn;
        }
        return new Appearance(false, 100);
    }

    /**
     * The app icon and {@code look} on {@code stage}, whose scene is {@code scene}. A window
     * given a size grows with the text (at 150 % its labels would be cut short otherwise), and
     * never beyond the screen (Replay on a 1280×800 laptop).
     */
    public static void dress(Stage stage, Scene scene, Appearance look) {
        stage.getIcons().setAll(AppIcons.icons());
        look.applyTo(scene);
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        double scale = look.textPercent() / 100.0;
        if (scene.getWidth() > 0 && (scale != 1 || scene.getWidth() > screen.getWidth())) {
            stage.setWidth(Math.min(scene.getWidth() * scale, screen.getWidth()));
        }
        if (scene.getHeight() > 0 && (scale != 1 || scene.getHeight() > screen.getHeight())) {
            stage.setHeight(Math.min(scene.getHeight() * scale, screen.getHeight()));
        }
    }

    /** {@code stage} (its scene set) owned by {@code owner} when there is one, dressed like it. */
    public static void dressLike(Window owner, Stage stage) {
        if (owner != null && stage.getOwner() == null) {
            stage.initOwner(owner);
        }
        dress(stage, stage.getScene(), of(owner));
    }

    /**
     * A dialog (an {@code Alert} too) owned by {@code owner} when there is one, dressed like it.
     * The dialog's own stage copies the owner's stylesheets and icons but not the text size,
     * which sits on the owner's root: hence this.
     */
    public static void dressLike(Window owner, Dialog<?> dialog) {
        if (owner != null && dialog.getOwner() == null) {
            dialog.initOwner(owner);
        }
        Scene scene = dialog.getDialogPane().getScene();
        if (scene.getWindow() instanceof Stage stage) {
            dress(stage, scene, of(owner));
        } else {
            of(owner).applyTo(scene);
        }
    }

    /** Puts {@code look} on {@code main} and every window it owns, directly or through another. */
    public static void applyToAll(Window main, Appearance look) {
        for (Window w : List.copyOf(Window.getWindows())) {
            if (ownedBy(w, main) && w.getScene() != null) {
                look.applyTo(w.getScene());
            }
        }
    }

    private static boolean ownedBy(Window window, Window main) {
        for (Window w = window; w != null; w = w instanceof Stage s ? s.getOwner() : null) {
            if (w == main) {
                return true;
            }
        }
        return false;
    }
}
