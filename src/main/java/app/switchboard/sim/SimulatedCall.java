package app.switchboard.sim;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;

/**
 * One relay session as Twilio plays it (protocol.md §9), over a real {@code wss://} socket:
 * a signed upgrade with Twilio's user agent, {@code setup} first, then whatever the test or
 * script makes the caller do. Every frame the app sends is read strictly, as Twilio reads it:
 * an invalid one is answered with an {@code error} frame, ten in a row close the socket with
 * 1007. An {@code end} closes with 1000 and posts the signed {@code <Connect action>} webhook,
 * as does a hang-up.
 *
 * <p>Everything received is kept with its {@link System#nanoTime()} arrival time, and can be
 * awaited ({@link #awaitFrame}, {@link #awaitTurn}) or chained ({@link #frameAfter},
 * {@link #turnAfter}). Thread-safe: frames arrive on Jetty's threads, scripts act from others.
 *
 * <p>This class is the facade; the work is done by {@link CallSocket} (the socket and its
 * outbox), {@link StrictFrameReader} (Twilio's checks on the app's frames), {@link FrameLog}
 * (what was received and sent, turns, waits, the play queue) and {@link CallWebhooks} (voice
 * and action webhooks). They share one lock, so each step stays atomic as it was in one class.
 *
 * <p>Over 400 lines because it is the whole public surface: the nested {@link Builder} (~130
 * lines) and records stay here because {@code SimulatedCall.Builder}, {@code .Frame},
 * {@code .Turn} and {@code .Close} are names that tests, {@link DemoCallers} and the benchmarks
 * use; the rest is connecting and one-line delegations to the parts above.
 */
public final class SimulatedCall implements AutoCloseable {

    /** The user agent of Twilio's socket client, as recorded. */
    public static final String SOCKET_USER_AGENT = "Jetty/11.0.24";
    /** Twilio's close reason after a hang-up or {@code end}. */
    public static final String CLOSING_REASON = "Closing websocket session";
    public static final String TOO_MANY_MALFORMED = "Too many consecutive malformed messages.";
    static final int MALFORMED_LIMIT = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A frame the app sent: verbatim, with its arrival time and, when valid, its decoded form. */
    public record Frame(int index, long nanos, String raw, OutboundMessage message, String invalidReason) {
        public boolean valid() {
            return message != null;
        }

        public boolean isText() {
            return message instanceof OutboundMessage.Text;
        }

        public OutboundMessage.Text text() {
            return (OutboundMessage.Text) message;
        }

        public boolean endsTurn() {
            return isText() && text().last();
        }
    }

    /** A frame the simulator sent, with the time it was handed to the socket. */
    public record Sent(long nanos, InboundMessage message, String raw) {
    }

    /** One talk cycle of the app: text frames up to and including the one with {@code last:true}. */
    public record Turn(String text, List<Frame> frames) {
        public long firstNanos() {
            return frames.get(0).nanos();
        }

        public long lastNanos() {
            return frames.get(frames.size() - 1).nanos();
        }
    }

    /** How the socket closed, and who closed it. */
    public record Close(int code, String reason, boolean bySimulator, long nanos) {
    }

    /** Thrown when an awaited frame, turn or close does not come in time; says what did come. */
    public static final class SimulationException extends RuntimeException {
        SimulationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SimClient client;
    private final URI connectUrl;
    private final String signedUrl;
    private final String authToken;
    private final Duration timeout;
    /** Final once {@link #connect} has the TwiML's parameters; read by the socket's threads after that. */
    private volatile InboundMessage.Setup setup;
    /** One lock for the call, shared by its parts (see the class comment). */
    private final Object lock = new Object();
    private final FrameLog log;
    private final CallWebhooks webhooks;
    private final CallSocket socket;
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    /** The voice webhook's {@code <Start><Stream>}, when it asked for one (live audio). */
    private volatile MediaStreamer.Request mediaStream;

    /** How this call was placed: a reconnect opens its new socket the same way. */
    private final Builder origin;

    private SimulatedCall(Builder b) {
        this(b, b.connectUrl, null);
    }

