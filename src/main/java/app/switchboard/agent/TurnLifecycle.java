package app.switchboard.agent;

import app.switchboard.agent.Turn.Attempt;
import app.switchboard.call.AgentPort;
import app.switchboard.call.CallState;
import app.switchboard.call.EventPayload;
import app.switchboard.protocol.OutboundMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The turns of one call: starts an answer, streams the model's tokens through the output guard
 * to the wire, and ends the turn (completed, capped, guarded, fault, interrupted, or ended by a
 * tool), committing to the history what the caller heard and recording its latency.
 *
 * <p>Runs on the call's executor; stream callbacks and timers are handed back to it, and a
 * callback from a request that is no longer current is dropped, so nothing of a cancelled answer
 * ever reaches the wire. A turn may take several model requests: one retry when a request fails
 * before any token arrived, and one more request per round of tool calls.
 *
 * <p>About 400 lines on purpose: every way a turn ends is here, side by side, because each must
 * leave the history, the wire and the latency record consistent with the others.
 */
final class TurnLifecycle {

    private final AgentPort port;
    private final LlmClient llm;
    /** Where the settings come from: read again at each turn, so a saved change reaches the next answer. */
    private final java.util.function.Supplier<AgentSettings> currentSettings;
    /** This turn's settings: one answer is built with one prompt and one fallback, whatever is saved meanwhile. */
    private AgentSettings settings;
    private final AgentTimers timers;
    private final List<LlmClient.ToolSpec> tools;
    private final ConversationHistory history;
    private final ToolRunner toolRunner;

    private Turn current;
    /** The last answer that was sent in full; a late barge-in still trims it to what was heard. */
    private Turn lastSpoken;
    private int turnCount;

    TurnLifecycle(AgentPort port, LlmClient llm, java.util.function.Supplier<AgentSettings> settings, AgentTimers timers,
                  ConversationHistory history) {
        this.port = port;
        this.llm = llm;
        this.currentSettings = settings;
        this.settings = settings.get();
        this.timers = timers;
        this.tools = AgentTools.specs(port.languages());
        this.history = history;
        this.toolRunner = new ToolRunner(port, timers);
    }

    /** The answer in progress, or null. */
    Turn current() {
        return current;
    }

    /** The caller or the supervisor spoke since the last answer: a late barge-in no longer concerns it. */
    void forgetLastSpoken() {
        lastSpoken = null;
    }

    /** A barge-in after the last answer was sent in full: trims that answer in the history to what was heard. */
    void trimLastSpoken(String heard) {
        if (lastSpoken == null) {
            return;
        }
        // The model had finished but the voice was still speaking: trim what was never heard.
        Turn turn = lastSpoken;
        lastSpoken = null;
        String sent = turn.sent.toString();
        int heardLength = HeardText.heardPrefix(sent, heard).length();
        history.uncommit(turn);
        history.commit(turn, heardLength);
        port.record(new EventPayload.TurnInterrupted(turn.number, sent.substring(0, heardLength),
                sent.substring(heardLength), "caller barged in after the answer was sent", null));
    }

    /** Turn numbers go on after {@code lastTurn} (a call resumed from its record). */
    void continueAfter(long lastTurn) {
        turnCount = (int) Math.max(turnCount, lastTurn);
    }

    void start(boolean draft) {
        settings = currentSettings.get();
        Turn turn = new Turn(++turnCount, draft, new OutputGuard(settings.systemPrompt(),
                settings.protectedSecrets(), settings.guardQuoteWords(), 8));
        current = turn;
        port.record(new EventPayload.TurnStarted(turn.number, draft));
        request(turn);
    }

    private void request(Turn turn) {
        Attempt attempt = new Attempt();
        turn.attempt = attempt;
        turn.attempts++;
        List<ChatMessage> messages = history.requestMessages(settings.systemPrompt());
        messages.addAll(turn.transcript);
        long now = System.nanoTime();
        if (turn.marks.requestNanos == 0) {
            turn.marks.requestNanos = now;
        }
        if (!turn.retried || turn.roundDeadlineNanos == 0) {
            turn.roundDeadlineNanos = now + settings.firstTokenTimeout().toNanos();
        }
        attempt.firstTokenTimer = timers.schedule(() -> port.execute(() -> firstTokenOverdue(turn, attempt)),
                Math.max(0, turn.roundDeadlineNanos - now), TimeUnit.NANOSECONDS);
        attempt.stream = llm.stream(new LlmClient.Request(messages, turn.draft ? List.of() : tools),
                new LlmClient.Listener() {
                    @Override
                    public void onRequestSent() {
                        long now = System.nanoTime();
                        port.execute(() -> {
                            if (turn.marks.requestSentNanos == 0) {
                                turn.marks.requestSentNanos = now;
                            }
                        });
                    }

                    @Override
                    public void onToken(String token) {
                        long now = System.nanoTime();
                        port.execute(() -> token(turn, attempt, token, now));
                    }

                    @Override
                    public void onToolCallStarted(String id, String name) {
                        port.execute(() -> {
                            if (live(turn, attempt)) {
                                attempt.toolsStarted.add(name);
                            }
                        });
                    }

                    @Override
                    public void onToolCall(LlmClient.ToolCall call) {
                        port.execute(() -> {
                            if (live(turn, attempt)) {
                                attempt.toolCalls.add(call);
                            }
                        });
                    }

                    @Override
                    public void onComplete() {
                        port.execute(() -> complete(turn, attempt));
                    }

                    @Override
                    public void onError(Throwable failure) {
                        port.execute(() -> failed(turn, attempt, failure));
                    }
                });
    }

