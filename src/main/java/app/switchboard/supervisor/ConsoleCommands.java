package app.switchboard.supervisor;

import app.switchboard.call.CallControl;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.supervisor.SupervisorMessage.Command;
import app.switchboard.supervisor.SupervisorMessage.Reply;

/**
 * What one console's commands do: each is checked against the call as it stands when it
 * arrives, then handed to the call through {@code CallControl.operatedBy(account)}, and answered
 * with a {@link Reply}. Runs on the connection's Jetty thread; never waits on a call.
 */
final class ConsoleCommands {

    private final SupervisorHub hub;
    private final String account;
    private final CallControl control;

    ConsoleCommands(SupervisorHub hub, String account, CallControl control) {
        this.hub = hub;
        this.account = account;
        this.control = control;
    }

    /** Checks the command against the call's state now, then hands it to the call. */
    Reply execute(Command command) {
        String id = command.commandId();
        CallSummary call = hub.summaries().stream().filter(s -> s.callId().equals(command.callId()))
                .findFirst().orElse(null);
        if (call == null) {
            return Reply.refused(id, "unknown call " + command.callId());
        }
        if (call.endedAt() != null) {
            return Reply.refused(id, "the call has ended");
        }
        // Checked against the state now; the call may still change before the command runs, and
        // then the command does nothing (its SUPERVISOR_* event is what shows it took effect).
        boolean noSession = call.state() == CallState.ENDED;
        if (noSession && !(command instanceof SupervisorMessage.Release || command instanceof SupervisorMessage.Whisper
                || command instanceof SupervisorMessage.AcknowledgeAlert)) {
            return Reply.refused(id, "the call has no live relay session");
        }
        String holder = call.heldBy();
        if (command instanceof SupervisorMessage.RequestHold) {
            return requestHold(id, call);
        }
        // A take-over is not refused on the call's state: right after a release the call is still
        // in SUPERVISOR for a moment (its executor hands it back) while nobody holds it, and the
        // supervisor who asked for it must get it. The holds decide, atomically.
        if (command instanceof SupervisorMessage.Release && holder == null && call.state() != CallState.SUPERVISOR
                && !noSession) {
            return Reply.refused(id, "the call is not held by a supervisor");
        }
        String cid = command.callId();
        if (command instanceof SupervisorMessage.Say s) {
            if (blank(s.text())) {
                return Reply.refused(id, "text is required");
            }
            control.say(cid, s.text());
        } else if (command instanceof SupervisorMessage.SendDraft d) {
            if (blank(d.text())) {
                return Reply.refused(id, "text is required");
            }
            control.say(cid, d.text());
        } else if (command instanceof SupervisorMessage.Whisper w) {
            if (blank(w.text())) {
                return Reply.refused(id, "text is required");
            }
            control.whisper(cid, w.text());
        } else if (command instanceof SupervisorMessage.AcknowledgeAlert a) {
            if (a.alertSeq() <= 0) {
                return Reply.refused(id, "alertSeq is required");
            }
            control.acknowledgeAlert(cid, a.alertSeq());
        } else if (command instanceof SupervisorMessage.Interrupt) {
            control.interrupt(cid);
        } else if (command instanceof SupervisorMessage.TakeOver) {
            if (account.equals(holder)) {
                return Reply.refused(id, "the call is already held by you");
            }
            // The registry decides atomically: of two supervisors taking over at once, one wins.
            String other = control.takeOverUnlessHeld(cid);
            if (other != null) {
                return Reply.refused(id, "held by " + other);
            }
        } else if (command instanceof SupervisorMessage.Release) {
            String other = control.releaseIfHolder(cid);
            if (other != null) {
                return Reply.refused(id, "held by " + other);
            }
        } else if (command instanceof SupervisorMessage.Language l) {
            if (blank(l.ttsLanguage()) && blank(l.transcriptionLanguage())) {
                return Reply.refused(id, "ttsLanguage or transcriptionLanguage is required");
            }
            for (String lang : new String[] {l.ttsLanguage(), l.transcriptionLanguage()}) {
                if (!blank(lang) && !control.languages().contains(lang)) {
                    return Reply.refused(id, "language not offered: " + lang);
                }
            }
            control.switchLanguage(cid, l.ttsLanguage(), l.transcriptionLanguage());
        } else if (command instanceof SupervisorMessage.Interruptible i) {
            control.setInterruptible(cid, i.interruptible());
        } else if (command instanceof SupervisorMessage.End e) {
            control.end(cid, e.reason(), e.handToHuman());
        }
        return Reply.accepted(id);
    }

    private Reply requestHold(String id, CallSummary call) {
        String holder = call.heldBy();
        if (holder == null) {
            return Reply.refused(id, "the call is not held: take it over");
        }
        if (holder.equals(account)) {
            return Reply.refused(id, "the call is already held by you");
        }
        if (!hub.askHolder(new SupervisorMessage.HoldRequested(call.callId(), account, holder))) {
            return Reply.refused(id, "held by " + holder + ", who has no console connected to ask");
        }
        return Reply.accepted(id);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
