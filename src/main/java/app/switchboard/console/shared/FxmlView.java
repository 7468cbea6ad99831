package app.switchboard.console.shared;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

/**
 * The one FXML loader: a view named {@code FooView} loads {@code /fxml/Foo.fxml} with itself as
 * the controller. {@code @FXML} fields are injected when the super constructor returns, so a
 * subclass wires its view model in its own constructor (fields must not have initialisers).
 */
public abstract class FxmlView<R extends Parent> {

    private final R root;

    protected FxmlView() {
        String name = getClass().getSimpleName().replaceFirst("View$", "");
        URL location = FxmlView.class.getResource("/fxml/" + name + ".fxml");
        if (location == null) {
            throw new IllegalStateException("Missing /fxml/" + name + ".fxml on the class path");
        }
        FXMLLoader loader = new FXMLLoader(location);
        loader.setController(this);
        try {
            root = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + location + ": " + e.getMessage(), e);
        }
    }

    public R root() {
        return root;
    }
}
