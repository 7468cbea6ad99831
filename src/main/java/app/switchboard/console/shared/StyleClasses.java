package app.switchboard.console.shared;

import app.switchboard.call.CallState;
import java.util.Locale;
import javafx.scene.Node;

/** Style-class helpers shared by the views. */
public final class StyleClasses {

    private StyleClasses() {
    }

    /** Sets exactly one {@code state-…} class for the call state (e.g. {@code state-ai_speaking}). */
    public static void state(Node node, CallState state) {
        node.getStyleClass().removeIf(c -> c.startsWith("state-") && !c.equals("state-chip"));
        if (state != null) {
            node.getStyleClass().add("state-" + state.name().toLowerCase(Locale.ROOT));
        }
    }
}
