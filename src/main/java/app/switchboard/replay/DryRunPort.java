package app.switchboard.replay;

import app.switchboard.call.AgentPort;
import app.switchboard.call.CallAgent;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.EventPayload;
import app.switchboard.call.SerialExecutor;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.protocol.ProtocolCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The agent's port for a replay: no socket, no call, no Twilio. Frames the agent would send
 * (tokens, digits, a language switch, the end) are recorded as events and never leave; so a
 * tool runs as a dry run whose outcome is recorded. Like a live call, every method runs on one
 * serial executor, so the agent's code path is the one it takes on a real call.
 */
final class DryRunPort implements AgentPort {

    private final String callId;
    private final SerialExecutor executor;
    private final List<String> languages;
    private final Clock clock = Clock.systemUTC();
    /** Guarded by itself; read by the replaying thread while the executor appends. */
    private final List<CallEvent> events = new ArrayList<>();
    private CallState state = CallState.LISTENING;
    private CallAgent agent;
    private boolean ended;
    private long lastFinishedTurn;

    DryRunPort(String callId, Executor pool, List<String> languages) {
        this.callId = callId;
        this.executor = new SerialExecutor(pool);
        this.languages = List.copyOf(languages);
    }

    void attach(CallAgent agent) {
        this.agent = agent;
    }

    @Override
    public String callId() {
        return callId;
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public boolean send(OutboundMessage message) {
        if (ended) {
            return false;
        }
        // Recorded as the call would record it, never written anywhere: a dry run.
        record(new EventPayload.FrameSent(message.type(), ProtocolCodec.encode(message)));
        return true;
    }

    @Override
    public CallEvent record(EventPayload payload) {
        synchronized (events) {
            CallEvent event = new CallEvent(callId, events.size() + 1, clock.instant(), payload);
            events.add(event);
            if (payload instanceof EventPayload.Latency l) {
                // Every way a turn ends records its latency last: the turn is over.
                lastFinishedTurn = Math.max(lastFinishedTurn, l.turn());
            }
            events.notifyAll();
            return event;
        }
    }

    @Override
    public boolean sendAgentToken(long turn, String token) {
        if (ended) {
            return false;
        }
        record(new EventPayload.AgentToken(turn, token));
        return true;
    }

    @Override
    public boolean sendEnd(String handoffData) {
        if (ended) {
            return false;
        }
        send(new OutboundMessage.End(handoffData));
        synchronized (events) {
            ended = true;
            events.notifyAll();
        }
        if (agent != null) {
            agent.close();
        }
        return true;
    }

    @Override
    public void setState(CallState newState) {
        state = newState;
    }

    @Override
    public CallState state() {
        return state;
    }

    @Override
    public boolean supervisorHolds() {
        return false;
    }

    @Override
    public InboundMessage.Setup setup() {
        return null;
    }

    @Override
    public List<String> languages() {
        return languages;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** Waits until an agent turn numbered above {@code afterTurn} has ended; false on timeout. */
    boolean awaitTurnAfter(long afterTurn, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (events) {
            while (lastFinishedTurn <= afterTurn) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(events, left);
            }
            return true;
        }
    }

    long lastFinishedTurn() {
        synchronized (events) {
            return lastFinishedTurn;
        }
    }

    /** True once the agent ended the call (end_call or transfer_to_human); the end is recorded, not sent. */
    boolean ended() {
        synchronized (events) {
            return ended || events.stream().anyMatch(e -> e.payload() instanceof EventPayload.ToolCall t
                    && "ending".equals(t.outcome()));
        }
    }

    List<CallEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }
}
