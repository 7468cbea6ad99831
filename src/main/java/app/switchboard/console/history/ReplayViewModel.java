package app.switchboard.console.history;

import app.switchboard.console.shared.BackgroundWork;
import app.switchboard.history.HistoryQuery;
import app.switchboard.replay.ReplayProfile;
import app.switchboard.replay.ReplayReport;
import app.switchboard.replay.ReplayService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The replay window's state: which calls (the History selection, or its search), the candidate
 * profile being edited (saved profiles load and save as files in the config directory), the
 * run in the background with its progress and cancel, the stored runs, and the opened run as a
 * {@link ReplayComparison} (optionally compared with another stored run).
 *
 * <p>A run is a {@link Task} on its own {@link BackgroundWork} thread and file reads on another,
 * so opening a stored run never waits behind a replay. Used from the FX thread; results arrive
 * there. {@link #close()} cancels a run in flight.
 */
public final class ReplayViewModel implements AutoCloseable {

    /**
     * What to replay: these calls, or (none given) every call of the search.
     *
     * @param description how the window names the target, e.g. "2 selected calls"
     */
    public record Target(List<String> callIds, HistoryQuery search, String description) {
        public Target {
            callIds = callIds == null ? List.of() : List.copyOf(callIds);
        }

        /** The search as the report names it: the words or the number searched, or * for all. */
        String searchLabel() {
            if (!callIds.isEmpty()) {
                return String.join(",", callIds);
            }
            if (search == null) {
                return "*";
            }
            List<String> parts = new ArrayList<>();
            if (search.number() != null) {
                parts.add(search.number());
            }
            if (search.text() != null) {
                parts.add(search.text());
            }
            if (search.from() != null || search.until() != null) {
                parts.add((search.from() == null ? "" : search.from().toString()) + ".."
                        + (search.until() == null ? "" : search.until().toString()));
            }
            return parts.isEmpty() ? "*" : String.join(" ", parts);
        }
    }

    /** A stored run as the list shows it. */
    public record RunEntry(String runId, String label) {
        @Override
        public String toString() {
            return label;
        }
    }

    private final ReplayService service;
    private final ZoneId zone;
    private final BackgroundWork runner = new BackgroundWork("replay-run");
    private final BackgroundWork files = new BackgroundWork("replay-files");

    private final ReplayProfileForm form = new ReplayProfileForm();

    private final ObservableList<String> savedProfiles = FXCollections.observableArrayList();
    private final ObservableList<RunEntry> runs = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Target> target = new ReadOnlyObjectWrapper<>(this, "target");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyObjectWrapper<ReplayReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyObjectWrapper<ReplayComparison> comparison = new ReadOnlyObjectWrapper<>(this, "comparison");
    private final ObservableList<ReplayComparison.MetricRow> versus = FXCollections.observableArrayList();
    private final ObservableList<String> savedProfilesView = FXCollections.unmodifiableObservableList(savedProfiles);
    private final ObservableList<RunEntry> runsView = FXCollections.unmodifiableObservableList(runs);
    private final ObservableList<ReplayComparison.MetricRow> versusView = FXCollections.unmodifiableObservableList(versus);

    private Task<ReplayReport> run;

    public ReplayViewModel(ReplayService service, ZoneId zone) {
        this.service = Objects.requireNonNull(service, "service");
        this.zone = zone;
    }

    // ---- what to replay ----

    public void setTarget(Target value) {
        target.set(value);
    }

    /** What the two lists show, read together off the FX thread. */
    private record Saved(List<String> profiles, List<RunEntry> runs) {
    }

    /** Reloads the saved profiles' names and the stored runs. */
    public Task<?> refresh() {
        return files.run(() -> {
            try {
                List<RunEntry> entries = new ArrayList<>();
                List<String> ids = new ArrayList<>(service.runs().list());
                java.util.Collections.reverse(ids); // newest first
                for (String id : ids) {
                    entries.add(new RunEntry(id, runLabel(id)));
                }
                return new Saved(service.profiles().names(), entries);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, saved -> {
            savedProfiles.setAll(saved.profiles());
            runs.setAll(saved.runs());
        }, e -> status.set("Could not read the saved profiles or runs: " + message(e)));
    }

    private String runLabel(String runId) {
        try {
            ReplayReport r = service.runs().open(runId);
            String who = r.profile().name() == null || r.profile().name().isBlank() ? r.profile().model() : r.profile().name();
            return ReplayComparison.when(r.startedAt(), zone) + " \u00b7 " + who + "\n"
                    + ReplayComparison.count(r.summary().calls(), "call", "calls") + ", "
                    + ReplayComparison.count(r.summary().turnsChanged(), "answer changed", "answers changed");
        } catch (IOException | RuntimeException e) {
            return runId + " (unreadable)";
        }
    }

    public void loadProfile(String profileName) {
        if (profileName == null) {
            return;
        }
        files.run(() -> {
            try {
                return service.profiles().load(profileName);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, p -> {
            form.show(p);
            status.set("Loaded profile \u201c" + profileName + "\u201d");
        }, e -> status.set("Could not load the profile: " + message(e)));
    }

    public void saveProfile() {
        ReplayProfile p;
        try {
            p = form.profile();
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return;
        }
        files.run(() -> {
            try {
                String savedAs = service.profiles().save(p);
                return new Saved(List.of(savedAs), List.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, saved -> {
            status.set("Saved profile \u201c" + saved.profiles().get(0) + "\u201d");
            refresh();
        }, e -> status.set("Could not save the profile: " + message(e)));
    }

    // ---- the run ----

    /** Starts replaying the target against the fields' profile; null (with the reason in the status) if it cannot. */
    public Task<ReplayReport> run() {
        if (running.get()) {
            return null;
        }
        Target what = target.get();
        if (what == null) {
            status.set("Select calls in History, or search, to choose what to replay.");
            return null;
        }
        ReplayProfile p;
        try {
            p = form.profile();
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return null;
        }
        if (!service.hasKey()) {
            status.set("OPENAI_API_KEY is not set: the replay needs the candidate model's key "
                    + "(a local server accepts any value). Start the console with it in the environment.");
            return null;
        }
        Task<ReplayReport> task = new Task<>() {
            @Override
            protected ReplayReport call() throws Exception {
                List<String> ids = what.callIds().isEmpty()
                        ? service.callIds(what.search(), ReplayService.MAX_CALLS) : what.callIds();
                int total = Math.max(1, ids.size());
                updateProgress(0, total);
                updateMessage("Replaying " + count(ids.size()) + " against " + (p.name() == null ? "the candidate" : "\u201c" + p.name() + "\u201d") + "\u2026");
                try {
                    return service.run(p, ids, what.searchLabel(), done -> {
                        updateProgress(done, total);
                        updateMessage(String.format(Locale.ROOT, "Replayed %d of %d calls\u2026", done, ids.size()));
                    }, this::isCancelled);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        };
        run = task;
        running.set(true);
        progress.set(-1);
        status.set("Starting the replay (connecting to the model)\u2026");
        task.progressProperty().addListener((obs, old, now) -> progress.set(now.doubleValue()));
        task.messageProperty().addListener((obs, old, now) -> {
            if (run == task && !now.isEmpty()) {
                status.set(now);
            }
        });
        runner.start(task, r -> {
            finished(task);
            report.set(r);
            comparison.set(ReplayComparison.of(r, zone));
            versus.clear();
            status.set(String.format(Locale.ROOT, "Replay %s stored: %d calls, %d of %d answers changed",
                    r.runId(), r.summary().calls(), r.summary().turnsChanged(), r.summary().turns()));
            refresh();
        }, e -> {
            finished(task);
            status.set(e instanceof CancellationException ? "Replay cancelled: nothing stored"
                    : "Replay failed: " + message(e));
        }, () -> {
            finished(task);
            status.set("Replay cancelled: nothing stored");
        });
        return task;
    }

    private void finished(Task<ReplayReport> task) {
        if (run == task) {
            run = null;
            running.set(false);
            progress.set(0);
        }
    }

    /** Cancels the run in flight: its model streams close and no report is stored. */
    public void cancel() {
        Task<ReplayReport> task = run;
        if (task != null) {
            task.cancel(true);
        }
    }

    // ---- stored runs ----

    public void openRun(String runId) {
        if (runId == null) {
            return;
        }
        files.run(() -> {
            try {
                return service.runs().open(runId);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> {
            report.set(r);
            comparison.set(ReplayComparison.of(r, zone));
            versus.clear();
            status.set("Opened replay " + runId);
        }, e -> status.set("Could not open replay " + runId + ": " + message(e)));
    }

    /** Compares the opened run's summary with another stored run's. */
    public void compareWith(String runId) {
        ReplayReport shown = report.get();
        if (runId == null || shown == null) {
            versus.clear();
            return;
        }
        files.run(() -> {
            try {
                return service.runs().open(runId);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, other -> versus.setAll(ReplayComparison.compare(shown, other)),
                e -> status.set("Could not open replay " + runId + ": " + message(e)));
    }

    // ---- properties ----

    /** The candidate profile's fields. */
    public ReplayProfileForm form() {
        return form;
    }

    public ObservableList<String> savedProfiles() {
        return savedProfilesView;
    }

    public ObservableList<RunEntry> runs() {
        return runsView;
    }

    public ReadOnlyObjectProperty<Target> targetProperty() {
        return target.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** -1 while starting (indeterminate), then calls done over calls. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ReplayReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ReplayComparison> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }

    public ObservableList<ReplayComparison.MetricRow> versus() {
        return versusView;
    }

    @Override
    public void close() {
        cancel();
        runner.close();
        files.close();
    }

    private static String count(int calls) {
        return calls == 1 ? "1 call" : calls + " calls";
    }

    static String message(Throwable t) {
        while (t != null && (t instanceof UncheckedIOException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t == null) {
            return "unknown error";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
