package app.switchboard.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One answer in progress, and the state its parts share: what was sent, the tool rounds' transcript,
 * the current model request. Touched only on the call's executor.
 */
final class Turn {

    /** One model request of a turn; callbacks of an attempt that is no longer the turn's are stale. */
    static final class Attempt {
        final List<LlmClient.ToolCall> toolCalls = new ArrayList<>();
        /** Names of tool calls that began streaming, for the record when the stream is cut. */
        final List<String> toolsStarted = new ArrayList<>();
        LlmClient.Stream stream;
        /** Before the first token: the first-token deadline; after it: the stall check. */
        ScheduledFuture<?> firstTokenTimer;
        int tokens;
        long lastTokenNanos;
    }

    final int number;
    final boolean draft;
    final OutputGuard guard;
    /** Everything sent on the wire for this turn (or drafted), in order. */
    final StringBuilder sent = new StringBuilder();
    /** Assistant and tool messages of earlier tool rounds, for the follow-up requests. */
    final List<ChatMessage> transcript = new ArrayList<>();
    /** For each assistant message in {@link #transcript}: its text's span in {@link #sent}. */
    final List<int[]> spans = new ArrayList<>();
    int roundStart;
    int rounds = 1;
    int attempts;
    boolean retried;
    boolean capped;
    int historyStart = -1;
    Attempt attempt;
    /** The first-token deadline of the current round; a retry shares it, so silence stays bounded. */
    long roundDeadlineNanos;
    final LatencyMarks marks = new LatencyMarks();

    Turn(int number, boolean draft, OutputGuard guard) {
        this.number = number;
        this.draft = draft;
        this.guard = guard;
    }
}
