package app.switchboard.agent;

import app.switchboard.call.AgentPort;
import app.switchboard.call.CallAgent;
import app.switchboard.call.CallSession;
import app.switchboard.call.CallState;
import app.switchboard.call.EventKind;
import app.switchboard.protocol.OutboundMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent of one call: turns caller prompts into streamed answers, keeps the history the
 * model sees, and cuts that history to what the caller heard when an answer is interrupted.
 * Every method runs on the call's executor; stream callbacks are handed back to it, and a
 * callback from a turn that is no longer current is dropped, so nothing of a cancelled answer
 * ever reaches the wire.
 */
public final class ConversationAgent implements CallAgent {

    private final AgentPort port;
    private final LlmClient llm;
    private final AgentSettings settings;
    private final List<ChatMessage> history = new ArrayList<>();
    private final List<String> guidance = new ArrayList<>();

    private Turn current;
    private int turnCount;

    public ConversationAgent(AgentPort port, LlmClient llm, AgentSettings settings) {
        this.port = port;
        this.llm = llm;
        this.settings = settings;
    }

    public static CallAgent.Factory factory(LlmClient llm, AgentSettings settings) {
        return port -> new ConversationAgent(port, llm, settings);
    }

    /** One answer in progress. */
    private final class Turn {
        final int number = ++turnCount;
        final boolean draft;
        final long promptNanos = System.nanoTime();
        final StringBuilder sent = new StringBuilder();
        long requestNanos;
        long firstTokenNanos;
        long firstFrameNanos;
        LlmClient.Stream stream;

        Turn(boolean draft) {
            this.draft = draft;
        }
    }

    @Override
    public void onCallerTurn(String text, String lang) {
        if (current != null) {
            // The caller spoke again before the answer finished; what was sent stays as sent.
            finishInterrupted(current.sent.toString(), "caller spoke again");
        }
        history.add(ChatMessage.user(text));
        startTurn(port.supervisorHolds());
    }

    @Override
    public void onDtmf(String digit) {
        if (current == null) {
            onCallerTurn("(The caller pressed " + digit + " on the keypad.)", null);
        }
    }

    @Override
    public void onCallerInterrupt(String heard, Long durationMs) {
        if (current == null || current.draft) {
            return;
        }
        String sent = current.sent.toString();
        finishInterrupted(HeardText.heardPrefix(sent, heard), "caller barged in");
    }

    @Override
    public void onSupervisorInterrupt() {
        if (current != null && !current.draft) {
            finishInterrupted(current.sent.toString(), "supervisor interrupted");
        }
    }

    @Override
    public void onSupervisorSaid(String text) {
        if (current != null) {
            if (current.draft) {
                cancel(current);
                current = null;
            } else {
                finishInterrupted(current.sent.toString(), "supervisor spoke");
            }
        }
        history.add(ChatMessage.assistant(text));
        if (!port.supervisorHolds()) {
            port.setState(CallState.LISTENING);
        }
    }

    @Override
    public void onWhisper(String text) {
        guidance.add(text);
    }

    @Override
    public void onTakeOver() {
        if (current != null && !current.draft) {
            finishInterrupted(current.sent.toString(), "supervisor took over");
        }
    }

    @Override
    public void onRelease() {
        if (current != null && current.draft) {
            cancel(current);
            current = null;
        }
    }

    @Override
    public void close() {
        if (current != null) {
            cancel(current);
            current = null;
        }
    }

