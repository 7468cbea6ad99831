package app.switchboard.call;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry with every command recorded under a named operator (the audit trail): what the
 * embedded console (the display name from the settings) and each supervisor API account use.
 * Take-over and release go through {@link CallHolds}, so a call has one holder.
 */
final class OperatorControl implements CallControl {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorControl.class);

    private final CallRegistry registry;
    private final CallHolds holds;
    private final String operator;

    OperatorControl(CallRegistry registry, CallHolds holds, String operator) {
        this.registry = registry;
        this.holds = holds;
        this.operator = operator;
    }

    @Override
    public List<CallSummary> calls() {
        return registry.calls();
    }

    @Override
    public List<CallEvent> events(String callId) {
        return registry.events(callId);
    }

    @Override
    public long firstSeqInWindow(String callId) {
        return registry.firstSeqInWindow(callId);
    }

    @Override
    public AutoCloseable subscribe(Consumer<CallEvent> listener) {
        return registry.subscribe(listener);
    }

    @Override
    public RelayStatus status() {
        return registry.status();
    }

    @Override
    public List<OutboundAttempt> outboundAttempts() {
        return registry.outboundAttempts();
    }

    @Override
    public AutoCloseable subscribeOutbound(Consumer<OutboundAttempt> listener) {
        return registry.subscribeOutbound(listener);
    }

    @Override
    public List<String> languages() {
        return registry.languages();
    }

    @Override
    public void say(String callId, String text) {
        with(callId, s -> s.commands().say(text, operator));
    }

    @Override
    public void interrupt(String callId) {
        with(callId, s -> s.commands().interrupt(operator));
    }

    @Override
    public void switchLanguage(String callId, String ttsLanguage, String transcriptionLanguage) {
        with(callId, s -> s.commands().switchLanguage(ttsLanguage, transcriptionLanguage, operator));
    }

    @Override
    public void setInterruptible(String callId, boolean interruptible) {
        with(callId, s -> s.commands().setInterruptible(interruptible, operator));
    }

    @Override
    public void end(String callId, String reason, boolean handToHuman) {
        with(callId, s -> s.commands().end(reason, handToHuman, operator));
    }

    @Override
    public void takeOver(String callId) {
        String holder = takeOverUnlessHeld(callId);
        if (holder != null) {
            LOG.info("Take-over of call {} by {} refused: held by {}", callId, operator, holder);
        }
    }

    @Override
    public void release(String callId) {
        String holder = releaseIfHolder(callId);
        if (holder != null) {
            LOG.info("Release of call {} by {} refused: held by {}", callId, operator, holder);
        }
    }

    @Override
    public String takeOverUnlessHeld(String callId) {
        return holds.claim(callId, operator);
    }

    @Override
    public String releaseIfHolder(String callId) {
        return holds.release(callId, operator, null);
    }

    @Override
    public void releaseAbandoned(String callId, String holder, String reason) {
        registry.releaseAbandoned(callId, holder, reason);
    }

    @Override
    public SupervisorPresence presence() {
        return registry.presence();
    }

    @Override
    public void supervisorsOnline(List<SupervisorPresence.Supervisor> supervisors) {
        registry.supervisorsOnline(supervisors);
    }

    @Override
    public AutoCloseable subscribePresence(Consumer<SupervisorPresence> listener) {
        return registry.subscribePresence(listener);
    }

    @Override
    public void whisper(String callId, String guidance) {
        with(callId, s -> s.commands().whisper(guidance, operator));
    }

    @Override
    public CallControl operatedBy(String other) {
        return registry.operatedBy(other);
    }

    @Override
    public boolean acknowledgeAlert(String callId, long alertSeq) {
        CallSession session = registry.find(callId);
        if (session == null) {
            LOG.info("Acknowledgement for unknown call {} ignored", callId);
            return false;
        }
        session.acknowledgeAlert(alertSeq, operator);
        return true;
    }

    @Override
    public boolean alertRules(List<AlertRule> rules) {
        return registry.alertRules(rules);
    }

    private void with(String callId, Consumer<CallSession> command) {
        CallSession session = registry.find(callId);
        if (session == null) {
            LOG.info("Command for unknown call {} ignored", callId);
            return;
        }
        command.accept(session);
    }
}
