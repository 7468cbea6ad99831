package app.switchboard.sim;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Replays a recorded real call ({@code fixtures/conversationrelay/*.jsonl}, see the README
 * there) against a relay: every frame Twilio sent ({@code dir:"in"}) in recorded order, one
 * socket per recorded relay session, closed the way Twilio closed it; and the recorded
 * {@code /voice} and {@code /action} webhooks, re-signed for the relay's public URLs.
 * Status callbacks are skipped (Switchboard does not serve them).
 *
 * <p>Recorded pacing can be kept, scaled, or dropped ({@code speed} 0: as fast as the relay
 * reads). The app's answers differ from the recording app's, so what is replayed is Twilio's
 * side only; whatever the relay answers is read strictly by the {@link SimulatedCall}.
 *
 * <p>Some operator-leg recordings hold a summary instead of raw frames
 * ({@code "event":{"kind":"speech"|"speaking"|"setup"|"played"}}): those become the frames they
 * summarise ({@code prompt}, {@code info clientSpeaking/agentSpeaking}, {@code setup} with the
 * missing fields filled in). {@code played} is skipped: it gives only a character count, not
 * the {@code tokensPlayed} text.
 */
public final class FixtureReplay {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded call: what Twilio did, in order. */
    public record Fixture(String name, List<Step> steps) {
        public long sessionCount() {
            return steps.stream().filter(s -> s instanceof Frame f && f.message() instanceof InboundMessage.Setup).count();
        }

        public List<Frame> frames() {
            return steps.stream().filter(Frame.class::isInstance).map(Frame.class::cast).toList();
        }
    }

    /** Something Twilio did at {@code ms} (since the recorder started). */
    public sealed interface Step {
        long ms();
    }

    /** A frame Twilio sent on relay session {@code session}; {@code raw} is the recorded JSON. */
    public record Frame(long ms, int session, InboundMessage message, String raw) implements Step {
    }

    /** Twilio closed (or saw closed) the socket of {@code session}. */
    public record SocketClose(long ms, int session, int code, String reason) implements Step {
    }

    /** A webhook Twilio called: {@code /voice} (the relay's {@code /twiml}) or {@code /action}. */
    public record WebhookCall(long ms, String path, Map<String, String> form) implements Step {
    }

    /** Where the relay listens and what Twilio signs. */
    public record Target(URI connectUrl, String signedRelayUrl, URI twimlPostUrl, String twimlSignedUrl,
                         URI actionPostUrl, String actionSignedUrl, String authToken) {
    }

    /** How one recorded relay session went against the relay. */
    public record SessionResult(int session, SimulatedCall call, boolean openUntilFixtureEnd,
                                SimulatedCall.Close close) {
    }

    public record Result(Fixture fixture, List<SessionResult> sessions, List<Webhook.Result> webhooks) {
    }

    private FixtureReplay() {
    }

    /** {@code <shared>/fixtures/conversationrelay}: system property {@code shared.dir}, else {@code ../shared}. */
    public static Path fixturesDir() {
        String shared = System.getProperty("shared.dir");
        Path base = shared != null && !shared.isBlank() ? Path.of(shared) : Path.of("..", "shared");
        // The team's reference copy beside the checkout when there is one; else the copy the
        // repository carries (same files, unchanged), so a clone anywhere runs the fixture tests.
        Path reference = base.resolve("fixtures").resolve("conversationrelay");
        return Files.isDirectory(reference) ? reference : Path.of("src", "test", "fixtures", "conversationrelay");
    }

    /** Every recording, including the operator legs, sorted by path. */
    public static List<Path> allFixtures() {
        Path dir = fixturesDir();
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list fixtures in " + dir.toAbsolutePath(), e);
        }
    }

    public static Fixture load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + file, e);
        }
        String name = fixturesDir().relativize(file).toString().replace(".jsonl", "");
        if (!file.startsWith(fixturesDir())) {
            name = file.getFileName().toString().replace(".jsonl", "");
        }
        List<Step> steps = new ArrayList<>();
        int lineNo = 0;
        int currentSession = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": not JSON: " + e.getMessage(), e);
            }
            long ms = entry.path("ms").asLong();
            String dir = entry.path("dir").asText();
            if ("in".equals(dir)) {
                Frame frame = entry.has("frame") ? recordedFrame(entry, ms)
                        : summarisedFrame(entry.path("event"), ms, currentSession);
                if (frame == null) {
                    continue;
                }
                if (frame.message() instanceof InboundMessage.Setup) {
                    currentSession = frame.session() > currentSession ? frame.session() : currentSession + 1;
                    frame = new Frame(frame.ms(), currentSession, frame.message(), frame.raw());
                } else if (frame.session() == 0) {
                    frame = new Frame(frame.ms(), Math.max(1, currentSession), frame.message(), frame.raw());
                }
                steps.add(frame);
            } else if ("ws".equals(dir) && "close".equals(entry.path("event").asText())) {
                int session = entry.path("session").asInt(Math.max(1, currentSession));
                steps.add(new SocketClose(ms, session, entry.path("code").asInt(1000), entry.path("reason").asText("")));
            } else if ("http".equals(dir) && entry.has("form")) {
                String path = entry.path("path").asText();
                if ("/voice".equals(path) || "/action".equals(path)) {
                    Map<String, String> form = new LinkedHashMap<>();
                    entry.get("form").properties().forEach(f -> form.put(f.getKey(), f.getValue().asText()));
                    steps.add(new WebhookCall(ms, path, form));
                }
            }
        }
        return new Fixture(name, List.copyOf(steps));
    }

    private static Frame recordedFrame(JsonNode entry, long ms) {
        String raw = entry.get("frame").toString();
        return new Frame(ms, entry.path("session").asInt(0), ProtocolCodec.decodeInbound(raw), raw);
    }

    /** The operator-leg summary format, turned back into the frame it stands for. */
    private static Frame summarisedFrame(JsonNode event, long ms, int session) {
        String kind = event.path("kind").asText();
        InboundMessage message;
        switch (kind) {
            case "setup" -> {
                String direction = event.path("direction").asText("inbound");
                message = new InboundMessage.Setup(
                        String.format("VX%032d", session + 1), "AC" + "0".repeat(32),
                        event.path("callSid").asText(), "", "+15550100001", "+15550100002", "", "",
                        direction, "PSTN", direction.startsWith("outbound") ? "IN_PROGRESS" : "RINGING", Map.of());
            }
            case "speaking" -> message = new InboundMessage.Info(
                    "caller".equals(event.path("who").asText()) ? "clientSpeaking" : "agentSpeaking",
                    event.path("on").asBoolean() ? "on" : "off");
            case "speech" -> message = new InboundMessage.Prompt(
                    event.path("text").asText(), "en", event.path("final").asBoolean(true));
            case "dtmf" -> message = new InboundMessage.Dtmf(event.path("digit").asText());
            default -> {
                return null;
            }
        }
        return new Frame(ms, 0, message, ProtocolCodec.encodeInbound(message));
    }

    /**
     * Replays {@code fixture} against the relay at {@code target}. {@code speed} scales the
     * recorded pacing (2 = twice as fast); 0 sends everything as fast as the relay takes it.
     * Each session's socket is checked to be open, after a ping round trip, at the point the
     * recording closed it; then it is closed with the recorded code.
     */
    public static Result replay(SimClient client, Target target, Fixture fixture, double speed, Duration timeout) {
        return replay(client, target, fixture, speed, timeout, false);
    }

    /**
     * As above; with {@code freshCallSids} every recorded {@code CallSid} is replaced, consistently
     * in frames and webhooks, by a new one, so replays of recordings that share stand-in ids
     * (they all do) are separate calls to the relay.
     */
    public static Result replay(SimClient client, Target target, Fixture fixture, double speed, Duration timeout,
                                boolean freshCallSids) {
        Map<String, String> sids = new LinkedHashMap<>();
        java.util.function.UnaryOperator<String> sid = recorded -> !freshCallSids || recorded == null || recorded.isEmpty()
                ? recorded : sids.computeIfAbsent(recorded, r -> SimulatedCall.newSid("CA"));
        List<SessionResult> sessions = new ArrayList<>();
        List<Webhook.Result> webhooks = new ArrayList<>();
        SimulatedCall call = null;
        int callSession = 0;
        long previousMs = -1;
        for (Step step : fixture.steps()) {
            pace(previousMs, step.ms(), speed);
            previousMs = step.ms();
            if (step instanceof Frame frame) {
                if (frame.message() instanceof InboundMessage.Setup recorded) {
                    InboundMessage.Setup setup = new InboundMessage.Setup(recorded.sessionId(), recorded.accountSid(),
                            sid.apply(recorded.callSid()), sid.apply(recorded.parentCallSid()), recorded.from(),
                            recorded.to(), recorded.forwardedFrom(), recorded.callerName(), recorded.direction(),
                            recorded.callType(), recorded.callStatus(), recorded.customParameters());
                    if (call != null) {
                        sessions.add(finish(call, callSession, 1000, SimulatedCall.CLOSING_REASON));
                    }
                    call = SimulatedCall.builder(client, target.connectUrl())
                            .signedUrl(target.signedRelayUrl())
                            .authToken(target.authToken())
                            .voiceWebhook(target.twimlPostUrl(), target.twimlSignedUrl())
                            .timeout(timeout)
                            .setup(setup)
                            .build()
                            .open();
                    callSession = frame.session();
                } else if (call != null && call.isOpen()) {
                    call.send(frame.message());
                }
            } else if (step instanceof SocketClose close && call != null && close.session() == callSession) {
                sessions.add(finish(call, callSession, close.code(), close.reason()));
                call = null;
            } else if (step instanceof WebhookCall hook) {
                Map<String, String> form = new LinkedHashMap<>(hook.form());
                form.computeIfPresent("CallSid", (k, v) -> sid.apply(v));
                form.computeIfPresent("ParentCallSid", (k, v) -> sid.apply(v));
                webhooks.add(postRecorded(client, target, new WebhookCall(hook.ms(), hook.path(), form), timeout));
            }
        }
        if (call != null) {
            sessions.add(finish(call, callSession, 1000, SimulatedCall.CLOSING_REASON));
        }
        return new Result(fixture, sessions, webhooks);
    }

    private static SessionResult finish(SimulatedCall call, int session, int code, String reason) {
        boolean open = call.isOpen();
        if (open) {
            call.roundTrip();
            open = call.isOpen();
        }
        if (open) {
            // 1005/1006 are never sent on the wire: the recording saw the app drop the socket.
            call.closeWith(code == 1005 || code == 1006 ? 1000 : code, code == 1006 ? SimulatedCall.CLOSING_REASON : reason);
        }
        SimulatedCall.Close close = call.awaitClosed();
        return new SessionResult(session, call, open, close);
    }

    private static Webhook.Result postRecorded(SimClient client, Target target, WebhookCall hook, Duration timeout) {
        boolean voice = "/voice".equals(hook.path());
        URI postTo = voice ? target.twimlPostUrl() : target.actionPostUrl();
        String signed = voice ? target.twimlSignedUrl() : target.actionSignedUrl();
        try {
            return Webhook.post(client, postTo, signed, target.authToken(), hook.form())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("webhook " + hook.path() + " to " + postTo + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void pace(long previousMs, long ms, double speed) {
        if (speed <= 0 || previousMs < 0 || ms <= previousMs) {
            return;
        }
        long wait = (long) ((ms - previousMs) / speed);
        try {
            // Pacing is the point here (a recorded call's rhythm), not synchronisation.
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
    }
}
