package app.switchboard.bench;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.sim.LatencyStats;
import app.switchboard.sim.SimClient;
import app.switchboard.sim.SimulatedCall;
import app.switchboard.sim.TokenClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The callers and the abuse of {@link SoakBench}: lanes of calls with turns, drops and
 * reconnects, hang-ups; flooding sockets and sockets without setup; and the counts they keep,
 * into the current {@link SoakInterval} and over the whole run.
 */
final class SoakCallers {

    private static final String LIVE_SESSION_REFUSED = "Call already has a live relay session";
    private static final int FLOOD_FRAMES = 600;
    private static final int RECONNECT_ATTEMPTS = 5;

    private final SoakBench options;

    final AtomicReference<SoakInterval> current = new AtomicReference<>(new SoakInterval());
    final List<SoakInterval> closedIntervals = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger callersOpen = new AtomicInteger();
    final AtomicInteger nextCall = new AtomicInteger();
    final AtomicInteger reconnectsDue = new AtomicInteger();
    final AtomicInteger floodCount = new AtomicInteger();
    final AtomicBoolean stopping = new AtomicBoolean();
    /** Flood calls: callSid → the limit the flood was built to trip. */
    final Map<String, String> floodCalls = new ConcurrentHashMap<>();
    /** Close codes the flood sockets saw, for the report. */
    final Map<String, AtomicInteger> floodClosesSeen = new ConcurrentHashMap<>();
    /** Callers whose socket dropped and came back: callSid → reconnects that resumed. */
    final Map<String, AtomicInteger> resumedCalls = new ConcurrentHashMap<>();
    final AtomicInteger totalReconnectRetries = new AtomicInteger();
    /** Prompt → first frame over the whole run. */
    final LatencyStats allFirstFrame = new LatencyStats();

    SoakCallers(SoakBench options) {
        this.options = options;
    }

    SoakInterval now() {
        return current.get();
    }

    private static final String[] UTTERANCES = {
        "Hi, I have a question about my bill",
        "What are your opening hours on Saturday",
        "Why is there an extra charge on my invoice",
        "Can you check the status of my order",
        "Okay thank you, that helps",
    };

    private SimulatedCall newCall(SimClient client, BenchProcesses.Target target, int index) {
        return SimulatedCall.builder(client, target.connectUrl())
                .signedUrl(target.signedUrl())
                .authToken(target.authToken())
                .action(target.actionPostUrl(), target.actionSignedUrl())
                .voiceWebhookBesideAction() // as Twilio: the TwiML first, its per-call token in setup
                .timeout(Duration.ofSeconds(30))
                .from(String.format("+1555%07d", index % 10_000_000))
                .build();
    }

    /** One lane: a call at a time until the run stops. */
    Void lane(SimClient client, BenchProcesses.Target target, int lane, long delayNanos) throws Exception {
        TimeUnit.NANOSECONDS.sleep(delayNanos); // arrival pacing over the ramp
        SplittableRandom random = new SplittableRandom(options.seed * 1_000_003L + lane);
        while (!stopping.get()) {
            oneCall(client, target, nextCall.getAndIncrement(), random);
        }
        return null;
    }

    private void oneCall(SimClient client, BenchProcesses.Target target, int index, SplittableRandom random) throws Exception {
        SimulatedCall call = newCall(client, target, index);
        try {
            call.connect().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            now().connectFailures.incrementAndGet();
            call.close();
            TimeUnit.SECONDS.sleep(1); // do not hammer a relay that refuses calls
            return;
        }
        callersOpen.incrementAndGet();
        try {
            int turns = options.minTurns + random.nextInt(options.maxTurns - options.minTurns + 1);
            for (int t = 0; t < turns && !stopping.get(); t++) {
                // A drop mid-call, after at least one answered turn: there is a conversation to resume.
                boolean reconnect = t > 0 && takeReconnect();
                if (reconnect) {
                    // The sockets given up on have counted their invalid frames already.
                    call = dropAndReconnect(call, index, t);
                    if (call == null) {
                        return;
                    }
                } else if (!turn(call, index, t)) {
                    return;
                }
                // A person thinks before the next thing they say.
                TimeUnit.MILLISECONDS.sleep(options.thinkMs.get(0) + random.nextLong(Math.max(1, options.thinkMs.get(1) - options.thinkMs.get(0) + 1)));
            }
            hangUp(call);
        } finally {
            callersOpen.decrementAndGet();
            if (call != null) {
                now().invalidFrames.addAndGet(call.invalidFrames().size());
            }
        }
    }

