package app.switchboard.sim;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class SimulatedCall implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCall.class);

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
    private final URI actionPostUrl;
    private final String actionSignedUrl;
    private final Duration timeout;
    /** Final once {@link #connect} has the TwiML's parameters; read by the socket's threads after that. */
    private volatile InboundMessage.Setup setup;
    private final URI voicePostUrl;
    private final String voiceSignedUrl;
    private final Object lock = new Object();

    // Guarded by lock.
    private final List<Frame> received = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final PlayQueue playQueue;
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private boolean writing;
    private int consecutiveInvalid;
    private String ttsLanguage;
    private Close close;
    private boolean closing;
    private Integer closeRequestedCode;
    private long setupNanos;
    private String handoffData;
    private boolean endReceived;

    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final CompletableFuture<Webhook.Result> action = new CompletableFuture<>();
    private final List<CompletableFuture<Void>> pongWaiters = new ArrayList<>();
    private boolean actionPosted;
    private volatile Session session;

    private record Outgoing(String frame, InboundMessage message, int closeCode, String closeReason,
                            CompletableFuture<Void> done) {
    }

    private record Waiter(int from, Predicate<Frame> condition, CompletableFuture<Frame> future) {
    }

    private SimulatedCall(Builder b) {
        this.client = b.client;
        this.connectUrl = b.connectUrl;
        this.signedUrl = b.signedUrl == null ? b.connectUrl.toString() : b.signedUrl;
        this.authToken = b.authToken;
        this.actionPostUrl = b.actionPostUrl;
        this.actionSignedUrl = b.actionSignedUrl == null && b.actionPostUrl != null
                ? b.actionPostUrl.toString() : b.actionSignedUrl;
        this.timeout = b.timeout;
        this.voicePostUrl = b.voicePostUrl;
        this.voiceSignedUrl = b.voiceSignedUrl == null && b.voicePostUrl != null ? b.voicePostUrl.toString() : b.voiceSignedUrl;
        this.playQueue = new PlayQueue(b.charsPerSecond);
        this.setup = b.setup != null ? b.setup : new InboundMessage.Setup(
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
        if (voicePostUrl == null) {
            return upgrade();
        }
        // As Twilio does: the voice webhook first; its <ConversationRelay> <Parameter>s come back in setup.
        return Webhook.post(client, voicePostUrl, voiceSignedUrl, authToken, voiceForm()).thenCompose(result -> {
            if (result.status() != 200) {
                return CompletableFuture.failedFuture(new SimulationException(
                        "voice webhook answered " + result.status() + ": " + result.body(), null));
            }
            Map<String, String> params = new java.util.LinkedHashMap<>(setup.customParameters());
            params.putAll(twimlParameters(result.body()));
            InboundMessage.Setup s = setup;
            setup = new InboundMessage.Setup(s.sessionId(), s.accountSid(), s.callSid(), s.parentCallSid(), s.from(),
                    s.to(), s.forwardedFrom(), s.callerName(), s.direction(), s.callType(), s.callStatus(), params);
            return upgrade();
        });
    }

    private Map<String, String> voiceForm() {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("AccountSid", setup.accountSid());
        form.put("CallSid", setup.callSid());
        form.put("From", setup.from());
        form.put("To", setup.to());
        form.put("Caller", setup.from());
        form.put("Called", setup.to());
        form.put("Direction", setup.direction());
        form.put("CallStatus", "RINGING".equals(setup.callStatus()) ? "ringing" : "in-progress");
        form.values().removeIf(java.util.Objects::isNull);
        return form;
    }

    /** The {@code <Parameter name value>} children of a TwiML answer's {@code <ConversationRelay>}. */
    public static Map<String, String> twimlParameters(String twiml) {
        try {
            javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            org.w3c.dom.NodeList nodes = f.newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(twiml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .getElementsByTagName("Parameter");
            Map<String, String> params = new java.util.LinkedHashMap<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                org.w3c.dom.Element p = (org.w3c.dom.Element) nodes.item(i);
                params.put(p.getAttribute("name"), p.getAttribute("value"));
            }
            return params;
        } catch (Exception e) {
            throw new SimulationException("TwiML answer is not XML: " + e.getMessage(), e);
        }
    }

    private CompletableFuture<SimulatedCall> upgrade() {
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest(connectUrl);
        upgrade.setHeader("User-Agent", SOCKET_USER_AGENT);
        if (authToken != null) {
            upgrade.setHeader(TwilioSignature.HEADER, TwilioSignature.sign(authToken, signedUrl));
        }
        upgrade.setTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return client.webSocket().connect(new Listener(), upgrade).thenApply(s -> this);
        } catch (java.io.IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Connects and waits for the upgrade; throws with the HTTP status when it is refused. */
    public SimulatedCall open() {
        return await(connect(), "the socket to open");
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
        return enqueue(new Outgoing(ProtocolCodec.encodeInbound(message), message, 0, null, new CompletableFuture<>()));
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
        synchronized (lock) {
            PlayQueue.Heard heard = playQueue.bargeIn(System.nanoTime());
            interrupt = new InboundMessage.Interrupt(heard.utterance(), heard.durationMs());
        }
        send(interrupt);
        return interrupt;
    }

    /** What the caller has heard so far of the message playing (or last played), in whole words. */
    public String heard() {
        synchronized (lock) {
            return playQueue.heard(System.nanoTime()).utterance();
        }
    }

    /** True while, at the simulated speaking rate, the caller still hears the agent. */
    public boolean agentSpeaking() {
        synchronized (lock) {
            return playQueue.speaking(System.nanoTime());
        }
    }

    /** How long until the caller has heard everything the app queued so far. */
    public Duration agentSpeechRemaining() {
        synchronized (lock) {
            return Duration.ofNanos(playQueue.remainingNanos(System.nanoTime()));
        }
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
        CompletableFuture<Void> answered;
        synchronized (lock) {
            answered = new CompletableFuture<>();
            pongWaiters.add(answered);
        }
        Session s = session;
        if (s == null) {
            throw new SimulationException("not connected", null);
        }
        s.sendPing(ByteBuffer.wrap("sim".getBytes(StandardCharsets.US_ASCII)), Callback.NOOP);
        await(answered, "the pong");
    }

    /** Closes the socket from Twilio's side with this code, without a webhook. */
    public CompletableFuture<Close> closeWith(int code, String reason) {
        synchronized (lock) {
            if (close != null || closing || session == null) {
                return closed;
            }
        }
        enqueue(new Outgoing(null, null, code, reason, new CompletableFuture<>()));
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
        synchronized (lock) {
            return received.size();
        }
    }

    public List<Frame> received() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    public List<Sent> sent() {
        synchronized (lock) {
            return List.copyOf(sent);
        }
    }

    /** Frames that failed Twilio's validation, in order. */
    public List<Frame> invalidFrames() {
        synchronized (lock) {
            return received.stream().filter(f -> !f.valid()).toList();
        }
    }

    public boolean isOpen() {
        synchronized (lock) {
            return session != null && session.isOpen() && close == null;
        }
    }

    public Optional<Close> closeStatus() {
        synchronized (lock) {
            return Optional.ofNullable(close);
        }
    }

    /** The last {@code language} message's TTS language, or null. */
    public String ttsLanguage() {
        synchronized (lock) {
            return ttsLanguage;
        }
    }

    /** The {@code handoffData} of the {@code end} the app sent, or null. */
    public String handoffData() {
        synchronized (lock) {
            return handoffData;
        }
    }

    public CompletableFuture<Close> closed() {
        return closed;
    }

    /** The relay's answer to this session's {@code <Connect action>} webhook. */
    public CompletableFuture<Webhook.Result> actionResult() {
        return action;
    }

    /** Completes with the first frame at index {@code from} or later that matches. */
    public CompletableFuture<Frame> frameAfter(int from, Predicate<Frame> condition) {
        CompletableFuture<Frame> future = new CompletableFuture<>();
        synchronized (lock) {
            for (int i = from; i < received.size(); i++) {
                if (condition.test(received.get(i))) {
                    future.complete(received.get(i));
                    return future;
                }
            }
            if (close != null) {
                future.completeExceptionally(closedException());
                return future;
            }
            waiters.add(new Waiter(from, condition, future));
        }
        return future;
    }

    /** Completes with the app's next complete talk cycle starting at frame {@code from}. */
    public CompletableFuture<Turn> turnAfter(int from) {
        return frameAfter(from, Frame::endsTurn).thenApply(last -> {
            synchronized (lock) {
                List<Frame> frames = received.subList(from, last.index() + 1).stream()
                        .filter(Frame::isText).toList();
                String text = frames.stream().map(f -> f.text().token()).collect(Collectors.joining());
                return new Turn(text, frames);
            }
        });
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
        return await(action, "the action webhook's answer");
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
        synchronized (lock) {
            String last = received.stream().skip(Math.max(0, received.size() - 5)).map(Frame::raw)
                    .collect(Collectors.joining(" | "));
            return "call " + setup.callSid() + ": " + received.size() + " frames received (last: " + last
                    + "), " + sent.size() + " sent, close=" + close;
        }
    }

    // ---- the socket ----

    private CompletableFuture<Void> enqueue(Outgoing out) {
        synchronized (lock) {
            if (close != null || closing) {
                out.done().completeExceptionally(new IllegalStateException("socket closed: " + close));
                return out.done();
            }
            if (out.frame() == null) {
                closing = true;
                closeRequestedCode = out.closeCode();
            }
            outbox.add(out);
            if (writing || session == null) {
                return out.done();
            }
            writing = true;
        }
        writeNext();
        return out.done();
    }

    /** One writer at a time per socket: the next frame goes when the previous one is written. */
    private void writeNext() {
        Outgoing out;
        synchronized (lock) {
            out = outbox.poll();
            if (out == null) {
                writing = false;
                return;
            }
            if (out.message() != null) {
                long now = System.nanoTime();
                sent.add(new Sent(now, out.message(), out.frame()));
                if (out.message() instanceof InboundMessage.Setup) {
                    setupNanos = now;
                }
            }
        }
        Session s = session;
        if (out.frame() == null) {
            s.close(out.closeCode(), out.closeReason(), Callback.from(() -> out.done().complete(null), t -> {
                out.done().completeExceptionally(t);
            }));
            synchronized (lock) {
                writing = false;
                outbox.clear();
            }
            return;
        }
        s.sendText(out.frame(), Callback.from(() -> {
            out.done().complete(null);
            writeNext();
        }, failure -> {
            out.done().completeExceptionally(failure);
            writeNext();
        }));
    }

    private void onText(String raw) {
        long now = System.nanoTime();
        OutboundMessage message = null;
        String invalid = null;
        try {
            message = ProtocolCodec.decodeOutbound(raw);
        } catch (RuntimeException e) {
            invalid = e.getMessage();
        }
        List<Waiter> ready = new ArrayList<>();
        Frame frame;
        boolean tooMany = false;
        synchronized (lock) {
            frame = new Frame(received.size(), now, raw, message, invalid);
            received.add(frame);
            if (message == null) {
                consecutiveInvalid++;
                tooMany = consecutiveInvalid >= MALFORMED_LIMIT;
            } else {
                consecutiveInvalid = 0;
                play(message, now);
            }
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (frame.index() >= w.from() && w.condition().test(frame)) {
                    ready.add(w);
                    it.remove();
                }
            }
        }
        ready.forEach(w -> w.future().complete(frame));
        if (message == null) {
            LOG.debug("App frame rejected as Twilio would (64107): {} - {}", invalid, raw);
            send(new InboundMessage.TwilioError("Invalid message received, code: 64107, " + raw));
            if (tooMany) {
                closeAndReport(1007, TOO_MANY_MALFORMED, "failed", "in-progress", null);
            }
        } else if (message instanceof OutboundMessage.End end) {
            synchronized (lock) {
                endReceived = true;
                handoffData = end.handoffData();
            }
            closeAndReport(1000, CLOSING_REASON, "ended", "in-progress", end.handoffData());
        }
    }

    private void play(OutboundMessage message, long now) {
        if (message instanceof OutboundMessage.Text t) {
            playQueue.text(t.token(), t.last(), t.preemptible(), now);
        } else if (message instanceof OutboundMessage.Play p) {
            playQueue.play(p.loop(), p.preemptible(), now);
        } else if (message instanceof OutboundMessage.SendDigits d) {
            playQueue.digits(d.digits(), now);
        } else if (message instanceof OutboundMessage.Language l && l.ttsLanguage() != null) {
            ttsLanguage = l.ttsLanguage();
        }
    }

    /** Closes from Twilio's side, then posts the action webhook Twilio would post. */
    private void closeAndReport(int code, String reason, String sessionStatus, String callStatus, String handoff) {
        synchronized (lock) {
            if (close != null || closing) {
                return;
            }
        }
        CompletableFuture<Void> done = enqueue(new Outgoing(null, null, code, reason, new CompletableFuture<>()));
        done.whenComplete((ok, failure) -> {
            Map<String, String> form = actionForm(sessionStatus, callStatus);
            if (handoff != null) {
                form.put("HandoffData", handoff);
            }
            if ("failed".equals(sessionStatus)) {
                form.put("ErrorCode", "64105");
                form.put("ErrorMessage", "Websocket ended");
            }
            postAction(form);
        });
    }

    private void postAction(Map<String, String> form) {
        synchronized (lock) {
            if (actionPostUrl == null || actionPosted) {
                return;
            }
            actionPosted = true;
        }
        Webhook.post(client, actionPostUrl, actionSignedUrl, authToken, form).whenComplete((result, failure) -> {
            if (failure != null) {
                action.completeExceptionally(failure);
            } else {
                action.complete(result);
            }
        });
    }

    /** The parameters of Twilio's {@code <Connect action>} request (protocol.md §4). */
    Map<String, String> actionForm(String sessionStatus, String callStatus) {
        long seconds;
        synchronized (lock) {
            seconds = setupNanos == 0 ? 0 : (System.nanoTime() - setupNanos) / 1_000_000_000L;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", setup.accountSid());
        form.put("ApiVersion", "2010-04-01");
        form.put("CallSid", setup.callSid());
        form.put("CallStatus", callStatus);
        form.put("Called", setup.to());
        form.put("Caller", setup.from());
        form.put("Direction", setup.direction());
        form.put("From", setup.from());
        form.put("To", setup.to());
        form.put("SessionId", setup.sessionId());
        form.put("SessionDuration", Long.toString(seconds));
        form.put("SessionStatus", sessionStatus);
        return form;
    }

    private void onClosed(int code, String reason) {
        List<Waiter> pending;
        Close c;
        boolean unexpected;
        synchronized (lock) {
            if (close != null) {
                return;
            }
            boolean bySim = closing && closeRequestedCode != null;
            c = new Close(code, reason, bySim, System.nanoTime());
            close = c;
            unexpected = !bySim && !endReceived;
            pending = new ArrayList<>(waiters);
            waiters.clear();
            pongWaiters.forEach(f -> f.completeExceptionally(closedException()));
            pongWaiters.clear();
            outbox.clear();
        }
        pending.forEach(w -> w.future().completeExceptionally(closedException()));
        closed.complete(c);
        if (unexpected) {
            // The app closed or dropped the socket: Twilio reports a failed session (§3.6).
            Map<String, String> form = actionForm("failed", "in-progress");
            form.put("ErrorCode", "64105");
            form.put("ErrorMessage", "Websocket ended");
            postAction(form);
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("socket closed before it came: " + close);
    }

    /** Jetty's view of the socket; public because Jetty invokes it through method handles. */
    public final class Listener implements Session.Listener.AutoDemanding {
        private Listener() {
        }

        @Override
        public void onWebSocketOpen(Session s) {
            // setup goes first, before anything a script queued while the upgrade was in flight.
            Outgoing first = new Outgoing(ProtocolCodec.encodeInbound(setup), setup, 0, null, new CompletableFuture<>());
            boolean start;
            synchronized (lock) {
                session = s;
                outbox.addFirst(first);
                start = !writing;
                writing = true;
            }
            if (start) {
                writeNext();
            }
        }

        @Override
        public void onWebSocketText(String message) {
            onText(message);
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            List<CompletableFuture<Void>> answered;
            synchronized (lock) {
                answered = new ArrayList<>(pongWaiters);
                pongWaiters.clear();
            }
            answered.forEach(f -> f.complete(null));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            onClosed(statusCode, reason);
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            LOG.debug("Simulated call {} socket error", setup.callSid(), cause);
            onClosed(1006, String.valueOf(cause.getMessage()));
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