    private boolean live(Turn turn, Attempt attempt) {
        return turn == current && attempt == turn.attempt;
    }

    private void token(Turn turn, Attempt attempt, String token, long arrivedNanos) {
        if (!live(turn, attempt) || token.isEmpty()) {
            return;
        }
        attempt.tokens++;
        attempt.lastTokenNanos = arrivedNanos;
        if (attempt.tokens == 1) {
            // A stream that stops mid-answer must not leave the caller waiting for the HTTP read timeout.
            cancelTimer(attempt);
            long period = settings.firstTokenTimeout().toNanos();
            attempt.firstTokenTimer = timers.scheduleAtFixedRate(() -> port.execute(() -> stallCheck(turn, attempt)),
                    period, period, TimeUnit.NANOSECONDS);
        }
        if (turn.marks.firstTokenNanos == 0) {
            turn.marks.firstTokenNanos = arrivedNanos;
        }
        turn.marks.lastTokenNanos = arrivedNanos;
        if (turn.draft) {
            turn.sent.append(token);
            port.record(new EventPayload.DraftToken(turn.number, token));
            return;
        }
        OutputGuard.Verdict verdict = turn.guard.accept(token);
        if (verdict.tripped()) {
            guardTripped(turn, verdict.reason());
            return;
        }
        speak(turn, verdict.release());
    }

    /** Sends released text as preemptible frames, within the length cap. */
    private void speak(Turn turn, String text) {
        if (text.isEmpty() || turn != current) {
            return;
        }
        int room = settings.maxAnswerChars() - turn.sent.length();
        if (text.length() > room) {
            // Cut at a word boundary inside the cap, then end the turn: the caller hears a whole word.
            int cut = Math.max(0, room);
            while (cut > 0 && !Character.isWhitespace(text.charAt(cut))) {
                cut--;
            }
            sendToken(turn, text.substring(0, cut));
            turn.capped = true;
            cancel(turn);
            completeTurn(turn);
            return;
        }
        sendToken(turn, text);
    }

    private void sendToken(Turn turn, String text) {
        if (text.isEmpty()) {
            return;
        }
        turn.sent.append(text);
        if (port.sendAgentToken(turn.number, text) && turn.marks.firstFrameNanos == 0) {
            turn.marks.firstFrameNanos = System.nanoTime();
            port.setState(CallState.AI_SPEAKING);
        }
    }

    private void complete(Turn turn, Attempt attempt) {
        if (!live(turn, attempt)) {
            return;
        }
        cancelTimer(attempt);
        if (turn.draft) {
            current = null;
            port.record(new EventPayload.DraftReady(turn.number, turn.sent.toString()));
            return;
        }
        // The answer ended, so what the guard still holds never became a quote.
        speak(turn, turn.guard.flush());
        if (turn != current) {
            return; // the length cap ended it
        }
        if (!attempt.toolCalls.isEmpty()) {
            runTools(turn, attempt.toolCalls);
            return;
        }
        completeTurn(turn);
    }

    private void completeTurn(Turn turn) {
        current = null;
        String text = turn.sent.toString();
        port.send(new OutboundMessage.Text("", true, null, null, true));
        history.commit(turn, text.length());
        lastSpoken = turn;
        port.record(new EventPayload.TurnCompleted(turn.number, text, turn.capped ? Boolean.TRUE : null, null));
        recordLatency(turn, turn.capped ? "capped" : "completed");
        if (port.state() == CallState.AI_SPEAKING) {
            port.setState(CallState.LISTENING);
        }
    }

    private void failed(Turn turn, Attempt attempt, Throwable failure) {
        if (!live(turn, attempt)) {
            return;
        }
        cancelTimer(attempt);
        String reason = FaultReason.of(failure, settings.protectedSecrets());
        // A retry is safe only while nothing of this request reached the caller, and only once.
        boolean retryable = !(failure instanceof OpenAiChatClient.LlmException e) || e.retryable();
        if (retryable && attempt.tokens == 0 && !turn.retried && !turn.draft) {
            turn.retried = true;
            port.record(EventPayload.Fault.retrying(turn.number, reason));
            request(turn);
            return;
        }
        fallback(turn, reason);
    }

    private void firstTokenOverdue(Turn turn, Attempt attempt) {
        if (!live(turn, attempt) || attempt.tokens > 0) {
            return;
        }
        cancel(turn);
        fallback(turn, "no first token within " + settings.firstTokenTimeout().toMillis() + " ms");
    }

