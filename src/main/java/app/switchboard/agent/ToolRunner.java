package app.switchboard.agent;

import app.switchboard.call.AgentPort;
import app.switchboard.call.EventPayload;
import app.switchboard.protocol.InvalidMessageException;
import app.switchboard.protocol.OutboundMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Carries out the model's tool calls ({@link AgentTools}) through the protocol and records each
 * as {@code TOOL_CALL}: {@code send_digits} and {@code switch_language} at once, with the result
 * the model is told; {@code end_call} and {@code transfer_to_human} as the handoff and the
 * {@code end} after the goodbye was spoken. The turn itself (history, transcript, state) stays
 * with {@link ConversationAgent}. Touched only on the call's executor.
 */
final class ToolRunner {

    /** A text-to-speech voice's pace, about 150 words a minute. */
    static final double SPOKEN_CHARS_PER_SECOND = 15;
    static final Duration MAX_GOODBYE_WAIT = Duration.ofSeconds(8);

    /** What one round of tool calls gave: the tool messages for the model, and the first ending call, if any. */
    record Round(List<ChatMessage> results, LlmClient.ToolCall ending) {
    }

    private final AgentPort port;
    private final AgentTimers timers;

    ToolRunner(AgentPort port, AgentTimers timers) {
        this.port = port;
        this.timers = timers;
    }

    /** Runs every non-ending call of the round; an ending call is only picked out, for the turn to end with. */
    Round run(Turn turn, List<LlmClient.ToolCall> calls) {
        List<ChatMessage> results = new ArrayList<>();
        LlmClient.ToolCall ending = null;
        for (LlmClient.ToolCall call : calls) {
            if (AgentTools.END_CALL.equals(call.name()) || AgentTools.TRANSFER_TO_HUMAN.equals(call.name())) {
                if (ending == null) {
                    ending = call;
                }
                continue;
            }
            results.add(ChatMessage.tool(call.id(), runTool(turn, call)));
        }
        return new Round(results, ending);
    }

    /** Carries out one non-ending tool call; returns what the model is told. */
    private String runTool(Turn turn, LlmClient.ToolCall call) {
        String outcome;
        String detail;
        try {
            if (AgentTools.SEND_DIGITS.equals(call.name())) {
                String digits = AgentTools.argument(call, "digits");
                OutboundMessage.SendDigits message = new OutboundMessage.SendDigits(digits);
                outcome = port.send(message) ? "sent" : "failed";
                detail = outcome.equals("sent") ? "Sent the digits " + digits + "." : "The digits could not be sent.";
            } else if (AgentTools.SWITCH_LANGUAGE.equals(call.name())) {
                String code = AgentTools.argument(call, "code");
                if (code == null || !port.languages().contains(code)) {
                    outcome = "refused";
                    detail = "Refused: " + code + " is not configured. Available: " + String.join(", ", port.languages()) + ".";
                } else {
                    outcome = port.send(new OutboundMessage.Language(code, code)) ? "sent" : "failed";
                    detail = outcome.equals("sent") ? "Switched speech and transcription to " + code + "."
                            : "The language could not be switched.";
                }
            } else {
                outcome = "refused";
                detail = "Refused: there is no tool named " + call.name() + ".";
            }
        } catch (InvalidMessageException e) {
            outcome = "refused";
            detail = "Refused: " + e.getMessage();
        } catch (IOException e) {
            outcome = "refused";
            detail = "Refused: the arguments are not valid JSON.";
        }
        port.record(new EventPayload.ToolCall(turn.number, call.name(), call.argumentsJson(), outcome, detail));
        return detail;
    }

    /** Records the tool calls of the turn's cut stream as cancelled: none of them is ever carried out. */
    void cancelAll(Turn turn, String reason) {
        List<String> unfinished = new ArrayList<>(turn.attempt.toolsStarted);
        for (LlmClient.ToolCall call : turn.attempt.toolCalls) {
            unfinished.remove(call.name());
            port.record(new EventPayload.ToolCall(turn.number, call.name(), call.argumentsJson(), "cancelled", reason));
        }
        for (String name : unfinished) {
            port.record(new EventPayload.ToolCall(turn.number, name, null, "cancelled",
                    reason + " while the call was still streaming"));
        }
    }

    /** The {@code handoffData} JSON of an ending call ({@code end_call} or {@code transfer_to_human}). */
    static String handoff(LlmClient.ToolCall call) {
        boolean human = AgentTools.TRANSFER_TO_HUMAN.equals(call.name());
        String text;
        try {
            text = AgentTools.argument(call, human ? "summary" : "reason");
        } catch (IOException e) {
            text = null;
        }
        return human
                ? AgentTools.handoff("transfer to a human", true, text == null ? "" : text)
                : AgentTools.handoff(text == null || text.isBlank() ? "ended by the agent" : text, false, null);
    }

    /**
     * Twilio closes the session about 90 ms after {@code end} (protocol.md §3.5), which would cut
     * a goodbye still being spoken. Without speaker events the agent estimates how long the
     * answer takes to say, from its first frame, and waits that long (at most {@link #MAX_GOODBYE_WAIT}).
     */
    static long goodbyeWaitMillis(Turn turn) {
        if (turn.marks.firstFrameNanos == 0 || turn.sent.length() == 0) {
            return 0;
        }
        long speakingMs = (long) (turn.sent.length() * 1000 / SPOKEN_CHARS_PER_SECOND);
        long elapsedMs = (System.nanoTime() - turn.marks.firstFrameNanos) / 1_000_000;
        return Math.max(0, Math.min(speakingMs - elapsedMs, MAX_GOODBYE_WAIT.toMillis()));
    }

    /** Sends {@code end} with {@code handoff} now, or after {@code waitMs} for the goodbye to be heard. */
    void endAfter(String handoff, long waitMs) {
        if (waitMs == 0) {
            port.sendEnd(handoff);
        } else {
            timers.schedule(() -> port.execute(() -> port.sendEnd(handoff)), waitMs, TimeUnit.MILLISECONDS);
        }
    }
}