    /** @param reconnectSetup the setup a reconnected socket sends; null: a first session, from the builder */
    private SimulatedCall(Builder b, URI connectUrl, InboundMessage.Setup reconnectSetup) {
        this.origin = b;
        this.client = b.client;
        this.connectUrl = connectUrl;
        this.signedUrl = b.signedUrl == null ? b.connectUrl.toString() : b.signedUrl;
        this.authToken = b.authToken;
        this.timeout = b.timeout;
        this.log = new FrameLog(lock, b.charsPerSecond);
        this.webhooks = new CallWebhooks(client, authToken,
                b.voicePostUrl,
                b.voiceSignedUrl == null && b.voicePostUrl != null ? b.voicePostUrl.toString() : b.voiceSignedUrl,
                b.actionPostUrl,
                b.actionSignedUrl == null && b.actionPostUrl != null ? b.actionPostUrl.toString() : b.actionSignedUrl,
                log, lock);
        this.socket = new CallSocket(this, log, new StrictFrameReader(this, log, lock), lock, () -> setup);
        this.setup = reconnectSetup != null ? reconnectSetup : b.setup != null ? b.setup : new InboundMessage.Setup(
                b.sessionId != null ? b.sessionId : newSid("VX"),
                b.accountSid != null ? b.accountSid : "AC" + "0".repeat(32),
                b.callSid != null ? b.callSid : newSid("CA"),
                "", b.from, b.to, "", "", b.direction, "PSTN", b.callStatus, b.customParameters);
    }

    public static Builder builder(SimClient client, URI connectUrl) {
        return new Builder(client, connectUrl);
    }

    /** A Twilio-shaped id: the prefix and 32 random hex digits. */
    public static String newSid(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    // ---- connecting ----

    /**
     * Opens the socket; {@code setup} is the first frame sent, right after the upgrade. The
     * future fails with the upgrade's error, e.g. a 403 (see {@link #upgradeStatus}).
     */
    public CompletableFuture<SimulatedCall> connect() {
        if (!webhooks.postsVoiceWebhook()) {
            return upgrade();
        }
        // As Twilio does: the voice webhook first; its <ConversationRelay> <Parameter>s come back in setup.
        return webhooks.voiceAnswer(setup).thenCompose(answer -> {
            mediaStream = CallWebhooks.twimlStream(answer);
            Map<String, String> params = new java.util.LinkedHashMap<>(setup.customParameters());
            params.putAll(CallWebhooks.twimlParameters(answer));
            InboundMessage.Setup s = setup;
            setup = new InboundMessage.Setup(s.sessionId(), s.accountSid(), s.callSid(), s.parentCallSid(), s.from(),
                    s.to(), s.forwardedFrom(), s.callerName(), s.direction(), s.callType(), s.callStatus(), params);
            return upgrade();
        });
    }

    /** The {@code <Parameter name value>} children of a TwiML answer's {@code <ConversationRelay>}. */
    public static Map<String, String> twimlParameters(String twiml) {
        return CallWebhooks.twimlParameters(twiml);
    }

    private CompletableFuture<SimulatedCall> upgrade() {
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest(connectUrl);
        upgrade.setHeader("User-Agent", SOCKET_USER_AGENT);
        if (authToken != null) {
            upgrade.setHeader(TwilioSignature.HEADER, TwilioSignature.sign(authToken, signedUrl));
        }
        upgrade.setTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return client.webSocket().connect(socket.listener(), upgrade).thenApply(s -> this);
        } catch (java.io.IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Connects and waits for the upgrade; throws with the HTTP status when it is refused. */
    public SimulatedCall open() {
        return await(connect(), "the socket to open");
    }

    /**
     * Connects and waits for the upgrade, for a test of what the relay refuses: the HTTP status
     * the upgrade was refused with, or empty when it was accepted (or failed without a status).
     */
    public Optional<Integer> connectOrRefusal() {
        try {
            connect().join();
            return Optional.empty();
        } catch (java.util.concurrent.CompletionException e) {
            return upgradeStatus(e);
        }
    }

    /** The HTTP status of a refused upgrade, found anywhere in a connect failure's causes. */
    public static Optional<Integer> upgradeStatus(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jetty.websocket.api.exceptions.UpgradeException u
                    && u.getResponseStatusCode() > 0) {
                return Optional.of(u.getResponseStatusCode());
            }
            if (t instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException u
                    && u.getResponseStatusCode() > 0) {
                return Optional.of(u.getResponseStatusCode());
            }
        }
        return Optional.empty();
    }

    // ---- what the caller does ----

