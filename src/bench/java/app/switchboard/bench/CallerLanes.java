package app.switchboard.bench;

import app.switchboard.sim.CallerScript;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated callers of one scenario run: lanes of calls in flight, spread over the ramp and
 * round-robin over the relays, each call a tagged {@link CallerScript}; hang-ups and their
 * action webhooks counted into the {@link Report}. Gives up after {@code --max-seconds}.
 */
final class CallerLanes {

    private final long maxSeconds;

    CallerLanes(long maxSeconds) {
        this.maxSeconds = maxSeconds;
    }

    private static final String[] UTTERANCES = {
        "Hi, I have a question about my bill",
        "What are your opening hours on Saturday",
        "Why is there an extra charge on my invoice",
        "Can you check the status of my order",
        "Okay thank you, that helps",
    };

    /** Tagged so the model server's record of each reply can be paired with the turn that asked. */
    private static CallerScript script(int call, int turns) {
        CallerScript.Builder b = CallerScript.named("bench " + call).from(String.format("+1555%07d", call % 10_000_000));
        for (int t = 0; t < turns; t++) {
            b.say("Question " + call + "-" + t + ": " + UTTERANCES[(call + t) % UTTERANCES.length]);
        }
        return b.build();
    }

    /**
     * Runs the scenario's calls, at most {@code concurrency} at once (one lane per call in
     * flight), lane starts spread over the ramp. Calls the scenario holds open are returned
     * open; the others hang up after their turns. Call {@code i} dials relay {@link RelayBench#nodeOf}.
     */
    List<SimulatedCall> drive(SimClient client, ScheduledExecutorService timer, List<BenchProcesses.Target> targets, RelayBench.Scenario s,
                                      Report report, int firstIndex) throws Exception {
        CallerScript.Pacing pacing = CallerScript.Pacing.immediate();
        AtomicBoolean stop = new AtomicBoolean();
        List<SimulatedCall> open = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        int laneCount = Math.min(s.concurrency(), s.calls());
        var lanes = Executors.newFixedThreadPool(Math.max(1, laneCount), r -> {
            Thread t = new Thread(r, "bench-lane");
            t.setDaemon(true);
            return t;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int lane = 0; lane < laneCount; lane++) {
            long rampNanos = (long) (s.rampSeconds() * 1e9 * lane / laneCount);
            running.add(lanes.submit(() -> {
                // Arrival pacing, not synchronisation: lane k starts k/N of the way through the ramp.
                TimeUnit.NANOSECONDS.sleep(rampNanos);
                for (int i; (i = next.getAndIncrement()) < s.calls() && !stop.get(); ) {
                    long left = deadline - System.nanoTime();
                    int index = firstIndex + i;
                    oneCall(client, timer, targets.get(RelayBench.nodeOf(index, targets.size())), s, report, index, pacing, stop, open)
                            .get(Math.max(1, left), TimeUnit.NANOSECONDS);
                }
                return null;
            }));
        }
        try {
            for (var f : running) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            report.timedOut = true;
            stop.set(true);
        } finally {
            lanes.shutdownNow();
        }
        return open;
    }

    private CompletableFuture<Void> oneCall(SimClient client, ScheduledExecutorService timer, BenchProcesses.Target target,
                                            RelayBench.Scenario s, Report report, int index, CallerScript.Pacing pacing,
                                            AtomicBoolean stop, List<SimulatedCall> open) {
        SimulatedCall call = SimulatedCall.builder(client, target.connectUrl())
                .signedUrl(target.signedUrl())
                .authToken(target.authToken())
                .action(target.actionPostUrl(), target.actionSignedUrl())
                .voiceWebhookBesideAction() // as Twilio: the TwiML first, its per-call token in setup
                .timeout(Duration.ofSeconds(30))
                .from(String.format("+1555%07d", index % 10_000_000))
                .build();
        CallerScript script = script(index, s.turns());
        AtomicBoolean connected = new AtomicBoolean();
        return call.connect()
                .thenCompose(c -> {
                    connected.set(true);
                    return script.run(c, timer, pacing, stop);
                })
                .handle((records, failure) -> {
                    if (failure != null) {
                        (connected.get() ? report.scriptFailures : report.connectFailures).incrementAndGet();
                        records = List.of();
                    }
                    report.add(index, records, s.turns());
                    report.invalidFrames.addAndGet(call.invalidFrames().size());
                    if (call.closeStatus().isPresent()) {
                        report.unexpectedCloses.incrementAndGet();
                    }
                    return call;
                })
                .thenCompose(c -> {
                    if (s.holdOpen() && c.isOpen()) {
                        open.add(c);
                        return CompletableFuture.completedFuture(null);
                    }
                    return hangUp(c, report);
                });
    }

    private static CompletableFuture<Void> hangUp(SimulatedCall call, Report report) {
        if (!call.isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        return call.hangUp()
                .thenCompose(close -> call.actionResult())
                .orTimeout(30, TimeUnit.SECONDS)
                .handle((result, failure) -> {
                    if (failure != null) {
                        report.hangupProblems.incrementAndGet();
                    } else if (result.status() != 200) {
                        report.webhookErrors.incrementAndGet();
                    }
                    return null;
                });
    }

    static void hangUp(List<SimulatedCall> calls, Report report) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (SimulatedCall c : calls) {
            all.add(hangUp(c, report));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
}
