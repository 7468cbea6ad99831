package app.switchboard.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one simulated caller says and does, step by step, and how fast: partial transcripts
 * every quarter second, the final one a moment later, a pause to think after the agent has
 * finished speaking. Runs without blocking a thread (a shared scheduler paces every caller),
 * so the same scripts drive a handful of demo callers or hundreds of load-test calls.
 */
public final class CallerScript {

    /** One thing the caller does. */
    public sealed interface Step {
    }

    /**
     * The caller says {@code text} and waits for the answer; with {@code interruptAfter} the
     * caller barges in that long after the answer's first token instead of hearing it out.
     */
    public record Say(String text, String lang, Duration interruptAfter) implements Step {
    }

    public record Press(String digits) implements Step {
    }

    public record Pause(Duration duration) implements Step {
    }

    public record HangUp() implements Step {
    }

    /** The rhythm of a caller; {@link #scaled} speeds it up or slows it down. */
    /**
     * The rhythm of a caller; {@link #scaled} speeds it up or slows it down. With
     * {@code hearAnswersOut} the caller waits until the answer has been spoken (at the
     * simulated speaking rate) before thinking about the next thing to say.
     */
    public record Pacing(Duration partialEvery, Duration finalAfter, Duration thinkTime, Duration keyGap,
                         Duration answerTimeout, boolean hearAnswersOut) {
        public static Pacing natural() {
            return new Pacing(Duration.ofMillis(250), Duration.ofMillis(350), Duration.ofMillis(1200),
                    Duration.ofMillis(600), Duration.ofSeconds(20), true);
        }

        /** No waiting at all between frames (tests); answers are still awaited. */
        public static Pacing immediate() {
            return new Pacing(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(20), false);
        }

        public Pacing scaled(double factor) {
            return new Pacing(scale(partialEvery, factor), scale(finalAfter, factor), scale(thinkTime, factor),
                    scale(keyGap, factor), answerTimeout, hearAnswersOut);
        }

        public Pacing hearingAnswersOut(boolean hear) {
            return new Pacing(partialEvery, finalAfter, thinkTime, keyGap, answerTimeout, hear);
        }

        private static Duration scale(Duration d, double factor) {
            return Duration.ofNanos((long) (d.toNanos() * factor));
        }
    }

    /**
     * One caller turn as measured: when the final prompt was handed to the socket, and the
     * answer that followed (null when none came in time), or that the caller cut it short.
     */
    public record TurnRecord(String said, long promptNanos, SimulatedCall.Turn answer, boolean interrupted,
                             SimulatedCall.Frame firstFrame) {
    }

    private final String name;
    private final String from;
    private final Map<String, String> customParameters;
    private final List<Step> steps;

    private CallerScript(String name, String from, Map<String, String> customParameters, List<Step> steps) {
        this.name = name;
        this.from = from;
        this.customParameters = Map.copyOf(customParameters);
        this.steps = List.copyOf(steps);
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public String from() {
        return from;
    }

    public Map<String, String> customParameters() {
        return customParameters;
    }

    public List<Step> steps() {
        return steps;
    }

    /**
     * Plays the script on a connected call. The future completes with what each turn measured
     * once the script is done, the app ended the session, or {@code stop} was set; it fails
     * only on a fault of the simulator itself.
     */
    public CompletableFuture<List<TurnRecord>> run(SimulatedCall call, ScheduledExecutorService timer, Pacing pacing,
                                                   AtomicBoolean stop) {
        List<TurnRecord> turns = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Step step : steps) {
            chain = chain.thenCompose(v -> stop.get() || !call.isOpen()
                    ? CompletableFuture.completedFuture(null)
                    : perform(step, call, timer, pacing, turns));
        }
        return chain.handle((v, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            // The app ending the session mid-script (an end, a handoff) is a normal way for a call to finish.
            if (cause != null && call.isOpen() && !stop.get()) {
                throw new CompletionException(cause);
            }
            return List.copyOf(turns);
        });
    }

