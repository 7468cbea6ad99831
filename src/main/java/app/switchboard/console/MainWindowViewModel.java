package app.switchboard.console;

import app.switchboard.call.ClusterStatus;
import app.switchboard.call.CommandOutcome;
import app.switchboard.call.ConnectionState;
import app.switchboard.call.RelayStatus;
import app.switchboard.console.calls.CallBoard;
import app.switchboard.console.calls.CallListViewModel;
import app.switchboard.console.calls.LiveCall;
import app.switchboard.console.detail.CallDetailViewModel;
import app.switchboard.console.floor.AlertAnnouncer;
import app.switchboard.console.floor.AlertsViewModel;
import app.switchboard.console.floor.FloorViewModel;
import app.switchboard.console.settings.AlertRuleSettings;
import app.switchboard.history.StoreHealth;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The window as a whole: its title and the status bar, read from {@code CallControl.status()}
 * a few times a second, and the list and detail it is made of.
 */
public final class MainWindowViewModel {

    private final ConsoleContext context;
    private final CallBoard board;
    private final CallListViewModel list;
    private final CallDetailViewModel detail;
    private final FloorViewModel floor;
    private final AlertsViewModel alerts;
    private final AlertAnnouncer announcer;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Switchboard");
    private final ReadOnlyStringWrapper relay = new ReadOnlyStringWrapper(this, "relay", "");
    private final ReadOnlyStringWrapper tls = new ReadOnlyStringWrapper(this, "tls", "");
    private final ReadOnlyStringWrapper tlsFull = new ReadOnlyStringWrapper(this, "tlsFull", "");
    private final ReadOnlyStringWrapper signatures = new ReadOnlyStringWrapper(this, "signatures", "");
    private final ReadOnlyBooleanWrapper verified = new ReadOnlyBooleanWrapper(this, "verified", false);
    private final ReadOnlyStringWrapper model = new ReadOnlyStringWrapper(this, "model", "");
    private final ReadOnlyStringWrapper liveCalls = new ReadOnlyStringWrapper(this, "liveCalls", "");
    private final ReadOnlyBooleanWrapper storeDegraded = new ReadOnlyBooleanWrapper(this, "storeDegraded", false);
    private final ReadOnlyStringWrapper storeWarning = new ReadOnlyStringWrapper(this, "storeWarning", "");
    private final ReadOnlyStringWrapper connectionBanner = new ReadOnlyStringWrapper(this, "connectionBanner", "");
    private final ReadOnlyBooleanWrapper disconnected = new ReadOnlyBooleanWrapper(this, "disconnected", false);
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");
    private final ReadOnlyBooleanWrapper noticeShown = new ReadOnlyBooleanWrapper(this, "noticeShown", false);
    private java.time.Instant noticeUntil;
    private final ReadOnlyStringWrapper holdRequest = new ReadOnlyStringWrapper(this, "holdRequest", "");
    /** The call another supervisor asked for (null: no request shown). */
    private String holdRequestCallId;
    private AutoCloseable holdRequestSubscription;
    private AutoCloseable healthSubscription;
    private AutoCloseable connectionSubscription;
    private AutoCloseable outcomeSubscription;

    private static final String HELD_BY = "held by ";

    /** Another supervisor asks for a call this one holds: shown until released or dismissed. */
    void showHoldRequest(app.switchboard.call.HoldRequest request) {
        LiveCall call = board.find(request.callId());
        String from = call == null ? null : call.callerProperty().get();
        String caller = from == null || from.isBlank() ? "" : " (" + from + ")";
        holdRequestCallId = request.callId();
        holdRequest.set(request.requestedBy() + " asks for call " + request.callId() + caller
                + " which you hold. Release it to let them take over.");
    }

    /** Releases the call asked for (the AI has it until the one who asked takes it over). */
    public boolean releaseRequested() {
        String callId = holdRequestCallId;
        dismissHoldRequest();
        if (callId == null) {
            return false;
        }
        return context.calls().releaseIfHolder(callId) == null;
    }

    public void dismissHoldRequest() {
        holdRequestCallId = null;
        holdRequest.set("");
    }

    public ReadOnlyStringProperty holdRequestProperty() {
        return holdRequest.getReadOnlyProperty();
    }

    /** How long a refused command stays in the notice bar. */
    static final java.time.Duration NOTICE_SHOWN_FOR = java.time.Duration.ofSeconds(10);

