package app.switchboard.call;

import app.switchboard.protocol.InvalidMessageException;
import app.switchboard.protocol.OutboundMessage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A supervisor's commands on one call, each recorded with its operator (the audit trail) before
 * the frames Twilio needs are sent and the agent is told, and the hold a take-over puts on the
 * call. Each command is handed to the call's executor (any thread may call); the hold is
 * confined to it.
 */
final class SupervisorCommands {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CallSession call;
    private final SerialExecutor executor;
    private boolean supervisorHolds;

    SupervisorCommands(CallSession call, SerialExecutor executor) {
        this.call = call;
        this.executor = executor;
    }

    /** A supervisor has taken the call over (executor). */
    boolean holds() {
        return supervisorHolds;
    }

    void say(String text, String operator) {
        executor.execute(() -> {
            if (!call.live() || text == null || text.isBlank()) {
                return;
            }
            call.record(new EventPayload.SupervisorSay(text, operator));
            // A new text frame cuts the agent's preemptible speech (protocol.md §3.1).
            call.send(new OutboundMessage.Text(text, true, null, null, false));
            call.agent().onSupervisorSaid(text);
        });
    }

    void interrupt(String operator) {
        executor.execute(() -> {
            if (!call.live()) {
                return;
            }
            call.record(new EventPayload.SupervisorInterrupt(operator));
            call.agent().onSupervisorInterrupt();
            // There is no outbound interrupt; an empty final token cuts preemptible speech.
            call.send(new OutboundMessage.Text("", true, null, null, false));
            if (call.state() == CallState.AI_SPEAKING) {
                call.setState(CallState.LISTENING);
            }
        });
    }

    void takeOver(String operator) {
        executor.execute(() -> {
            if (!call.live() || supervisorHolds) {
                return;
            }
            supervisorHolds = true;
            call.record(new EventPayload.SupervisorTakeover(operator));
            call.agent().onTakeOver();
            call.setState(CallState.SUPERVISOR);
        });
    }

    /**
     * A supervisor held the call where it was (another cluster node), executor: the hold goes on
     * here before any frame of the new socket reaches the agent, and the record says so.
     */
    void applyCarriedHold(String operator) {
        if (supervisorHolds) {
            return;
        }
        supervisorHolds = true;
        call.record(new EventPayload.SupervisorTakeover(operator));
        call.agent().onTakeOver();
    }

    /** {@code reason}: why the hold ends without its holder's click (recorded for the transcript), or null. */
    void release(String operator, String reason) {
        executor.execute(() -> {
            if (!supervisorHolds) {
                return;
            }
            supervisorHolds = false;
            call.record(new EventPayload.SupervisorRelease(operator, reason));
            call.setState(call.live() ? CallState.LISTENING : CallState.ENDED);
            call.agent().onRelease();
        });
    }

    void whisper(String guidance, String operator) {
        executor.execute(() -> {
            if (call.ended() || guidance == null || guidance.isBlank()) {
                return;
            }
            call.record(new EventPayload.SupervisorWhisper(guidance, operator));
            call.agent().onWhisper(guidance);
        });
    }

    void switchLanguage(String ttsLanguage, String transcriptionLanguage, String operator) {
        executor.execute(() -> {
            if (!call.live()) {
                return;
            }
            OutboundMessage.Language message;
            try {
                message = new OutboundMessage.Language(ttsLanguage, transcriptionLanguage);
            } catch (InvalidMessageException e) {
                call.record(new EventPayload.SendFailed("language", e.getMessage()));
                return;
            }
            call.record(new EventPayload.SupervisorLanguage(message.ttsLanguage(), message.transcriptionLanguage(), operator));
            if (call.send(message) && message.ttsLanguage() != null) {
                call.language(message.ttsLanguage());
            }
        });
    }

    void setInterruptible(boolean interruptible, String operator) {
        executor.execute(() -> {
            if (!call.live()) {
                return;
            }
            call.interruptible(interruptible);
            call.record(new EventPayload.SupervisorInterruptible(interruptible, operator));
        });
    }

    void end(String reason, boolean handToHuman, String operator) {
        executor.execute(() -> {
            if (!call.live()) {
                return;
            }
            ObjectNode handoff = JSON.createObjectNode();
            handoff.put("reason", reason == null || reason.isBlank() ? "ended by supervisor" : reason);
            handoff.put("handToHuman", handToHuman);
            handoff.put("by", "supervisor");
            call.record(new EventPayload.SupervisorEnd(handoff.get("reason").asText(), handToHuman, operator));
            call.sendEnd(handoff.toString());
        });
    }
}
