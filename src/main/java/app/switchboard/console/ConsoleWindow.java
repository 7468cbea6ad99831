package app.switchboard.console;

import app.switchboard.console.shared.AppIcons;
import app.switchboard.console.calls.CallBoard;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The console in a stage: the window, its event pump, the theme. {@link ConsoleApp} uses it for
 * the real application; tests and benchmarks put it in the stage they were given.
 */
public final class ConsoleWindow {

    private final ConsoleContext context;
    private final CallBoard board;
    private final EventPump pump;
    private final MainWindowViewModel viewModel;
    private final MainWindowView view;
    private final Stage stage;
    private final CloseGuard guard;
    private boolean closed;
    private volatile CloseGuard.Choice closeChoice;

    private ConsoleWindow(Stage stage, ConsoleContext context) {
        this.stage = stage;
        this.context = context;
        this.board = new CallBoard(context.calls());
        this.pump = new EventPump(context.calls(), board);
        this.viewModel = new MainWindowViewModel(context, board);
        this.view = new MainWindowView(viewModel);
        this.guard = new CloseGuard(context.calls());
    }

    /** Builds the console into {@code stage}, starts the pump and shows it. FX thread. */
    public static ConsoleWindow show(Stage stage, ConsoleContext context) {
        ConsoleWindow window = new ConsoleWindow(stage, context);
        window.open();
        return window;
    }

    private void open() {
        Scene scene = new Scene(view.root(), 1280, 800);
        view.appearance().applyTo(scene);
        stage.getIcons().setAll(AppIcons.icons());
        WindowLayout layout = WindowLayout.load(configDir());
        layout.placeMainWindow(stage);
        view.useLayout(layout);
        view.installShortcuts(scene);
        view.onQuit(this::requestClose);
        stage.setOnCloseRequest(e -> {
            // The window's close box: ask first when calls are live (see CloseGuard).
            e.consume();
            requestClose();
        });
        stage.titleProperty().bind(viewModel.titleProperty());
        stage.setScene(scene);
        stage.setMinWidth(900);
        stage.setMinHeight(560);
        pump.everyTick(viewModel::refreshStatus);
        pump.everyTick(viewModel.floor()::refresh);
        pump.start();
        stage.setOnHidden(e -> close());
        stage.show();
    }

    /** Quit or the close box: closes the window once the supervisor has said what happens to live calls. */
    public void requestClose() {
        guard.ask(stage, choice -> {
            if (choice == CloseGuard.Choice.CANCEL) {
                return;
            }
            closeChoice = choice;
            stage.close();
        });
    }

    /** True when the supervisor chose to keep the live calls running without a window. */
    public boolean keepsRelayRunning() {
        return closeChoice == CloseGuard.Choice.KEEP_RUNNING;
    }

    private java.nio.file.Path configDir() {
        return context.directories() == null ? null : context.directories().config();
    }

    /** Stops the pump and runs the context's onClose, once. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        view.currentLayout(stage).save(configDir());
        pump.stop();
        view.closeHistory();
        viewModel.close();
        context.onClose().run();
    }

    public Stage stage() {
        return stage;
    }

    public CallBoard board() {
        return board;
    }

    public FrameTimes frames() {
        return pump.frames();
    }

    public EventPump pump() {
        return pump;
    }

    public MainWindowView view() {
        return view;
    }
}
