package app.switchboard.call;

/**
 * What a call came to, folded from its events in order: whether it was handed to a person, whether
 * a supervisor stepped in, who closed it, and whether it failed. The floor's containment and
 * handoff figures and the post-call summary's disposition read the same facts from here.
 * Plain Java; one thread applies.
 */
public final class CallOutcome {

    /** The agent tool that hands the caller to a person (agent.AgentTools#TRANSFER_TO_HUMAN). */
    static final String TRANSFER_TOOL = "transfer_to_human";
    static final String END_TOOL = "end_call";

    private boolean handedToHuman;
    private boolean supervisorTookOver;
    private boolean supervisorEnded;
    private boolean agentEnded;
    private boolean lastAnswerFailed;
    private boolean sessionLost;
    private boolean ended;
    private String endReason;
    private int callerTurns;
    private int answers;
    private int faults;

    public void apply(EventPayload payload) {
        if (payload instanceof EventPayload.SupervisorTakeover) {
            supervisorTookOver = true;
        } else if (payload instanceof EventPayload.SupervisorEnd end) {
            supervisorEnded = true;
            handedToHuman |= end.handToHuman();
        } else if (payload instanceof EventPayload.ToolCall tool && "ending".equals(tool.outcome())) {
            if (TRANSFER_TOOL.equals(tool.name())) {
                handedToHuman = true;
            } else if (END_TOOL.equals(tool.name())) {
                agentEnded = true;
            }
        } else if (payload instanceof EventPayload.Prompt || payload instanceof EventPayload.Dtmf) {
            callerTurns++; // a key press is a turn too: the agent answers it
        } else if (payload instanceof EventPayload.TurnCompleted || payload instanceof EventPayload.TurnInterrupted) {
            answers++;
            lastAnswerFailed = false;
        } else if (payload instanceof EventPayload.Fault fault && !Boolean.TRUE.equals(fault.retry())) {
            faults++;
            lastAnswerFailed = true;
        } else if (payload instanceof EventPayload.FrameTooLarge) {
            sessionLost = true;
        } else if (payload instanceof EventPayload.SessionClosed closed) {
            // 1000 is a normal close (hang-up, or after our end); anything else lost the caller.
            sessionLost |= closed.code() != 1000 || closed.limit() != null;
        } else if (payload instanceof EventPayload.SessionStarted) {
            sessionLost = false;
        } else if (payload instanceof EventPayload.CallEnded callEnded) {
            ended = true;
            endReason = callEnded.reason();
        }
    }

    public Disposition disposition() {
        if (handedToHuman) {
            return Disposition.HANDED_TO_HUMAN;
        }
        if (sessionLost || lastAnswerFailed) {
            return Disposition.FAULT;
        }
        if (agentEnded || supervisorEnded) {
            return Disposition.RESOLVED;
        }
        return Disposition.CALLER_HUNG_UP;
    }

    /** The AI handled the call on its own: no handoff, no supervisor taking over or ending it. */
    public boolean contained() {
        return !handedToHuman && !supervisorTookOver && !supervisorEnded;
    }

    public boolean handedToHuman() {
        return handedToHuman;
    }

    public boolean supervisorTookOver() {
        return supervisorTookOver;
    }

    public boolean ended() {
        return ended;
    }

    public String endReason() {
        return endReason;
    }

    public int callerTurns() {
        return callerTurns;
    }

    public int answers() {
        return answers;
    }

    /** Model faults the caller noticed (retries that succeeded are not counted). */
    public int faults() {
        return faults;
    }
}
