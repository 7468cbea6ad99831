package app.switchboard.console;

import app.switchboard.account.FakeTwilioApi;
import app.switchboard.account.PreviousWebhooks;
import app.switchboard.account.TwilioAccount;
import app.switchboard.account.TwilioCredentials;
import app.switchboard.account.TwilioResponses;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.ConnectionState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * What the dialogs' accessibility and keyboard tests share: the Twilio account over the local
 * fake of Twilio's REST API, a relay connector for File › Connect to relay…, and the walk that
 * finds controls a screen reader cannot name.
 */
final class DialogFixtures {

    static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    static final String TOKEN = "dialogs-test-token-5c1d";
    static final String NUMBER_SID = "PN11111111111111111111111111111111";
    static final String NUMBER = "+15550100001";
    static final String FINGERPRINT = "AB:CD:" + "01:".repeat(29) + "EF";

    private DialogFixtures() {
    }

    /** The account's one number, listed {@code times} times (each view that opens reads the list once). */
    static TwilioAccount account(FakeTwilioApi twilio, CallRegistry registry, Path dir, int times) {
        for (int i = 0; i < times; i++) {
            twilio.reply("GET", TwilioResponses.numbersPath(ACCOUNT), 200, TwilioResponses.numbersPage(ACCOUNT, 0, null,
                    TwilioResponses.number(ACCOUNT, NUMBER_SID, NUMBER, "https://old.example.test/voice", null)));
        }
        return new TwilioAccount(TwilioAccount.client(new TwilioCredentials(ACCOUNT, ACCOUNT, TOKEN), twilio.httpClient()),
                new TwilioAccount.RelayUrls("https://calls.example.test/twiml", "https://calls.example.test/status"),
                PreviousWebhooks.in(dir), registry.outbound());
    }

    /** What Connect asked the connector for. */
    record Attempt(URI relay, String fingerprint, String token) { }

    /**
     * A relay connector over the test's in-process calls: the certificate it "reads" is
     * {@link #FINGERPRINT}, and the connection it opens reports what {@code outcome} says then. The network side
     * of Connect is RemoteConsoleFxTest's; this is the dialog's.
     */
    static RelayConnector connector(CallControl calls, java.util.function.Supplier<ConnectionState> outcome,
                                    List<Attempt> attempts) {
        return new RelayConnector() {
            @Override
            public String fingerprint(URI relay) {
                return FINGERPRINT;
            }

            @Override
            public Remote connect(URI relay, String fingerprint, String token) {
                attempts.add(new Attempt(relay, fingerprint, token));
                return new Remote(reporting(calls, outcome.get()), () -> { });
            }
        };
    }

    static List<Attempt> attempts() {
        return new CopyOnWriteArrayList<>();
    }

    /** {@code calls} as seen over a connection in {@code state}. */
    private static CallControl reporting(CallControl calls, ConnectionState state) {
        return (CallControl) Proxy.newProxyInstance(CallControl.class.getClassLoader(), new Class<?>[] {CallControl.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "connection":
                            return state;
                        case "subscribeConnection":
                            @SuppressWarnings("unchecked")
                            java.util.function.Consumer<ConnectionState> listener =
                                    (java.util.function.Consumer<ConnectionState>) args[0];
                            listener.accept(state);
                            return (AutoCloseable) () -> { };
                        default:
                            try {
                                return method.invoke(calls, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
    }

    static ConnectionState connected(String relay) {
        return new ConnectionState(ConnectionState.Phase.CONNECTED, relay, "alice", null, null);
    }

    static ConnectionState certificateRefused(String relay) {
        return new ConnectionState(ConnectionState.Phase.REFUSED, relay, null, null,
                "certificate changed: the relay presents another certificate than the pinned one");
    }

    /** The showing stage titled {@code title}, or null. */
    static Stage window(String title) {
        return Window.getWindows().stream().filter(w -> w instanceof Stage s && s.isShowing() && title.equals(s.getTitle()))
                .map(w -> (Stage) w).findFirst().orElse(null);
    }

    // ---- the walk ----

    /**
     * Every control under {@code root} a screen reader cannot name: its class and id, to fix it
     * by. A control is named by its accessible text, its own text (a button's label), or a label
     * whose {@code labelFor} is it. A control's own parts (a spinner's editor, a table's scroll
     * bars) are announced as that control and not walked; what a control holds (a scroll pane's
     * content, a split pane's items, a tab's content) is. A label is text, not a control to
     * name, unless it shows only a picture; separators are decoration, and split panes, tool bars,
     * button bars and menu bars only lay out what they hold (menus are named by their text).
     */
    static List<String> unnamedControls(Parent root) {
        List<Node> nodes = new java.util.ArrayList<>();
        collect(root, nodes);
        java.util.Set<Node> labelled = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Node node : nodes) {
            if (node instanceof Label label && label.getLabelFor() != null && hasText(label.getText())) {
                labelled.add(label.getLabelFor());
            }
        }
        List<String> missing = new java.util.ArrayList<>();
        for (Node node : nodes) {
            if (node instanceof Control control && needsName(control) && !labelled.contains(control)
                    && !AccessibleNamesFxTest.named(control)) {
                missing.add(control.getClass().getSimpleName() + (control.getId() == null ? "" : "#" + control.getId()));
            }
        }
        return missing;
    }

    private static boolean needsName(Control control) {
        if (control instanceof Separator || control instanceof SplitPane || control instanceof ToolBar
                || control instanceof ButtonBar || control instanceof javafx.scene.control.MenuBar) {
            return false;
        }
        if (control instanceof Label label) {
            return label.getGraphic() != null && !hasText(label.getText());
        }
        return true;
    }

    private static boolean hasText(String text) {
        return text != null && !text.isBlank();
    }

    private static void collect(Node node, List<Node> into) {
        into.add(node);
        for (Node child : held(node)) {
            collect(child, into);
        }
    }

    /** What a node holds: a layout's children; a control's content, never its skin's parts. */
    private static List<Node> held(Node node) {
        List<Node> held = new java.util.ArrayList<>();
        if (node instanceof Control) {
            if (node instanceof ScrollPane scroll && scroll.getContent() != null) {
                held.add(scroll.getContent());
            } else if (node instanceof SplitPane split) {
                held.addAll(split.getItems());
            } else if (node instanceof TitledPane titled && titled.getContent() != null) {
                held.add(titled.getContent());
            } else if (node instanceof TabPane tabs) {
                tabs.getTabs().stream().map(Tab::getContent).filter(java.util.Objects::nonNull).forEach(held::add);
            } else if (node instanceof ToolBar bar) {
                held.addAll(bar.getItems());
            } else if (node instanceof ButtonBar bar) {
                held.addAll(bar.getButtons());
            }
            if (node instanceof Labeled labeled && labeled.getGraphic() != null) {
                held.add(labeled.getGraphic());
            }
            return held;
        }
        if (node instanceof Parent parent) {
            held.addAll(parent.getChildrenUnmodifiable());
        }
        return held;
    }
}
