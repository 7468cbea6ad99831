package app.switchboard.sim;

import app.switchboard.concurrent.Threads;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callers for the console demo: varied scripted calls arriving over time through the real
 * relay (signed {@code wss://}, real frames), a few at once, each lasting some turns and then
 * hanging up, with new ones arriving until {@link #stop()}. The cast covers what the console
 * is for: a billing question, a caller who talks over the agent, one who uses the keypad, one
 * who insists on a human, and one who speaks Spanish.
 */
public final class DemoCallers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCallers.class);

    /** Where the relay is and how to reach it as Twilio would. */
    public record Options(URI connectUrl, String signedUrl, String authToken, URI actionPostUrl,
                          String actionSignedUrl, String fingerprint, int concurrentCalls,
                          Duration arrivalGap, CallerScript.Pacing pacing) {
        public Options {
            if (concurrentCalls < 1) {
                throw new IllegalArgumentException("at least one concurrent call");
            }
        }

        /** A few callers at once, a new one every few seconds, at a natural pace. */
        public static Options of(String connectUrl, String signedUrl, String authTokenOrNull, String actionPostUrl,
                                 String actionSignedUrl, String fingerprintOrNull) {
            return new Options(URI.create(connectUrl), signedUrl, authTokenOrNull,
                    actionPostUrl == null ? null : URI.create(actionPostUrl), actionSignedUrl, fingerprintOrNull,
                    3, Duration.ofSeconds(4), CallerScript.Pacing.natural());
        }

        public Options withConcurrentCalls(int n) {
            return new Options(connectUrl, signedUrl, authToken, actionPostUrl, actionSignedUrl, fingerprint, n,
                    arrivalGap, pacing);
        }

        public Options withPacing(CallerScript.Pacing p, Duration gap) {
            return new Options(connectUrl, signedUrl, authToken, actionPostUrl, actionSignedUrl, fingerprint,
                    concurrentCalls, gap, p);
        }
    }

    private final Options options;
    private final SimClient client;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The live-audio stream of each caller whose TwiML asked for one (docs/live-audio.md). */
    private final Map<SimulatedCall, MediaStreamer> streams = new ConcurrentHashMap<>();
    /** Each caller in progress and its script; stop cancels the scripts, so nothing waits on a stopped timer. */
    private final Map<SimulatedCall, CompletableFuture<?>> open = new ConcurrentHashMap<>();

    private DemoCallers(Options options) throws Exception {
        this.options = options;
        this.client = options.fingerprint() == null ? SimClient.trustingAnyCertificate()
                : SimClient.pinned(options.fingerprint());
        this.timer = Executors.newScheduledThreadPool(1, Threads.numbered("demo-callers-"));
    }

    /**
     * Starts the demo callers against a relay.
     *
     * @param connectUrl      where to open the socket, e.g. {@code wss://127.0.0.1:8443/relay}
     * @param signedUrl       the URL Twilio signs (the relay URL given in TwiML)
     * @param authTokenOrNull the relay's Twilio auth token; null sends everything unsigned
     * @param actionPostUrl   where to post the action webhook (loopback), or null for none
     * @param actionSignedUrl the public action URL the webhook is signed over
     * @param fingerprintOrNull the relay certificate's SHA-256 fingerprint to pin, or null
     */
    public static DemoCallers start(String connectUrl, String signedUrl, String authTokenOrNull, String actionPostUrl,
                                    String actionSignedUrl, String fingerprintOrNull) throws Exception {
        return start(Options.of(connectUrl, signedUrl, authTokenOrNull, actionPostUrl, actionSignedUrl, fingerprintOrNull));
    }

    public static DemoCallers start(Options options) throws Exception {
        DemoCallers demo = new DemoCallers(options);
        for (int i = 0; i < options.concurrentCalls(); i++) {
            // Staggered, so the console shows calls in different phases.
            demo.timer.schedule(demo::placeCall, i * options.arrivalGap().toMillis() + 200, TimeUnit.MILLISECONDS);
        }
        return demo;
    }

    /** The scripted cast, in the order they call. */
    public static List<CallerScript> cast() {
        return List.of(
                CallerScript.named("billing question").from("+15550100101")
                        .say("Hi, I have a question about my bill")
                        .say("Why is there an extra charge this month")
                        .say("Okay, that makes sense. Thanks, bye")
                        .hangUp(),
                CallerScript.named("lost parcel").from("+15550100106")
                        .say("Hello, my parcel never arrived")
                        .say("It was supposed to be delivered yesterday, where is my package")
                        .say("Alright, thanks, bye")
                        .hangUp(),
                CallerScript.named("talks over the agent").from("+15550100102")
                        .sayThenInterrupt("Can you explain the charges on my invoice", Duration.ofMillis(1500))
                        .say("Sorry, just tell me when the payment is due")
                        .say("Thank you")
                        .hangUp(),
                CallerScript.named("keypad").from("+15550100103")
                        .say("I would like to pay my bill")
                        .press("1")
                        .press("2")
                        .say("Thanks, goodbye")
                        .hangUp(),
                CallerScript.named("wants a human").from("+15550100104")
                        .say("I want to talk to a human")
                        .say("Please, I want to speak to a manager")
                        .say("I said I want a real person, a manager")
                        .hangUp(),
                CallerScript.named("password reset").from("+15550100107")
                        .say("I am locked out of my account, I forgot my password")
                        .say("How do I reset it")
                        .say("Got it, thank you")
                        .hangUp(),
                CallerScript.named("opening hours").from("+15550100108")
                        .say("What are your opening hours")
                        .say("Are you open on Sunday")
                        .say("Thanks, that's all")
                        .hangUp(),
                CallerScript.named("Spanish speaker").from("+34910000105").speaking("es-ES")
                        .parameters(Map.of("language", "es-ES"))
                        .say("Hola, tengo una pregunta sobre mi factura")
                        .say("¿Cuándo vence el pago de la factura?")
                        .say("Muchas gracias, adiós")
                        .hangUp());
    }

    private void placeCall() {
        if (stopped.get()) {
            return;
        }
        List<CallerScript> cast = cast();
        CallerScript script = cast.get((int) (started.getAndIncrement() % cast.size()));
        SimulatedCall.Builder builder = SimulatedCall.builder(client, options.connectUrl())
                .signedUrl(options.signedUrl())
                .authToken(options.authToken())
                .action(options.actionPostUrl(), options.actionSignedUrl());
        if (options.actionPostUrl() != null) {
            builder.voiceWebhookBesideAction();
        }
        SimulatedCall call = builder
                .from(script.from())
                .customParameters(script.customParameters())
                .build();
        active.incrementAndGet();
        LOG.info("Demo caller '{}' calling as {} ({})", script.name(), call.callSid(), script.from());
        CompletableFuture<List<CallerScript.TurnRecord>> running = call.connect()
                .thenApply(this::streamAudio)
                .thenCompose(c -> script.run(c, timer, options.pacing(), stopped));
        open.put(call, running);
        if (stopped.get()) {
            running.cancel(false);
        }
        running.whenComplete((turns, failure) -> {
            if (failure != null && stopped.get()) {
                LOG.debug("Demo caller '{}' cut short by stop: {}", script.name(), failure.toString());
            } else if (failure != null) {
                failed.incrementAndGet();
                LOG.warn("Demo caller '{}' ({}) failed: {}", script.name(), call.callSid(), failure.toString());
            } else {
                finished.incrementAndGet();
            }
            call.close();
            // After the call closes: a stream that opens later sees the call closed and closes itself.
            MediaStreamer audio = streams.remove(call);
            if (audio != null) {
                audio.close();
            }
            open.remove(call);
            active.decrementAndGet();
            if (!stopped.get()) {
                long gap = options.arrivalGap().toMillis();
                long jitter = gap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(gap / 2 + 1);
                try {
                    timer.schedule(this::placeCall, gap + jitter, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    LOG.debug("Demo stopped while scheduling the next caller");
                }
            }
        });
    }

    /**
     * When the relay's TwiML started a stream ({@code listenToCalls}), opens it as Twilio would,
     * so the demo can be heard. A stream that fails to open leaves the call as it is.
     */
    private SimulatedCall streamAudio(SimulatedCall call) {
        call.mediaStream().ifPresent(request -> MediaStreamer.open(client, options.connectUrl().resolve("media"), request,
                        options.authToken(), call.callSid(), call.setup().accountSid(), timer,
                        () -> callerSpeaking(call), call::agentSpeaking)
                .whenComplete((streamer, failure) -> {
                    if (failure != null) {
                        LOG.warn("Demo caller {}: the live-audio stream did not open: {}", call.callSid(), failure.toString());
                    } else {
                        streams.put(call, streamer);
                        // Checked after the put: a call that ended meanwhile has already looked for its stream.
                        if (stopped.get() || !call.isOpen()) {
                            streams.remove(call, streamer);
                            streamer.close();
                        }
                    }
                }));
        return call;
    }

    /** The caller "speaks" for a second after each prompt it sends (there is no real speech here). */
    static boolean callerSpeaking(SimulatedCall call) {
        List<SimulatedCall.Sent> sent = call.sent();
        for (int i = sent.size() - 1; i >= 0; i--) {
            SimulatedCall.Sent s = sent.get(i);
            if (s.message() instanceof app.switchboard.protocol.InboundMessage.Prompt) {
                return System.nanoTime() - s.nanos() < TimeUnit.SECONDS.toNanos(1);
            }
        }
        return false;
    }

    /** Live-audio streams open now. */
    public int audioStreams() {
        return streams.size();
    }

    /** Calls placed so far. */
    public long callsStarted() {
        return started.get();
    }

    /** Calls that ran their script to the end (or until the app ended them). */
    public long callsFinished() {
        return finished.get();
    }

    public long callsFailed() {
        return failed.get();
    }

    public int activeCalls() {
        return active.get();
    }

    /** Hangs up every caller (without webhooks) and stops placing calls. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        streams.values().forEach(MediaStreamer::close);
        streams.clear();
        open.forEach((call, script) -> {
            call.close();
            script.cancel(false);
        });
        timer.shutdownNow();
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the demo callers' client", e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
