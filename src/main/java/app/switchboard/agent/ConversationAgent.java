package app.switchboard.agent;

import app.switchboard.call.AgentPort;
import app.switchboard.call.CallAgent;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import java.util.List;

/**
 * The agent of one call: turns caller prompts into streamed answers, keeps the history the
 * model sees, and cuts that history to what the caller heard when an answer is interrupted.
 *
 * <p>This class is the {@link CallAgent} facade: it decides what each event of the call means
 * for the answer in progress. Its parts, one job each: {@link TurnLifecycle} (the answer:
 * model requests, streaming through the guard, faults, the end of a turn), {@link ConversationHistory}
 * (what the model sees, cut at what was heard), {@link DtmfCollector}, {@link ToolRunner},
 * {@link LatencyMarks}, and {@link AgentTimers}, owned by the factory.
 *
 * <p>Every method runs on the call's executor; stream callbacks and timers are handed back to
 * it, and a callback from a request that is no longer current is dropped, so nothing of a
 * cancelled answer ever reaches the wire.
 */
public final class ConversationAgent implements CallAgent {

    private final AgentPort port;
    private final java.util.function.Supplier<AgentSettings> settings;
    private final ConversationHistory history = new ConversationHistory();
    private final TurnLifecycle turns;
    private final DtmfCollector dtmf;

    /** An agent with timers of its own, whose thread ends when idle; {@link #factory} shares one among its agents. */
    public ConversationAgent(AgentPort port, LlmClient llm, AgentSettings settings) {
        this(port, llm, settings, new AgentTimers());
    }

    ConversationAgent(AgentPort port, LlmClient llm, AgentSettings settings, AgentTimers timers) {
        this(port, llm, () -> settings, timers);
    }

    ConversationAgent(AgentPort port, LlmClient llm, java.util.function.Supplier<AgentSettings> settings, AgentTimers timers) {
        this.port = port;
        this.settings = settings;
        this.turns = new TurnLifecycle(port, llm, settings, timers, history);
        this.dtmf = new DtmfCollector(port, timers, settings.get().dtmfIdle(), entry -> onCallerTurn(entry, null));
    }

    /**
     * The agents of one app. They share one timer thread; the factory owns it and is
     * {@link AutoCloseable}: closing it cancels every pending timer and stops the thread.
     */
    public static CallAgent.Factory factory(LlmClient llm, AgentSettings settings) {
        return factory(llm, () -> settings);
    }

    /**
     * As above, with settings read again for each answer: a prompt or fallback sentence saved in
     * the console reaches the next model request of every call, live or new.
     */
    public static CallAgent.Factory factory(LlmClient llm, java.util.function.Supplier<AgentSettings> settings) {
        return new Agents(llm, settings, new AgentTimers());
    }

    /** The factory {@link #factory} returns: the owner of its agents' timers. */
    static final class Agents implements CallAgent.Factory, AutoCloseable {
        private final LlmClient llm;
        private final java.util.function.Supplier<AgentSettings> settings;
        final AgentTimers timers;

        Agents(LlmClient llm, java.util.function.Supplier<AgentSettings> settings, AgentTimers timers) {
            this.llm = llm;
            this.settings = settings;
            this.timers = timers;
        }

        @Override
        public CallAgent create(AgentPort port) {
            return new ConversationAgent(port, llm, settings, timers);
        }

        @Override
        public void close() {
            timers.close();
        }
    }

    // ---- CallAgent ----

    @Override
    public void onCallerTurn(String text, String lang) {
        Turn current = turns.current();
        if (current != null) {
            // The caller spoke again before the answer finished; what was sent stays as sent.
            turns.finishInterrupted(current.sent.length(), "caller spoke again");
        }
        turns.forgetLastSpoken();
        history.add(ChatMessage.user(text));
        turns.start(port.supervisorHolds());
    }

    @Override
    public void onDtmf(String digit) {
        dtmf.press(digit);
    }

    @Override
    public void onCallerInterrupt(String heard, Long durationMs) {
        Turn current = turns.current();
        if (current != null && !current.draft) {
            Turn turn = current;
            turns.finishInterrupted(HeardText.heardPrefix(turn.sent.toString(), heard).length(), "caller barged in");
        } else if (current == null) {
            turns.trimLastSpoken(heard);
        }
    }

    @Override
    public void onSupervisorInterrupt() {
        Turn current = turns.current();
        if (current != null && !current.draft) {
            turns.finishInterrupted(current.sent.length(), "supervisor interrupted");
        }
    }

    @Override
    public void onSupervisorSaid(String text) {
        Turn current = turns.current();
        if (current != null) {
            if (current.draft) {
                turns.abandon(current);
            } else {
                turns.finishInterrupted(current.sent.length(), "supervisor spoke");
            }
        }
        turns.forgetLastSpoken();
        history.add(ChatMessage.assistant(text));
        if (!port.supervisorHolds()) {
            port.setState(CallState.LISTENING);
        }
    }

    @Override
    public void onWhisper(String text) {
        history.addGuidance(text);
    }

    @Override
    public void onTakeOver() {
        Turn current = turns.current();
        if (current != null && !current.draft) {
            turns.finishInterrupted(current.sent.length(), "supervisor took over");
        }
    }

    @Override
    public void onRelease() {
        Turn current = turns.current();
        if (current != null && current.draft) {
            turns.abandon(current);
        }
    }

    /**
     * The relay session ended (hang-up, {@code end}, or a dropped socket): cancel what is in
     * flight. Not final: after a reconnect on the same call the conversation goes on.
     */
    @Override
    public void close() {
        dtmf.clear();
        Turn current = turns.current();
        if (current != null) {
            turns.abandon(current);
        }
    }

    /** The relay restarted while this call lived: the history comes back from the call's record. */
    @Override
    public void restore(List<CallEvent> record) {
        StoredConversation stored = StoredConversation.rebuild(record);
        stored.guidance.forEach(history::addGuidance);
        stored.messages.forEach(history::add);
        turns.continueAfter(stored.lastTurn);
    }

    /** The messages the model sees for the next answer: system prompt, supervisor notes, history. */
    List<ChatMessage> requestMessages() {
        return history.requestMessages(settings.get().systemPrompt());
    }

    /** For tests: the history the next request will carry (without system messages). */
    List<ChatMessage> history() {
        return history.snapshot();
    }
}