    public MainWindowViewModel(ConsoleContext context, CallBoard board) {
        this.context = context;
        this.board = board;
        this.list = new CallListViewModel(board, context.calls());
        this.detail = new CallDetailViewModel(context.calls(), context.history(), context.audio());
        detail.callProperty().bind(list.selectedProperty());
        this.floor = FloorViewModel.over(context.calls(), context.history());
        this.alerts = new AlertsViewModel(context.calls(), board);
        board.onBatch(alerts::apply);
        this.announcer = AlertAnnouncer.standard();
        alerts.announcer(announcer);
        alerts.opener(list.selectedProperty()::set);
        // The other supervisors see who has which call open (a remote relay's presence).
        list.selectedProperty().addListener((obs, old, now) -> context.calls().watch(now == null ? null : now.callId()));
        holdRequestSubscription = context.calls().subscribeHoldRequests(r -> Platform.runLater(() -> showHoldRequest(r)));
        String suffix = context.titleSuffix();
        title.set(suffix == null || suffix.isBlank() ? "Switchboard" : "Switchboard \u2014 " + suffix);
        board.liveCountProperty().addListener((obs, old, now) -> updateLiveCalls());
        refreshStatus();
        if (context.calls().connection().isRemote()) {
            // Changes are rare (a drop, a reconnect); the tick also refreshes the countdown.
            connectionSubscription = context.calls().subscribeConnection(c -> Platform.runLater(this::refreshStatus));
        }
        outcomeSubscription = context.calls().subscribeOutcomes(o -> Platform.runLater(() -> showOutcome(o)));
        if (context.history() != null) {
            // Reported at once, then on the store's writer thread at each change (rare).
            healthSubscription = context.history().onHealthChange(health -> Platform.runLater(() -> showHealth(health)));
        }
    }

    /** The persistent warning: shown while history is not being saved, gone once it is again. */
    void showHealth(StoreHealth health) {
        if (health == null || health.ok()) {
            storeDegraded.set(false);
            storeWarning.set("");
            return;
        }
        String message = health.message() == null || health.message().isBlank()
                ? "Call history is not being saved." : health.message();
        storeWarning.set("\u26a0 " + message);
        storeDegraded.set(true);
    }

    /** A refused command stays visible for a while; an accepted one shows as its event in the call. */
    void showOutcome(CommandOutcome outcome) {
        if (outcome.accepted()) {
            return;
        }
        if (outcome.command().equals("take over") && outcome.reason() != null && outcome.reason().startsWith(HELD_BY)) {
            // Exclusive holds: the call detail names the holder and offers "Ask for it".
            detail.takeOverRefused(outcome.callId(), outcome.reason().substring(HELD_BY.length()));
        }
        String command = outcome.command().isEmpty() ? outcome.command()
                : Character.toUpperCase(outcome.command().charAt(0)) + outcome.command().substring(1);
        notice.set("\u26a0 " + command + " (call " + outcome.callId() + ") was refused: " + outcome.reason());
        noticeShown.set(true);
        noticeUntil = java.time.Instant.now().plus(NOTICE_SHOWN_FOR);
    }

    /**
     * The banner and what depends on the connection: commands off while a remote relay is out of
     * reach, the status bar naming the relay and the signed-in supervisor.
     */
    void applyConnection(ConnectionState connection, java.time.Instant now) {
        applyConnection(connection, context.calls().clusterStatus(), now);
    }

    /** As above, with the cluster's state: its banner shows in the same place while the connection's has nothing to say. */
    void applyConnection(ConnectionState connection, ClusterStatus cluster, java.time.Instant now) {
        detail.connectedProperty().set(connection.canCommand());
        disconnected.set(!connection.canCommand());
        String relayName = connection.relay() == null ? "" : connection.relay();
        String problem = connection.problem() == null || connection.problem().isBlank() ? "" : " (" + connection.problem() + ")";
        connectionBanner.set(switch (connection.phase()) {
            case IN_PROCESS, CONNECTED -> "";
            case CONNECTING -> connection.problem() == null
                    ? "Connecting to relay " + relayName + "\u2026"
                    : "Disconnected from relay " + relayName + " \u2014 reconnecting now\u2026" + problem;
            case DISCONNECTED -> "Disconnected from relay " + relayName + " \u2014 reconnecting in "
                    + secondsUntil(connection.retryAt(), now) + "s\u2026" + problem;
            case REFUSED -> "\u26d4 Not connected to relay " + relayName + ": " + connection.problem();
        });
        if (connectionBanner.get().isEmpty()) {
            connectionBanner.set(clusterBanner(cluster));
        }
        if (connection.isRemote()) {
            relay.set("Relay " + relayName);
            verified.set(connection.supervisor() != null);
            signatures.set(connection.supervisor() != null ? "Supervisor: " + connection.supervisor() : "Not signed in");
            model.set("Model: set on the relay");
        }
        if (noticeUntil != null && now.isAfter(noticeUntil)) {
            noticeUntil = null;
            noticeShown.set(false);
            notice.set("");
        }
    }

    /** The banner while the cluster's bus is unreachable ({@link ClusterStatus#degraded()}); empty otherwise. */
    static String clusterBanner(ClusterStatus cluster) {
        if (cluster == null || !cluster.degraded()) {
            return "";
        }
        String waiting = cluster.eventsWaiting() == 0 ? "" : String.format(" %,d events wait to be published", cluster.eventsWaiting())
                + (cluster.eventsDropped() == 0 ? "." : String.format(" (%,d dropped).", cluster.eventsDropped()));
        return "\u26a0 Cluster bus " + cluster.bus() + " unreachable \u2014 calls on this node go on and are saved here;"
                + " other nodes' calls may be out of date and commands to them are refused." + waiting;
    }

