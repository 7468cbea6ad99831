package app.switchboard.console.shared;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.image.Image;

/** Switchboard's window icon, for the main window and every window and dialog it opens. */
public final class AppIcons {

    /** The sizes platforms pick from (title bar, task switcher, dock). */
    public static final List<String> ICON_SIZES = List.of("16", "32", "64", "256");
    private static List<Image> icons;

    private AppIcons() {
    }

    /** Switchboard's icon (drawn by installer/icon/DrawIcon.java), loaded once. FX thread. */
    public static List<Image> icons() {
        if (icons == null) {
            List<Image> loaded = new ArrayList<>();
            for (String size : ICON_SIZES) {
                URL url = AppIcons.class.getResource("/icons/switchboard-" + size + ".png");
                if (url != null) {
                    loaded.add(new Image(url.toExternalForm()));
                }
            }
            icons = List.copyOf(loaded);
        }
        return icons;
    }
}
