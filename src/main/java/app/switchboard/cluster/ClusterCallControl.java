package app.switchboard.cluster;

import app.switchboard.call.AlertRule;
import app.switchboard.call.CallControl;
import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSummary;
import app.switchboard.call.ClusterStatus;
import app.switchboard.call.OutboundAttempt;
import app.switchboard.call.RelayStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a console attached to one node sees of the cluster: this node's calls from its registry,
 * every other node's calls from Redis, and commands that reach the node owning the call. A
 * take-over holds the call's lease in Redis, so a second supervisor on any node is refused.
 *
 * <p>The {@link CallControl} commands return at once (as in process); a refused one is logged,
 * and {@link #send} gives the outcome to callers that want it.
 */
public final class ClusterCallControl implements CallControl {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCallControl.class);

    private final ClusterNode node;
    private final CallRegistry local;
    private final String operator;

    ClusterCallControl(ClusterNode node, CallRegistry local, String operator) {
        this.node = node;
        this.local = local;
        this.operator = operator;
    }

    /** Runs {@code command} on the call wherever it is; completes with the owner's answer or the refusal. */
    public CompletableFuture<CommandOutcome> send(String callId, ClusterCommand command) {
        if (command instanceof ClusterCommand.TakeOver) {
            return node.commands().takeOver(callId, operator);
        }
        if (command instanceof ClusterCommand.Release) {
            return node.commands().release(callId, operator);
        }
        return node.commands().dispatch(callId, command, operator);
    }

    private void fire(String callId, ClusterCommand command) {
        send(callId, command).thenAccept(outcome -> {
            if (!outcome.accepted()) {
                LOG.warn("{} on call {} refused: {}", command.getClass().getSimpleName(), callId, outcome.detail());
            }
        });
    }

    @Override
    public List<CallSummary> calls() {
        List<CallSummary> all = new ArrayList<>(local.calls());
        all.addAll(node.view().summaries());
        all.sort(Comparator.comparing(CallSummary::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
        return all;
    }

    @Override
    public List<CallEvent> events(String callId) {
        if (node.isLocal(callId)) {
            return local.events(callId);
        }
        return node.events(callId);
    }

    @Override
    public long firstSeqInWindow(String callId) {
        if (node.isLocal(callId)) {
            return local.firstSeqInWindow(callId);
        }
        List<CallEvent> events = events(callId);
        return events.isEmpty() ? 0 : events.get(0).seq();
    }

    @Override
    public AutoCloseable subscribe(Consumer<CallEvent> listener) {
        AutoCloseable mine = local.subscribe(listener);
        AutoCloseable theirs = node.view().subscribe(listener);
        return () -> {
            mine.close();
            theirs.close();
        };
    }

    @Override
    public RelayStatus status() {
        return local.status();
    }

    @Override
    public ClusterStatus clusterStatus() {
        return node.status();
    }

    @Override
    public List<OutboundAttempt> outboundAttempts() {
        return local.outboundAttempts();
    }

    @Override
    public AutoCloseable subscribeOutbound(Consumer<OutboundAttempt> listener) {
        return local.subscribeOutbound(listener);
    }

    @Override
    public List<String> languages() {
        return local.languages();
    }

    @Override
    public void say(String callId, String text) {
        fire(callId, new ClusterCommand.Say(text));
    }

    @Override
    public void interrupt(String callId) {
        fire(callId, new ClusterCommand.Interrupt());
    }

    @Override
    public void switchLanguage(String callId, String ttsLanguage, String transcriptionLanguage) {
        fire(callId, new ClusterCommand.SwitchLanguage(ttsLanguage, transcriptionLanguage));
    }

    @Override
    public void setInterruptible(String callId, boolean interruptible) {
        fire(callId, new ClusterCommand.SetInterruptible(interruptible));
    }

    @Override
    public void end(String callId, String reason, boolean handToHuman) {
        fire(callId, new ClusterCommand.End(reason, handToHuman));
    }

    @Override
    public void takeOver(String callId) {
        fire(callId, new ClusterCommand.TakeOver());
    }

    @Override
    public void release(String callId) {
        fire(callId, new ClusterCommand.Release());
    }

    @Override
    public void whisper(String callId, String guidance) {
        fire(callId, new ClusterCommand.Whisper(guidance));
    }

    /**
     * Acknowledged where the call is: on its owner (any node), recorded there as
     * ALERT_ACKNOWLEDGED with this control's operator, and seen by every console from the call's events.
     */
    @Override
    public boolean acknowledgeAlert(String callId, long alertSeq) {
        fire(callId, new ClusterCommand.AcknowledgeAlert(alertSeq));
        return true;
    }

    /** The rules apply on this node at once and on every node of the cluster (published in Redis). */
    @Override
    public boolean alertRules(List<AlertRule> rules) {
        return node.publishAlertRules(rules);
    }

    @Override
    public CallControl operatedBy(String other) {
        if (other == null || other.isBlank()) {
            throw new IllegalArgumentException("an operator name is required");
        }
        return new ClusterCallControl(node, local, other);
    }
}