    private static long secondsUntil(java.time.Instant at, java.time.Instant now) {
        if (at == null) {
            return 0;
        }
        long ms = java.time.Duration.between(now, at).toMillis();
        return Math.max(0, (ms + 999) / 1000);
    }

    public ReadOnlyStringProperty connectionBannerProperty() {
        return connectionBanner.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty disconnectedProperty() {
        return disconnected.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty noticeShownProperty() {
        return noticeShown.getReadOnlyProperty();
    }

    /** Stops listening to the store and the connection. */
    public void close() {
        detail.listen().close();
        list.close();
        detail.close();
        floor.close();
        announcer.close();
        for (AutoCloseable s : new AutoCloseable[] {connectionSubscription, outcomeSubscription, holdRequestSubscription}) {
            if (s != null) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // Only a listener removal.
                }
            }
        }
        AutoCloseable subscription = healthSubscription;
        healthSubscription = null;
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception ignored) {
                // Only a listener removal; the store logs its own problems.
            }
        }
    }

    public boolean hasHistory() {
        return context.history() != null;
    }

    public ReadOnlyBooleanProperty storeDegradedProperty() {
        return storeDegraded.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty storeWarningProperty() {
        return storeWarning.getReadOnlyProperty();
    }

    /** Re-reads the relay's status. */
    public void refreshStatus() {
        RelayStatus status = context.calls().status();
        if (status.relayUrl() == null || status.relayUrl().isBlank()) {
            relay.set("Relay not listening");
        } else {
            relay.set("Relay " + status.relayUrl() + (status.port() > 0 && !status.relayUrl().contains(":" + status.port())
                    ? " (port " + status.port() + ")" : ""));
        }
        String fingerprint = status.tlsFingerprint() == null ? "" : status.tlsFingerprint();
        tlsFull.set(fingerprint.isBlank() ? "No TLS certificate reported" : "TLS certificate SHA-256 " + fingerprint);
        tls.set(fingerprint.isBlank() ? "TLS \u2014" : "TLS " + shortFingerprint(fingerprint));
        verified.set(status.signaturesVerified());
        signatures.set(status.signaturesVerified() ? "Twilio signatures verified"
                : "\u26a0 Signatures NOT verified \u2014 set TWILIO_AUTH_TOKEN");
        String modelName = status.model();
        if (modelName == null || modelName.isBlank()) {
            modelName = context.secrets() != null && context.secrets().hasOpenAiKey()
                    ? (context.secrets().openAiModel() != null ? context.secrets().openAiModel() : context.settings().model)
                    : "offline responder";
        }
        model.set("Model: " + modelName);
        applyConnection(context.calls().connection(), java.time.Instant.now());
        updateLiveCalls();
    }

    private void updateLiveCalls() {
        int n = board.liveCountProperty().get();
        liveCalls.set(n == 1 ? "1 live call" : n + " live calls");
    }

    /** The first and last bytes, enough to compare by eye; the full value is in the tooltip. */
    static String shortFingerprint(String fingerprint) {
        String[] parts = fingerprint.split(":");
        if (parts.length <= 6) {
            return fingerprint;
        }
        return parts[0] + ":" + parts[1] + ":" + parts[2] + "\u2026" + parts[parts.length - 3] + ":"
                + parts[parts.length - 2] + ":" + parts[parts.length - 1];
    }

    public CallListViewModel list() {
        return list;
    }

    public CallDetailViewModel detail() {
        return detail;
    }

    /**
     * The settings dialog saved: what applies without a restart is applied (the attention rules,
     * on every live call). A remote relay keeps its own rules; the notice says so.
     */
    public void settingsSaved(app.switchboard.config.Settings saved) {
        if (!context.calls().alertRules(AlertRuleSettings.toRules(saved.attentionRules))) {
            notice.set("\u26a0 The attention rules were saved here, but the relay this console is connected to keeps its own.");
            noticeShown.set(true);
            noticeUntil = java.time.Instant.now().plus(NOTICE_SHOWN_FOR);
        }
    }

    /** The unacknowledged alerts, for the alert banner. */
    public AlertsViewModel alerts() {
        return alerts;
    }

    /** The floor band's figures; refreshed once per console tick. */
    public FloorViewModel floor() {
        return floor;
    }

    public ConsoleContext context() {
        return context;
    }

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty relayProperty() {
        return relay.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty tlsProperty() {
        return tls.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty tlsFullProperty() {
        return tlsFull.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty signaturesProperty() {
        return signatures.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty verifiedProperty() {
        return verified.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty modelProperty() {
        return model.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty liveCallsProperty() {
        return liveCalls.getReadOnlyProperty();
    }
}