    /** Sends any protocol message, encoded by the one codec. */
    public CompletableFuture<Void> send(InboundMessage message) {
        return socket.send(message);
    }

    /** One prompt frame: partial ({@code last=false}, cumulative) or final. */
    public CompletableFuture<Void> prompt(String voicePrompt, String lang, boolean last) {
        return send(new InboundMessage.Prompt(voicePrompt, lang, last));
    }

    /**
     * The caller says {@code utterance}: a cumulative partial per word, then the final prompt
     * repeating the text, all at once (scripts pace it with {@link CallerScript}).
     */
    public CompletableFuture<Void> say(String utterance, String lang) {
        List<String> partials = partials(utterance);
        for (String partial : partials) {
            prompt(partial, lang, false);
        }
        return prompt(utterance, lang, true);
    }

    /** The cumulative partial transcripts of an utterance: the first word, the first two, … */
    public static List<String> partials(String utterance) {
        List<String> out = new ArrayList<>();
        String[] words = utterance.strip().split("\\s+");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.length - 1; i++) {
            sb.append(i == 0 ? "" : " ").append(words[i]);
            out.add(sb.toString());
        }
        return out;
    }

    public CompletableFuture<Void> pressKey(String digit) {
        return send(new InboundMessage.Dtmf(digit));
    }

    /**
     * The caller talks over the agent: Twilio stops speaking, purges its queue, and reports
     * what had been spoken of the message playing, at the simulated speaking rate.
     */
    public InboundMessage.Interrupt bargeIn() {
        InboundMessage.Interrupt interrupt;
        PlayQueue.Heard heard = log.bargeIn();
        interrupt = new InboundMessage.Interrupt(heard.utterance(), heard.durationMs());
        send(interrupt);
        return interrupt;
    }

    /** What the caller has heard so far of the message playing (or last played), in whole words. */
    public String heard() {
        return log.heard();
    }

    /** True while, at the simulated speaking rate, the caller still hears the agent. */
    public boolean agentSpeaking() {
        return log.speaking();
    }

    /** How long until the caller has heard everything the app queued so far. */
    public Duration agentSpeechRemaining() {
        return log.speechRemaining();
    }

    /** The caller hangs up: close 1000, then the {@code completed} action webhook. */
    public CompletableFuture<Close> hangUp() {
        closeAndReport(1000, CLOSING_REASON, "completed", "completed", null);
        return closed;
    }

    /**
     * Sends a ping and waits for the pong: every frame the relay sent before answering has
     * then arrived, so a test can assert on "everything so far" without a sleep.
     */
    public void roundTrip() {
        await(socket.ping(), "the pong");
    }

    /**
     * The connection drops without a close frame (a network failure, or the relay's host going
     * away as Twilio sees it): no close handshake, no action webhook. With
     * {@code applicationReconnect} Twilio then reconnects ({@link #reconnect}).
     */
    public CompletableFuture<Close> drop() {
        socket.drop();
        return closed;
    }

    /** Twilio holds at most this many events while a socket is down, and replays them after the reconnect. */
    public static final int MAX_REPLAYED_EVENTS = 500;

    /**
     * Twilio's application reconnect after {@link #drop}, as far as it is documented
     * (docs/reconnect.md): a new socket to the same URL, signed the same way, whose first frame
     * is {@code setup} again with the same {@code callSid} and the same {@code customParameters}
     * (the TwiML's {@code <Parameter>}s, so the relay's call token too). Not documented, and
     * assumed here: the same {@code sessionId}, {@code callStatus} {@code IN_PROGRESS}, and no
     * second voice webhook. {@code heldDuringDrop} are the events Twilio held while the socket was
     * down (at most {@value #MAX_REPLAYED_EVENTS}), replayed right after the setup. The returned
     * call is the session from here on; this one stays closed.
     */
    public SimulatedCall reconnect(InboundMessage... heldDuringDrop) {
        return reconnectVia(connectUrl, heldDuringDrop);
    }