    /** The messages the model sees for the next answer. */
    List<ChatMessage> requestMessages() {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.system(settings.systemPrompt()));
        for (String note : guidance) {
            messages.add(ChatMessage.system("Guidance from your supervisor (never read it out): " + note));
        }
        messages.addAll(history);
        return messages;
    }

    private void startTurn(boolean draft) {
        Turn turn = new Turn(draft);
        current = turn;
        port.record(EventKind.TURN_STARTED, CallSession.fields("turn", turn.number, "draft", draft));
        turn.requestNanos = System.nanoTime();
        turn.stream = llm.stream(requestMessages(), new LlmClient.Listener() {
            @Override
            public void onToken(String token) {
                port.execute(() -> token(turn, token));
            }

            @Override
            public void onComplete() {
                port.execute(() -> complete(turn));
            }

            @Override
            public void onError(Throwable failure) {
                port.execute(() -> failed(turn, failure));
            }
        });
    }

    private void token(Turn turn, String token) {
        if (turn != current) {
            return;
        }
        if (turn.firstTokenNanos == 0) {
            turn.firstTokenNanos = System.nanoTime();
        }
        if (turn.sent.length() + token.length() > settings.maxAnswerChars()) {
            cancel(turn);
            complete(turn);
            return;
        }
        turn.sent.append(token);
        if (turn.draft) {
            port.record(EventKind.DRAFT_TOKEN, CallSession.fields("turn", turn.number, "token", token));
            return;
        }
        port.record(EventKind.AGENT_TOKEN, CallSession.fields("turn", turn.number, "token", token));
        // Preemptible, so a supervisor's words cut the agent's speech (protocol.md §3.1).
        if (port.send(new OutboundMessage.Text(token, false, null, null, true)) && turn.firstFrameNanos == 0) {
            turn.firstFrameNanos = System.nanoTime();
            port.setState(CallState.AI_SPEAKING);
        }
    }

    private void complete(Turn turn) {
        if (turn != current) {
            return;
        }
        current = null;
        String text = turn.sent.toString();
        if (turn.draft) {
            port.record(EventKind.DRAFT_READY, CallSession.fields("turn", turn.number, "text", text));
            return;
        }
        port.send(new OutboundMessage.Text("", true, null, null, true));
        history.add(ChatMessage.assistant(text));
        port.record(EventKind.TURN_COMPLETED, CallSession.fields("turn", turn.number, "text", text));
        recordLatency(turn);
        if (port.state() == CallState.AI_SPEAKING) {
            port.setState(CallState.LISTENING);
        }
    }

    private void failed(Turn turn, Throwable failure) {
        if (turn != current) {
            return;
        }
        current = null;
        port.record(EventKind.FAULT, CallSession.fields("turn", turn.number,
                "reason", String.valueOf(failure.getMessage()), "fallback", settings.fallbackSentence()));
        if (!turn.draft) {
            port.send(new OutboundMessage.Text(settings.fallbackSentence(), true, null, null, true));
            history.add(ChatMessage.assistant(turn.sent + settings.fallbackSentence()));
        }
    }

    private void finishInterrupted(String heard, String reason) {
        Turn turn = current;
        current = null;
        cancel(turn);
        if (turn.draft) {
            return;
        }
        String sent = turn.sent.toString();
        String unheard = sent.substring(Math.min(heard.length(), sent.length()));
        if (!heard.isBlank()) {
            history.add(ChatMessage.assistant(heard.strip()));
        }
        port.record(EventKind.TURN_INTERRUPTED, CallSession.fields(
                "turn", turn.number, "heard", heard, "unheard", unheard, "reason", reason));
        recordLatency(turn);
    }

    private void recordLatency(Turn turn) {
        long end = System.nanoTime();
        port.record(EventKind.LATENCY, CallSession.fields(
                "turn", turn.number,
                "requestMs", millis(turn.promptNanos, turn.requestNanos),
                "firstTokenMs", turn.firstTokenNanos == 0 ? null : millis(turn.promptNanos, turn.firstTokenNanos),
                "firstFrameMs", turn.firstFrameNanos == 0 ? null : millis(turn.promptNanos, turn.firstFrameNanos),
                "lastTokenMs", millis(turn.promptNanos, end)));
    }

    private static double millis(long from, long to) {
        return Math.round((to - from) / 10_000.0) / 100.0;
    }

    private static void cancel(Turn turn) {
        if (turn != null && turn.stream != null) {
            turn.stream.cancel();
        }
    }

    /** For tests: the history the next request will carry (without system messages). */
    List<ChatMessage> history() {
        return List.copyOf(history);
    }
}