    private boolean takeReconnect() {
        return reconnectsDue.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** What became of one turn. */
    private enum TurnEnd { ANSWERED, REFUSED_LIVE_SESSION, LOST }

    /** One caller turn; false if the call was lost (counted). */
    private boolean turn(SimulatedCall call, int index, int t) throws Exception {
        TurnEnd end = say(call, index, t);
        if (end != TurnEnd.ANSWERED) {
            lost(call);
            return false;
        }
        return true;
    }

    private void lost(SimulatedCall call) {
        SoakInterval i = now();
        i.callsLost.incrementAndGet();
        if (call.closeStatus().isPresent() && !call.closeStatus().get().bySimulator()) {
            i.unexpectedCloses.incrementAndGet();
        } else {
            i.unanswered.incrementAndGet();
        }
        call.close();
    }

    /** The caller says a tagged question (partials a quarter second apart), then waits for the whole answer. */
    private TurnEnd say(SimulatedCall call, int index, int t) throws Exception {
        String text = "Question " + index + "-" + t + ": " + UTTERANCES[Math.floorMod(index + t, UTTERANCES.length)];
        for (String partial : SimulatedCall.partials(text)) {
            call.prompt(partial, "en-US", false);
            TimeUnit.MILLISECONDS.sleep(250); // a person's pace: Twilio sends a partial every 200–300 ms
        }
        int mark = call.mark();
        long promptNanos = System.nanoTime();
        call.prompt(text, "en-US", true);
        SimulatedCall.Turn answer;
        try {
            answer = call.turnAfter(mark).get(20, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            return call.closeStatus().filter(c -> !c.bySimulator() && c.code() == 1008
                    && LIVE_SESSION_REFUSED.equals(c.reason())).isPresent() ? TurnEnd.REFUSED_LIVE_SESSION : TurnEnd.LOST;
        }
        SoakInterval i = now();
        i.turns.incrementAndGet();
        i.firstFrame.add(answer.firstNanos() - promptNanos);
        allFirstFrame.add(answer.firstNanos() - promptNanos);
        List<TokenClock.Stamp> arrived = new ArrayList<>();
        for (SimulatedCall.Frame f : answer.frames()) {
            if (!f.text().token().isEmpty()) {
                arrived.add(new TokenClock.Stamp(f.nanos(), f.text().token()));
            }
        }
        i.arrivals.put(ModelRecord.key(index, t), arrived);
        return TurnEnd.ANSWERED;
    }

    /**
     * The connection drops between turns (no close frame), and Twilio reconnects with the same
     * setup and call token; the next turn, answered on the new socket, shows the call resumed.
     * Twilio may reconnect before the relay has seen the old socket go: the relay then refuses
     * the new one (1008, a live session) and Twilio tries again, as here, a little later.
     * Returns the call's socket from here on, or null if the call was lost.
     */
    private SimulatedCall dropAndReconnect(SimulatedCall call, int index, int t) throws Exception {
        // Counted when the outcome is known, so that an interval's row adds up.
        try {
            call.drop().get(10, TimeUnit.SECONDS);
            now().invalidFrames.addAndGet(call.invalidFrames().size()); // the socket's own; the new one counts its own
        } catch (TimeoutException e) {
            now().reconnectsTried.incrementAndGet();
            now().callsLost.incrementAndGet();
            return null;
        }
        for (int attempt = 1; attempt <= RECONNECT_ATTEMPTS; attempt++) {
            SimulatedCall again;
            try {
                again = call.reconnect();
            } catch (RuntimeException e) {
                TimeUnit.MILLISECONDS.sleep(200L * attempt); // Twilio's retry, paced
                continue;
            }
            TurnEnd end = say(again, index, t);
            if (end == TurnEnd.ANSWERED) {
                now().reconnectsTried.incrementAndGet();
                now().reconnectsResumed.incrementAndGet();
                resumedCalls.computeIfAbsent(again.callSid(), k -> new AtomicInteger()).incrementAndGet();
                return again;
            }
            now().invalidFrames.addAndGet(again.invalidFrames().size());
            if (end == TurnEnd.LOST) {
                now().reconnectsTried.incrementAndGet();
                lost(again);
                return null;
            }
            totalReconnectRetries.incrementAndGet();
            TimeUnit.MILLISECONDS.sleep(200L * attempt); // Twilio's retry, paced
        }
        now().reconnectsTried.incrementAndGet();
        now().callsLost.incrementAndGet();
        return null;
    }

    private void hangUp(SimulatedCall call) {
        if (!call.isOpen()) {
            now().callsLost.incrementAndGet();
            now().unexpectedCloses.incrementAndGet();
            return;
        }
        try {
            var result = call.hangUp().thenCompose(c -> call.actionResult()).get(30, TimeUnit.SECONDS);
            if (result.status() != 200) {
                now().hangupProblems.incrementAndGet();
            }
        } catch (Exception e) {
            now().hangupProblems.incrementAndGet();
        }
    }

    /**
     * A call whose socket floods the relay: the even floods send only unknown-type and malformed
     * frames (the bad-frame count trips: 1007), the odd ones a valid {@code info} frame after
     * every nine bad ones, so the count never trips and the frame rate does (1008).
     */
    void flood(SimClient client, BenchProcesses.Target target) {
        if (stopping.get()) {
            return;
        }
        int n = floodCount.getAndIncrement();
        boolean rate = n % 2 == 1;
        SimulatedCall call = newCall(client, target, 9_000_000 + n);
        try {
            call.connect().get(60, TimeUnit.SECONDS);
            floodCalls.put(call.callSid(), rate ? "1008 framesPerSecond" : "1007 consecutiveInvalid");
            for (int k = 0; k < FLOOD_FRAMES && call.isOpen(); k++) {
                call.send(floodFrame(k, rate));
            }
            // The close as this side saw it. A socket still writing when the relay closes it
            // often loses the close frame to a broken pipe (1006), so the code and limit are
            // judged at the end from the relay's record of the call, as SocketFloodTest does.
            SimulatedCall.Close close = call.closed().get(30, TimeUnit.SECONDS);
            floodClosesSeen.computeIfAbsent(close.code() + " " + close.reason(), k -> new AtomicInteger())
                    .incrementAndGet();
            SoakInterval i = now(); // counted when the outcome is known, so that an interval's row adds up
            i.floodsSent.incrementAndGet();
            if (!close.bySimulator()) {
                i.floodsClosedByRelay.incrementAndGet();
            }
        } catch (Exception e) {
            now().floodsSent.incrementAndGet();
            floodClosesSeen.computeIfAbsent("failed: " + e.getClass().getSimpleName(), k -> new AtomicInteger())
                    .incrementAndGet();
            call.close();
        }
    }

    static InboundMessage floodFrame(int k, boolean rate) {
        if (rate && k % 10 == 9) {
            return new InboundMessage.Info("roundTripDelayMs", Integer.toString(100 + k % 50));
        }
        if (k % 3 == 2) {
            String raw = "{\"type\":\"prompt\",\"voicePrompt\":\"unterminated " + k;
            return new InboundMessage.Malformed(raw, "not JSON");
        }
        String raw = "{\"type\":\"flood\",\"n\":" + k + ",\"pad\":\"" + "x".repeat(200) + "\"}";
        return new InboundMessage.Unknown("flood", raw);
    }

    /** A signed socket that never sends setup: the relay must close it 1008 at its setup deadline. */
    void silent(LoopbackClient loopback, BenchProcesses.Target target) {
        if (stopping.get()) {
            return;
        }
        boolean closedByDeadline = false;
        try {
            LoopbackClient.Closed closed = loopback.silentSocket(target).get(60, TimeUnit.SECONDS);
            closedByDeadline = closed.code() == 1008 && closed.reason() != null && closed.reason().startsWith("No setup within");
        } catch (Exception e) {
            // counted as not closed by the deadline
        }
        SoakInterval i = now(); // counted when the outcome is known, so that an interval's row adds up
        i.silentOpened.incrementAndGet();
        if (closedByDeadline) {
            i.silentClosedBySetupDeadline.incrementAndGet();
        }
    }
}
