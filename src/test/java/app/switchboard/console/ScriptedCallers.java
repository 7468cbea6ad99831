package app.switchboard.console;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.RecordingConnection;
import app.switchboard.protocol.InboundMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link CallRegistry} with the offline responder, fed by scripted callers over
 * in-memory connections: the dev console and the frame benchmark run on it until the relay and
 * simulator are used instead.
 */
public final class ScriptedCallers implements AutoCloseable {

    public final CallRegistry registry;
    private final OfflineResponder responder;
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "scripted-callers");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, RecordingConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, CallSession> sessions = new ConcurrentHashMap<>();

    public ScriptedCallers(double tokensPerSecond) {
        responder = new OfflineResponder(tokensPerSecond);
        registry = new CallRegistry(ConversationAgent.factory(responder, AgentSettings.defaults()),
                List.of("en-US", "es-ES"), "en-US");
    }

    public RecordingConnection connection(String callSid) {
        return connections.get(callSid);
    }

    /** A caller connects: Twilio's setup frame on a new session. */
    public RecordingConnection connect(String callSid, String from) {
        RecordingConnection connection = new RecordingConnection();
        connections.put(callSid, connection);
        InboundMessage.Setup setup = new InboundMessage.Setup("VX" + callSid.substring(2), "AC0000000000000000000000000000test",
                callSid, "", from, "+15550100000", "", "", "inbound", "PSTN", "RINGING", Map.of());
        sessions.put(callSid, registry.attach(setup, connection));
        return connection;
    }

    public void send(String callSid, InboundMessage message) {
        registry.inbound(sessions.get(callSid), message);
    }

    /** Partial prompts word by word, then the final one, as Twilio sends them. */
    public void say(String callSid, String sentence, long partialGapMs, long startDelayMs) {
        String[] words = sentence.split(" ");
        StringBuilder so = new StringBuilder();
        long at = startDelayMs;
        for (String word : words) {
            so.append(so.length() == 0 ? "" : " ").append(word);
            String partial = so.toString();
            at += partialGapMs;
            clock.schedule(() -> send(callSid, new InboundMessage.Prompt(partial, "en-US", false)), at, TimeUnit.MILLISECONDS);
        }
        at += partialGapMs;
        clock.schedule(() -> send(callSid, new InboundMessage.Prompt(sentence, "en-US", true)), at, TimeUnit.MILLISECONDS);
    }

    public void later(long delayMs, Runnable step) {
        clock.schedule(step, delayMs, TimeUnit.MILLISECONDS);
    }

    /** The caller barges in after hearing roughly the first part of what was spoken since frame {@code from}. */
    public void bargeIn(String callSid, int fromFrame) {
        String spoken = connections.get(callSid).spokenSince(fromFrame);
        String heard = spoken.substring(0, Math.min(spoken.length(), Math.max(0, spoken.length() / 2)));
        int cut = heard.lastIndexOf(' ');
        heard = cut > 0 ? heard.substring(0, cut + 1) : heard;
        send(callSid, new InboundMessage.Interrupt(heard, 900L + heard.length() * 40L));
    }

    public void hangUp(String callSid) {
        RecordingConnection connection = connections.get(callSid);
        connection.close(1000, "caller hung up");
        registry.socketClosed(sessions.get(callSid), connection, 1000, "Closing websocket session");
        registry.actionCallback(callSid, Map.of("CallSid", callSid, "SessionStatus", "completed",
                "CallStatus", "completed"), "hangup");
    }

    public ScheduledExecutorService clock() {
        return clock;
    }

    @Override
    public void close() {
        clock.shutdownNow();
        registry.close();
        responder.close();
    }
}
