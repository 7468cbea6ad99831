package app.switchboard.console.settings;

import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.console.shared.Appearance;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;

/**
 * The settings dialog's state: an editable copy of {@link Settings}, checked and written to
 * {@code settings.json} with {@link Settings#save} (atomic). Secrets are shown as presence only
 * ({@link Secrets#masked}) and are never written anywhere.
 *
 * <p>Each section of the dialog keeps its fields, how they load and how they are checked in a
 * form of its own ({@link RelaySettingsForm}, {@link ModelSettingsForm}, {@link GeneralSettingsForm},
 * {@link VoiceSettingsForm}, {@link AttentionRulesForm}); this class exposes their properties to
 * the view, saves, and says which changes need a restart.
 */
public final class SettingsViewModel {

    /** Where the relay's TLS certificate comes from. */
    public enum TlsSource {
        SELF_SIGNED("Self-signed (generated once, for local tests)"),
        KEYSTORE("PKCS12 keystore (password from SWITCHBOARD_KEYSTORE_PASSWORD)"),
        PEM("PEM certificate chain and private key");

        private final String label;

        TlsSource(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final Settings original;
    private final AppDirectories directories;
    private final Secrets secrets;

    private final RelaySettingsForm relay = new RelaySettingsForm();
    private final ModelSettingsForm model = new ModelSettingsForm();
    private final GeneralSettingsForm general = new GeneralSettingsForm();
    private final VoiceSettingsForm voice = new VoiceSettingsForm();
    private final AttentionRulesForm attention = new AttentionRulesForm();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private Settings saved;

    public SettingsViewModel(Settings settings, AppDirectories directories, Secrets secrets) {
        this.original = settings.copy();
        this.directories = directories;
        this.secrets = secrets;
        relay.load(original);
        model.load(original);
        general.load(original);
        voice.load(original);
        attention.load(original);
    }

    /** The "Attention rules" table's rows (docs/alerts.md). */
    public javafx.collections.ObservableList<AttentionRuleRow> attentionRules() {
        return attention.rows;
    }

    /** Adds an enabled rule of {@code kind} with its default parameter; returns it for editing. */
    public AttentionRuleRow addAttentionRule(app.switchboard.call.AlertRule.Kind kind) {
        return attention.add(kind);
    }

    public void removeAttentionRule(AttentionRuleRow row) {
        attention.rows.remove(row);
    }

    /**
     * Checks every field; when all are valid, writes {@code settings.json} atomically and
     * returns true. Otherwise nothing is written and {@link #messageProperty()} says what is wrong.
     */
    public boolean save() {
        List<String> errors = new ArrayList<>();
        Settings s = original.copy();
        // In the dialog's order, so the errors read top to bottom.
        relay.writeInto(s, errors);
        model.writeInto(s, errors);
        general.writeInto(s, errors);
        voice.writeInto(s, original, errors);
        attention.writeInto(s, errors);
        if (!errors.isEmpty()) {
            message.set(String.join("\n", errors));
            return false;
        }
        if (directories == null) {
            message.set("No config directory: settings cannot be saved.");
            return false;
        }
        try {
            s.save(directories.config());
        } catch (Settings.SettingsException e) {
            message.set(e.getMessage());
            return false;
        }
        saved = s;
        List<String> restart = needRestart(original, s);
        message.set("Saved to " + directories.config().resolve(Settings.FILE_NAME) + ". "
                + (restart.isEmpty() ? "Everything applies now: to new calls, and to live calls from their next answer (attention rules at once)."
                : "Applied now, except " + String.join(", ", restart) + ": restart Switchboard for "
                + (restart.size() == 1 ? "that." : "those.")));
        return true;
    }

    /**
     * The settings only read when the relay starts (it listens, loads its certificate and sets up
     * its languages and supervisor API once); everything else applies without a restart.
     */
    public static final List<String> RESTART_SETTINGS = List.of("port", "public URL", "TLS certificate",
            "switchable languages", "application reconnect", "hold grace");

    /** Which of {@link #RESTART_SETTINGS} differ between {@code before} and {@code after}. */
    static List<String> needRestart(Settings before, Settings after) {
        List<String> changed = new ArrayList<>();
        if (before.port != after.port) {
            changed.add("port");
        }
        if (!java.util.Objects.equals(before.publicUrl, after.publicUrl)) {
            changed.add("public URL");
        }
        if (!java.util.Objects.equals(before.keystore, after.keystore)
                || !java.util.Objects.equals(before.certificate, after.certificate)
                || !java.util.Objects.equals(before.privateKey, after.privateKey)) {
            changed.add("TLS certificate");
        }
        if (!before.languageCodes().equals(after.languageCodes())) {
            changed.add("switchable languages");
        }
        if (before.applicationReconnect != after.applicationReconnect) {
            changed.add("application reconnect");
        }
        if (before.holdGraceSeconds != after.holdGraceSeconds) {
            changed.add("hold grace");
        }
        return changed;
    }

    /** The settings as last saved by this dialog, or null. */
    public Settings saved() {
        return saved;
    }

    public String openAiKeyPresence() {
        return secrets == null || secrets.openAiApiKey() == null ? "not set (offline responder answers calls)"
                : "set " + Secrets.masked(secrets.openAiApiKey());
    }

    public String twilioTokenPresence() {
        return secrets == null || secrets.twilioAuthToken() == null
                ? "not set \u2014 signatures are NOT verified" : "set " + Secrets.masked(secrets.twilioAuthToken());
    }

    public String keystorePasswordPresence() {
        return secrets == null || secrets.keystorePassword() == null ? "not set" : "set " + Secrets.masked(secrets.keystorePassword());
    }

    public String configFile() {
        return directories == null ? "(none)" : directories.config().resolve(Settings.FILE_NAME).toString();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public StringProperty portProperty() {
        return relay.port;
    }

    public StringProperty publicUrlProperty() {
        return relay.publicUrl;
    }

    public ObjectProperty<TlsSource> tlsSourceProperty() {
        return relay.tlsSource;
    }

    public StringProperty keystoreProperty() {
        return relay.keystore;
    }

    public StringProperty certificateProperty() {
        return relay.certificate;
    }

    public StringProperty privateKeyProperty() {
        return relay.privateKey;
    }

    public StringProperty modelProperty() {
        return model.model;
    }

    public StringProperty baseUrlProperty() {
        return model.baseUrl;
    }

    public StringProperty systemPromptProperty() {
        return model.systemPrompt;
    }

    public StringProperty welcomeGreetingProperty() {
        return voice.welcomeGreeting;
    }

    public StringProperty languageProperty() {
        return voice.language;
    }

    public StringProperty ttsProviderProperty() {
        return voice.ttsProvider;
    }

    public StringProperty voiceProperty() {
        return voice.voice;
    }

    public StringProperty transcriptionProviderProperty() {
        return voice.transcriptionProvider;
    }

    public StringProperty speechModelProperty() {
        return voice.speechModel;
    }

    public StringProperty interruptibleProperty() {
        return voice.interruptible;
    }

    public BooleanProperty dtmfDetectionProperty() {
        return voice.dtmfDetection;
    }

    public BooleanProperty partialPromptsProperty() {
        return voice.partialPrompts;
    }

    /** Twilio reconnects a dropped relay socket and the call resumes (docs/reconnect.md). */
    public BooleanProperty applicationReconnectProperty() {
        return general.applicationReconnect;
    }

    /** Twilio records each call, both sides; the audio stays in the Twilio account (README, "Recording"). */
    public BooleanProperty recordCallsProperty() {
        return general.recordCalls;
    }

    /** Twilio streams each call's audio to the relay so a supervisor can listen (docs/live-audio.md). */
    public BooleanProperty listenToCallsProperty() {
        return general.listenToCalls;
    }

    public StringProperty languagesProperty() {
        return voice.languages;
    }

    public StringProperty fallbackSentenceProperty() {
        return model.fallbackSentence;
    }

    /** The dark theme (applied to the console's windows when saved). */
    public BooleanProperty darkThemeProperty() {
        return general.darkTheme;
    }

    /** Text size in percent, {@link Appearance#MIN_PERCENT} to {@link Appearance#MAX_PERCENT}. */
    public ObjectProperty<Integer> textSizePercentProperty() {
        return general.textSizePercent;
    }

    /** The sizes the dialog offers. */
    public static List<Integer> textSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (int p = Appearance.MIN_PERCENT; p <= Appearance.MAX_PERCENT; p += Appearance.STEP_PERCENT) {
            sizes.add(p);
        }
        return sizes;
    }

    /** Days of call history to keep; 0 keeps everything. */
    public StringProperty retentionDaysProperty() {
        return general.retentionDays;
    }

    public StringProperty handoffNumberProperty() {
        return general.handoffNumber;
    }

    /** The embedded console's name in the audit trail and on its holds; empty: the OS user. */
    public StringProperty supervisorNameProperty() {
        return general.supervisorName;
    }

    public StringProperty holdGraceSecondsProperty() {
        return general.holdGraceSeconds;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

}