    private void stallCheck(Turn turn, Attempt attempt) {
        if (!live(turn, attempt)) {
            cancelTimer(attempt);
            return;
        }
        if (System.nanoTime() - attempt.lastTokenNanos >= settings.firstTokenTimeout().toNanos()) {
            cancel(turn);
            fallback(turn, "stream stalled: no token for " + settings.firstTokenTimeout().toMillis() + " ms");
        }
    }

    /** The caller is never left in silence: the fallback sentence closes the turn. */
    private void fallback(Turn turn, String reason) {
        cancel(turn);
        current = null;
        turn.guard.discard();
        port.record(new EventPayload.Fault(turn.number, reason, null, settings.fallbackSentence(), turn.retried,
                turn.sent.length() > 0));
        if (turn.draft) {
            return;
        }
        String sentence = (turn.sent.length() > 0 && !Character.isWhitespace(turn.sent.charAt(turn.sent.length() - 1))
                ? " " : "") + settings.fallbackSentence();
        if (port.send(new OutboundMessage.Text(sentence, true, null, null, true)) && turn.marks.firstFrameNanos == 0) {
            turn.marks.firstFrameNanos = System.nanoTime();
        }
        turn.sent.append(sentence);
        history.commit(turn, turn.sent.length());
        lastSpoken = turn;
        recordLatency(turn, "fault");
        if (port.state() == CallState.AI_SPEAKING) {
            port.setState(CallState.LISTENING);
        }
    }

    private void guardTripped(Turn turn, String reason) {
        cancel(turn);
        current = null;
        port.record(new EventPayload.GuardTripped(turn.number, reason, settings.refusalSentence()));
        String sentence = (turn.sent.length() > 0 ? " " : "") + settings.refusalSentence();
        if (port.send(new OutboundMessage.Text(sentence, true, null, null, true)) && turn.marks.firstFrameNanos == 0) {
            turn.marks.firstFrameNanos = System.nanoTime();
        }
        turn.sent.append(sentence);
        history.commit(turn, turn.sent.length());
        lastSpoken = turn;
        recordLatency(turn, "guarded");
        if (port.state() == CallState.AI_SPEAKING) {
            port.setState(CallState.LISTENING);
        }
    }

    /** Ends the turn at {@code heardLength} characters of what was sent; the rest was never heard. */
    void finishInterrupted(int heardLength, String reason) {
        Turn turn = current;
        current = null;
        cancel(turn);
        if (turn.draft) {
            return;
        }
        String held = turn.guard.discard();
        toolRunner.cancelAll(turn, reason);
        String sent = turn.sent.toString();
        history.commit(turn, heardLength);
        port.record(new EventPayload.TurnInterrupted(turn.number, sent.substring(0, heardLength),
                sent.substring(heardLength), reason, held.isEmpty() ? null : held));
        recordLatency(turn, "interrupted");
    }

    // ---- tools ----

    private void runTools(Turn turn, List<LlmClient.ToolCall> calls) {
        ToolRunner.Round round = toolRunner.run(turn, calls);
        if (round.ending() != null) {
            endCall(turn, round.ending());
            return;
        }
        turn.spans.add(new int[] {turn.roundStart, turn.sent.length()});
        turn.transcript.add(ChatMessage.assistant(turn.sent.substring(turn.roundStart), calls));
        turn.transcript.addAll(round.results());
        turn.roundStart = turn.sent.length();
        if (turn.rounds >= settings.maxToolRounds()) {
            completeTurn(turn);
            return;
        }
        turn.rounds++;
        turn.retried = false;
        request(turn);
    }

    private void endCall(Turn turn, LlmClient.ToolCall call) {
        String handoff = ToolRunner.handoff(call);
        // Close the talk cycle and keep the turn, then end; sendEnd closes this agent.
        current = null;
        port.send(new OutboundMessage.Text("", true, null, null, true));
        turn.spans.add(new int[] {turn.roundStart, turn.sent.length()});
        turn.transcript.add(ChatMessage.assistant(turn.sent.substring(turn.roundStart), List.of(call)));
        turn.roundStart = turn.sent.length();
        history.commit(turn, turn.sent.length());
        long waitMs = ToolRunner.goodbyeWaitMillis(turn);
        port.record(new EventPayload.ToolCall(turn.number, call.name(), call.argumentsJson(), "ending", null,
                handoff, waitMs));
        port.record(new EventPayload.TurnCompleted(turn.number, turn.sent.toString(), null, call.name()));
        recordLatency(turn, "ended");
        toolRunner.endAfter(handoff, waitMs);
    }

    // ---- helpers ----

    private void recordLatency(Turn turn, String outcome) {
        port.record(turn.marks.payload(turn.number, outcome, turn.attempts, turn.rounds));
    }

    void abandon(Turn turn) {
        cancel(turn);
        if (current == turn) {
            current = null;
        }
    }

    private static void cancel(Turn turn) {
        if (turn != null && turn.attempt != null) {
            cancelTimer(turn.attempt);
            if (turn.attempt.stream != null) {
                turn.attempt.stream.cancel();
            }
        }
    }

    private static void cancelTimer(Attempt attempt) {
        if (attempt.firstTokenTimer != null) {
            attempt.firstTokenTimer.cancel(false);
        }
    }
}