    private CompletableFuture<Void> perform(Step step, SimulatedCall call, ScheduledExecutorService timer,
                                            Pacing pacing, List<TurnRecord> turns) {
        if (step instanceof Say say) {
            return say(say, call, timer, pacing, turns);
        }
        if (step instanceof Press press) {
            CompletableFuture<Void> f = CompletableFuture.completedFuture(null);
            AtomicInteger mark = new AtomicInteger();
            for (char digit : press.digits().toCharArray()) {
                f = f.thenCompose(v -> delay(pacing.keyGap(), timer)).thenCompose(v -> {
                    mark.set(call.mark());
                    return call.pressKey(String.valueOf(digit));
                });
            }
            // A key press may start an answer; hear it out if one comes, carry on if none does.
            return f.thenCompose(v -> call.turnAfter(mark.get())
                            .orTimeout(pacing.answerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .handle((turn, failure) -> null))
                    .thenCompose(v -> afterSpeech(call, timer, pacing));
        }
        if (step instanceof Pause pause) {
            return delay(pause.duration(), timer);
        }
        if (step instanceof HangUp) {
            return call.hangUp().thenApply(c -> null);
        }
        throw new IllegalArgumentException("unknown step " + step);
    }

    private CompletableFuture<Void> say(Say say, SimulatedCall call, ScheduledExecutorService timer, Pacing pacing,
                                        List<TurnRecord> turns) {
        CompletableFuture<Void> f = CompletableFuture.completedFuture(null);
        for (String partial : SimulatedCall.partials(say.text())) {
            f = f.thenCompose(v -> delay(pacing.partialEvery(), timer))
                    .thenCompose(v -> call.prompt(partial, say.lang(), false));
        }
        AtomicInteger mark = new AtomicInteger();
        AtomicLong promptNanos = new AtomicLong();
        f = f.thenCompose(v -> delay(pacing.finalAfter(), timer)).thenCompose(v -> {
            mark.set(call.mark());
            promptNanos.set(System.nanoTime());
            return call.prompt(say.text(), say.lang(), true);
        });
        if (say.interruptAfter() != null) {
            return f.thenCompose(v -> call.frameAfter(mark.get(), SimulatedCall.Frame::isText)
                            .orTimeout(pacing.answerTimeout().toMillis(), TimeUnit.MILLISECONDS))
                    .thenCompose(first -> delay(say.interruptAfter(), timer).thenApply(v -> first))
                    .thenAccept(first -> {
                        call.bargeIn();
                        turns.add(new TurnRecord(say.text(), promptNanos.get(), null, true, first));
                    });
        }
        return f.thenCompose(v -> call.turnAfter(mark.get())
                        .orTimeout(pacing.answerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .handle((turn, failure) -> {
                            if (failure != null && !(unwrap(failure) instanceof TimeoutException)) {
                                throw new CompletionException(unwrap(failure));
                            }
                            SimulatedCall.Frame first = turn == null ? null : turn.frames().get(0);
                            turns.add(new TurnRecord(say.text(), promptNanos.get(), turn, false, first));
                            return null;
                        }))
                .thenCompose(v -> afterSpeech(call, timer, pacing));
    }

    /** Waits until the caller has heard the answer out, then thinks a moment. */
    private static CompletableFuture<Void> afterSpeech(SimulatedCall call, ScheduledExecutorService timer, Pacing pacing) {
        Duration speech = pacing.hearAnswersOut() ? call.agentSpeechRemaining() : Duration.ZERO;
        return delay(speech.plus(pacing.thinkTime()), timer);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    static CompletableFuture<Void> delay(Duration duration, ScheduledExecutorService timer) {
        if (duration.isZero() || duration.isNegative()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        timer.schedule(() -> done.complete(null), duration.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    public static final class Builder {
        private final String name;
        private String from = "+15550100002";
        private Map<String, String> customParameters = Map.of();
        private final List<Step> steps = new ArrayList<>();
        private String lang = "en-US";

        private Builder(String name) {
            this.name = name;
        }

        public Builder from(String number) {
            this.from = number;
            return this;
        }

        /** The language of the prompts that follow (Twilio's STT tag, e.g. {@code es-ES}). */
        public Builder speaking(String lang) {
            this.lang = lang;
            return this;
        }

        public Builder parameters(Map<String, String> parameters) {
            this.customParameters = parameters;
            return this;
        }

        public Builder say(String text) {
            steps.add(new Say(text, lang, null));
            return this;
        }

        /** Says {@code text}, then barges in {@code after} the answer's first token. */
        public Builder sayThenInterrupt(String text, Duration after) {
            steps.add(new Say(text, lang, after));
            return this;
        }

        public Builder press(String digits) {
            steps.add(new Press(digits));
            return this;
        }

        public Builder pause(Duration duration) {
            steps.add(new Pause(duration));
            return this;
        }

        public CallerScript hangUp() {
            steps.add(new HangUp());
            return build();
        }

        /** The script as it stands, leaving the call open at its end. */
        public CallerScript build() {
            return new CallerScript(name, from, customParameters, steps);
        }
    }
}