    /**
     * {@link #reconnect}, the new socket reaching the relay at {@code connectUrl}: what a load
     * balancer in front of relays does with Twilio's one public URL (the same URL is signed), and
     * a relay restarted on another port.
     */
    public SimulatedCall reconnectVia(URI connectUrl, InboundMessage... heldDuringDrop) {
        if (heldDuringDrop.length > MAX_REPLAYED_EVENTS) {
            throw new IllegalArgumentException("Twilio holds at most " + MAX_REPLAYED_EVENTS + " events");
        }
        InboundMessage.Setup s = setup;
        SimulatedCall again = new SimulatedCall(origin, connectUrl, new InboundMessage.Setup(s.sessionId(),
                s.accountSid(), s.callSid(), s.parentCallSid(), s.from(), s.to(), s.forwardedFrom(), s.callerName(),
                s.direction(), s.callType(), "IN_PROGRESS", s.customParameters()));
        for (InboundMessage m : heldDuringDrop) {
            again.send(m); // queued behind the setup, which goes first when the socket opens
        }
        return again.await(again.upgrade(), "the reconnected socket to open");
    }

    /** Closes the socket from Twilio's side with this code, without a webhook. */
    public CompletableFuture<Close> closeWith(int code, String reason) {
        if (!socket.canClose()) {
            return closed;
        }
        socket.close(code, reason);
        return closed;
    }

    /** Closes the socket (1000) without a webhook, if it is still open. */
    @Override
    public void close() {
        closeWith(1000, CLOSING_REASON);
    }

    // ---- what was received ----

    public InboundMessage.Setup setup() {
        return setup;
    }

    public String callSid() {
        return setup.callSid();
    }

    /** The number of frames received so far: a mark for {@link #frameAfter} and {@link #turnAfter}. */
    public int mark() {
        return log.mark();
    }

    public List<Frame> received() {
        return log.received();
    }

    public List<Sent> sent() {
        return log.sent();
    }

    /** The live-audio stream the voice webhook's TwiML started ({@code <Start><Stream>}), if it did. */
    public Optional<MediaStreamer.Request> mediaStream() {
        return Optional.ofNullable(mediaStream);
    }

    /** Frames that failed Twilio's validation, in order. */
    public List<Frame> invalidFrames() {
        return log.invalidFrames();
    }

    public boolean isOpen() {
        return socket.isOpen();
    }

    public Optional<Close> closeStatus() {
        return log.closeStatus();
    }

    /** The last {@code language} message's TTS language, or null. */
    public String ttsLanguage() {
        return log.ttsLanguage();
    }

    /** The {@code handoffData} of the {@code end} the app sent, or null. */
    public String handoffData() {
        return log.handoffData();
    }

    public CompletableFuture<Close> closed() {
        return closed;
    }

    /** The relay's answer to this session's {@code <Connect action>} webhook. */
    public CompletableFuture<Webhook.Result> actionResult() {
        return webhooks.action();
    }

    /** Completes with the first frame at index {@code from} or later that matches. */
    public CompletableFuture<Frame> frameAfter(int from, Predicate<Frame> condition) {
        return log.frameAfter(from, condition);
    }

    /** Completes with the app's next complete talk cycle starting at frame {@code from}. */
    public CompletableFuture<Turn> turnAfter(int from) {
        return log.turnAfter(from);
    }

    public Frame awaitFrame(int from, Predicate<Frame> condition) {
        return await(frameAfter(from, condition), "a matching frame");
    }

    public Turn awaitTurn(int from) {
        return await(turnAfter(from), "a complete text turn (last:true)");
    }

    public Close awaitClosed() {
        return await(closed, "the socket to close");
    }

