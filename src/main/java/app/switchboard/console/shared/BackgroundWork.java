package app.switchboard.console.shared;

import app.switchboard.concurrent.Threads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.concurrent.Task;

/**
 * One view model's blocking requests (Twilio's REST API): each a {@link Task} on one daemon
 * thread this owner shuts down, so the FX thread never waits and requests never overlap.
 * Created and used on the FX thread; results and failures arrive there.
 */
public final class BackgroundWork implements AutoCloseable {

    private final ExecutorService thread;
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private int running;

    public BackgroundWork(String name) {
        this.thread = Executors.newSingleThreadExecutor(Threads.numbered(name + "-"));
    }

    public <T> Task<T> run(Supplier<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        Task<T> task = new Task<>() {
            @Override
            protected T call() {
                return work.get();
            }
        };
        running++;
        busy.set(true);
        task.setOnSucceeded(e -> {
            done();
            onSuccess.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            done();
            onFailure.accept(task.getException());
        });
        thread.execute(task);
        return task;
    }

    /**
     * Runs a task that reports progress or can be cancelled ({@code task.cancel(true)} interrupts
     * its thread); {@code onCancelled} hears a cancel as soon as it is asked for.
     */
    public <T> Task<T> start(Task<T> task, Consumer<T> onSuccess, Consumer<Throwable> onFailure, Runnable onCancelled) {
        running++;
        busy.set(true);
        task.setOnSucceeded(e -> {
            done();
            onSuccess.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            done();
            onFailure.accept(task.getException());
        });
        task.setOnCancelled(e -> {
            done();
            onCancelled.run();
        });
        thread.execute(task);
        return task;
    }

    private void done() {
        running--;
        busy.set(running > 0);
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