    public Webhook.Result awaitAction() {
        return await(webhooks.action(), "the action webhook's answer");
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SimulationException("Timed out after " + timeout + " waiting for " + what + "; " + describe(), e);
        } catch (ExecutionException e) {
            throw new SimulationException("Failed waiting for " + what + ": " + e.getCause() + "; " + describe(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulationException("Interrupted waiting for " + what, e);
        }
    }

    /** A one-line account of the session so far, for failure messages. */
    public String describe() {
        return log.describe(setup.callSid());
    }

    // ---- ending, as Twilio reports it ----

    /** Closes from Twilio's side, then posts the action webhook Twilio would post. */
    void closeAndReport(int code, String reason, String sessionStatus, String callStatus, String handoff) {
        if (socket.closingOrClosed()) {
            return;
        }
        CompletableFuture<Void> done = socket.close(code, reason);
        done.whenComplete((ok, failure) -> {
            Map<String, String> form = actionForm(sessionStatus, callStatus);
            if (handoff != null) {
                form.put("HandoffData", handoff);
            }
            if ("failed".equals(sessionStatus)) {
                form.put("ErrorCode", "64105");
                form.put("ErrorMessage", "Websocket ended");
            }
            webhooks.postAction(form);
        });
    }

    /** The parameters of Twilio's {@code <Connect action>} request (protocol.md §4). */
    Map<String, String> actionForm(String sessionStatus, String callStatus) {
        return webhooks.actionForm(setup, sessionStatus, callStatus);
    }

    /** Called by the socket once it has closed and failed what was waiting on it. */
    void socketClosed(Close c, boolean unexpected) {
        closed.complete(c);
        if (unexpected) {
            // The app closed or dropped the socket: Twilio reports a failed session (§3.6).
            Map<String, String> form = actionForm("failed", "in-progress");
            form.put("ErrorCode", "64105");
            form.put("ErrorMessage", "Websocket ended");
            webhooks.postAction(form);
        }
    }

    /** Who calls, where the relay is, and how Twilio would sign. */
    public static final class Builder {
        private final SimClient client;
        private final URI connectUrl;
        private String signedUrl;
        private String authToken;
        private URI actionPostUrl;
        private String actionSignedUrl;
        private URI voicePostUrl;
        private String voiceSignedUrl;
        private Duration timeout = Duration.ofSeconds(10);
        private double charsPerSecond = 15;
        private InboundMessage.Setup setup;
        private String callSid;
        private String sessionId;
        private String accountSid;
        private String from = "+15550100002";
        private String to = "+15550100001";
        private String direction = "inbound";
        private String callStatus = "RINGING";
        private Map<String, String> customParameters = Map.of();

        private Builder(SimClient client, URI connectUrl) {
            this.client = client;
            this.connectUrl = connectUrl;
        }

        /** The URL Twilio was given in TwiML, which it signs; defaults to the connect URL. */
        public Builder signedUrl(String url) {
            this.signedUrl = url;
            return this;
        }

        /** Sign the upgrade and webhooks with this token; null sends them unsigned. */
        public Builder authToken(String token) {
            this.authToken = token;
            return this;
        }

        /** Where to post the action webhook, and the public URL to sign it over (null: the same). */
        public Builder action(URI postTo, String signedUrl) {
            this.actionPostUrl = postTo;
            this.actionSignedUrl = signedUrl;
            return this;
        }

        /**
         * Post the voice webhook (signed over {@code signedUrl}, null: the same) before the
         * upgrade, as Twilio does for an incoming call, and send the TwiML's parameters in setup.
         */
        public Builder voiceWebhook(URI postTo, String signedUrl) {
            this.voicePostUrl = postTo;
            this.voiceSignedUrl = signedUrl;
            return this;
        }

        /** {@link #voiceWebhook} at the relay's {@code /twiml}, beside the {@link #action} URLs (set those first). */
        public Builder voiceWebhookBesideAction() {
            if (actionPostUrl == null) {
                throw new IllegalStateException("set the action URLs first");
            }
            String signed = actionSignedUrl == null ? actionPostUrl.toString() : actionSignedUrl;
            return voiceWebhook(actionPostUrl.resolve("twiml"), signed.substring(0, signed.lastIndexOf('/') + 1) + "twiml");
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Simulated speaking rate that decides what a barge-in has heard. */
        public Builder speakingRate(double charsPerSecond) {
            this.charsPerSecond = charsPerSecond;
            return this;
        }

        /** Sends exactly this setup frame (fixture replay); overrides the fields below. */
        public Builder setup(InboundMessage.Setup setup) {
            this.setup = setup;
            return this;
        }

        public Builder callSid(String callSid) {
            this.callSid = callSid;
            return this;
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder accountSid(String accountSid) {
            this.accountSid = accountSid;
            return this;
        }

        public Builder from(String from) {
            this.from = from;
            return this;
        }

        public Builder to(String to) {
            this.to = to;
            return this;
        }

        public Builder direction(String direction) {
            this.direction = direction;
            return this;
        }

        /** Twilio sends it in upper case: RINGING on a first session, IN_PROGRESS on a reconnect. */
        public Builder callStatus(String callStatus) {
            this.callStatus = callStatus;
            return this;
        }

        public Builder customParameters(Map<String, String> parameters) {
            this.customParameters = parameters;
            return this;
        }

        public SimulatedCall build() {
            return new SimulatedCall(this);
        }
    }
}
