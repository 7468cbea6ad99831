package app.switchboard.console.settings;

import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import app.switchboard.console.shared.Appearance;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The settings dialog's state: an editable copy of {@link Settings}, checked and written to
 * {@code settings.json} with {@link Settings#save} (atomic). Secrets are shown as presence only
 * ({@link Secrets#masked}) and are never written anywhere.
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

    private static final Pattern LANGUAGE_CODE = Pattern.compile("multi|[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private final Settings original;
    private final AppDirectories directories;
    private final Secrets secrets;

    private final StringProperty port = new SimpleStringProperty(this, "port");
    private final StringProperty publicUrl = new SimpleStringProperty(this, "publicUrl");
    private final ObjectProperty<TlsSource> tlsSource = new SimpleObjectProperty<>(this, "tlsSource");
    private final StringProperty keystore = new SimpleStringProperty(this, "keystore");
    private final StringProperty certificate = new SimpleStringProperty(this, "certificate");
    private final StringProperty privateKey = new SimpleStringProperty(this, "privateKey");
    private final StringProperty model = new SimpleStringProperty(this, "model");
    private final StringProperty baseUrl = new SimpleStringProperty(this, "baseUrl");
    private final StringProperty systemPrompt = new SimpleStringProperty(this, "systemPrompt");
    private final StringProperty welcomeGreeting = new SimpleStringProperty(this, "welcomeGreeting");
    private final StringProperty language = new SimpleStringProperty(this, "language");
    private final StringProperty ttsProvider = new SimpleStringProperty(this, "ttsProvider");
    private final StringProperty voice = new SimpleStringProperty(this, "voice");
    private final StringProperty transcriptionProvider = new SimpleStringProperty(this, "transcriptionProvider");
    private final StringProperty speechModel = new SimpleStringProperty(this, "speechModel");
    private final StringProperty interruptible = new SimpleStringProperty(this, "interruptible");
    private final BooleanProperty dtmfDetection = new SimpleBooleanProperty(this, "dtmfDetection");
    private final BooleanProperty partialPrompts = new SimpleBooleanProperty(this, "partialPrompts");
    private final BooleanProperty applicationReconnect = new SimpleBooleanProperty(this, "applicationReconnect");
    private final BooleanProperty recordCalls = new SimpleBooleanProperty(this, "recordCalls");
    private final BooleanProperty listenToCalls = new SimpleBooleanProperty(this, "listenToCalls");
    private final StringProperty languages = new SimpleStringProperty(this, "languages");
    private final StringProperty fallbackSentence = new SimpleStringProperty(this, "fallbackSentence");
    private final StringProperty handoffNumber = new SimpleStringProperty(this, "handoffNumber");
    private final StringProperty supervisorName = new SimpleStringProperty(this, "supervisorName");
    private final StringProperty holdGraceSeconds = new SimpleStringProperty(this, "holdGraceSeconds");
    private final StringProperty retentionDays = new SimpleStringProperty(this, "retentionDays");
    private final BooleanProperty darkTheme = new SimpleBooleanProperty(this, "darkTheme");
    private final ObjectProperty<Integer> textSizePercent = new SimpleObjectProperty<>(this, "textSizePercent");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final javafx.collections.ObservableList<AttentionRuleRow> attentionRules =
            javafx.collections.FXCollections.observableArrayList();
    /** Stored rules of a kind this version does not know: kept as they are, not shown. */
    private final List<Settings.AttentionRule> unknownRules = new ArrayList<>();
    private Settings saved;

    public SettingsViewModel(Settings settings, AppDirectories directories, Secrets secrets) {
        this.original = settings.copy();
        this.directories = directories;
        this.secrets = secrets;
        Settings s = original;
        port.set(Integer.toString(s.port));
        publicUrl.set(orEmpty(s.publicUrl));
        tlsSource.set(s.keystore != null && !s.keystore.isBlank() ? TlsSource.KEYSTORE
                : s.certificate != null && !s.certificate.isBlank() ? TlsSource.PEM : TlsSource.SELF_SIGNED);
        keystore.set(orEmpty(s.keystore));
        certificate.set(orEmpty(s.certificate));
        privateKey.set(orEmpty(s.privateKey));
        model.set(orEmpty(s.model));
        baseUrl.set(orEmpty(s.baseUrl));
        systemPrompt.set(orEmpty(s.systemPrompt));
        fallbackSentence.set(orEmpty(s.fallbackSentence));
        handoffNumber.set(orEmpty(s.handoffNumber));
        supervisorName.set(orEmpty(s.supervisorName));
        holdGraceSeconds.set(Integer.toString(s.holdGraceSeconds));
        retentionDays.set(Integer.toString(s.retentionDays));
        Appearance look = Appearance.of(s);
        darkTheme.set(look.dark());
        textSizePercent.set(look.textPercent());
        Settings.TwimlSettings t = s.twiml;
        welcomeGreeting.set(orEmpty(t.welcomeGreeting));
        language.set(orEmpty(t.language));
        ttsProvider.set(orEmpty(t.ttsProvider));
        voice.set(orEmpty(t.voice));
        transcriptionProvider.set(orEmpty(t.transcriptionProvider));
        speechModel.set(orEmpty(t.speechModel));
        interruptible.set(orEmpty(t.interruptible));
        dtmfDetection.set(Boolean.TRUE.equals(t.dtmfDetection));
        partialPrompts.set(Boolean.TRUE.equals(t.partialPrompts));
        applicationReconnect.set(s.applicationReconnect);
        recordCalls.set(s.recordCalls);
        listenToCalls.set(s.listenToCalls);
        languages.set(String.join(", ", s.languageCodes()));
        if (s.attentionRules != null) {
            for (Settings.AttentionRule rule : s.attentionRules) {
                AttentionRuleRow row = rule == null ? null : AttentionRuleRow.of(rule);
                if (row != null) {
                    attentionRules.add(row);
                } else if (rule != null) {
                    unknownRules.add(rule);
                }
            }
        }
    }

    /** The "Attention rules" table's rows (docs/alerts.md). */
    public javafx.collections.ObservableList<AttentionRuleRow> attentionRules() {
        return attentionRules;
    }

    /** Adds an enabled rule of {@code kind} with its default parameter; returns it for editing. */
    public AttentionRuleRow addAttentionRule(app.switchboard.call.AlertRule.Kind kind) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        attentionRules.forEach(r -> ids.add(r.id()));
        unknownRules.forEach(r -> ids.add(r.id()));
        int n = 1;
        while (ids.contains(kind.key() + "-" + n)) {
            n++;
        }
        AttentionRuleRow row = AttentionRuleRow.fresh(kind.key() + "-" + n, kind);
        attentionRules.add(row);
        return row;
    }

    public void removeAttentionRule(AttentionRuleRow row) {
        attentionRules.remove(row);
    }

    /**
     * Checks every field; when all are valid, writes {@code settings.json} atomically and
     * returns true. Otherwise nothing is written and {@link #messageProperty()} says what is wrong.
     */
    public boolean save() {
        List<String> errors = new ArrayList<>();
        Settings s = original.copy();
        try {
            int p = Integer.parseInt(port.get().strip());
            if (p < 0 || p > 65535) {
                errors.add("Port must be between 0 and 65535 (0 picks a free port).");
            }
            s.port = p;
        } catch (NumberFormatException e) {
            errors.add("Port must be a number between 0 and 65535.");
        }
        String url = blankToNull(publicUrl.get());
        if (url != null) {
            try {
                URI uri = new URI(url);
                if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    errors.add("Public URL must look like https://host[/prefix] (Twilio connects over wss:// to the same host).");
                }
            } catch (URISyntaxException e) {
                errors.add("Public URL is not a valid URL: " + e.getReason());
            }
        }
        s.publicUrl = url;
        TlsSource tls = tlsSource.get() == null ? TlsSource.SELF_SIGNED : tlsSource.get();
        s.keystore = null;
        s.certificate = null;
        s.privateKey = null;
        if (tls == TlsSource.KEYSTORE) {
            s.keystore = blankToNull(keystore.get());
            if (s.keystore == null) {
                errors.add("Choose the PKCS12 keystore file, or pick another TLS source.");
            }
        } else if (tls == TlsSource.PEM) {
            s.certificate = blankToNull(certificate.get());
            s.privateKey = blankToNull(privateKey.get());
            if (s.certificate == null || s.privateKey == null) {
                errors.add("PEM needs both the certificate chain and the private key file.");
            }
        }
        s.model = blankToNull(model.get());
        if (s.model == null) {
            errors.add("Model must not be empty (e.g. gpt-4o-mini).");
        }
        s.baseUrl = blankToNull(baseUrl.get());
        if (s.baseUrl != null && !s.baseUrl.matches("(?i)https?://.+")) {
            errors.add("Base URL must start with http:// or https://.");
        }
        s.systemPrompt = blankToNull(systemPrompt.get());
        if (s.systemPrompt == null) {
            errors.add("System prompt must not be empty.");
        }
        s.fallbackSentence = blankToNull(fallbackSentence.get());
        if (s.fallbackSentence == null) {
            errors.add("Fallback sentence must not be empty: the caller hears it when the model fails.");
        }
        s.handoffNumber = blankToNull(handoffNumber.get());
        if (s.handoffNumber != null && !E164.matcher(s.handoffNumber).matches()) {
            errors.add("Handoff number must be in E.164 form, e.g. +15551234567.");
        }
        s.supervisorName = blankToNull(supervisorName.get());
        try {
            String grace = blankToNull(holdGraceSeconds.get());
            s.holdGraceSeconds = grace == null ? new Settings().holdGraceSeconds : Integer.parseInt(grace.strip());
            if (s.holdGraceSeconds < 0) {
                errors.add("Hold grace: a number of seconds, 0 or more.");
            }
        } catch (NumberFormatException e) {
            errors.add("Hold grace: a number of seconds, 0 or more.");
        }
        try {
            String days = blankToNull(retentionDays.get());
            s.retentionDays = days == null ? 0 : Integer.parseInt(days.strip());
            if (s.retentionDays < 0) {
                errors.add("Keep call history: a number of days, 0 or more (0 keeps everything).");
            }
        } catch (NumberFormatException e) {
            errors.add("Keep call history: a number of days, 0 or more (0 keeps everything).");
        }
        s.theme = darkTheme.get() ? "dark" : "light";
        s.textSizePercent = new Appearance(false, textSizePercent.get() == null ? 100 : textSizePercent.get()).textPercent();
        Settings.TwimlSettings t = s.twiml;
        t.welcomeGreeting = blankToNull(welcomeGreeting.get());
        t.language = blankToNull(language.get());
        if (t.language != null && !LANGUAGE_CODE.matcher(t.language).matches()) {
            errors.add("Default language \u201c" + t.language + "\u201d is not a language code like en-US.");
        }
        t.ttsProvider = blankToNull(ttsProvider.get());
        t.voice = blankToNull(voice.get());
        t.transcriptionProvider = blankToNull(transcriptionProvider.get());
        t.speechModel = blankToNull(speechModel.get());
        t.interruptible = blankToNull(interruptible.get());
        if (t.interruptible != null && !List.of("none", "dtmf", "speech", "any").contains(t.interruptible)) {
            errors.add("Interruptible must be none, dtmf, speech or any.");
        }
        t.dtmfDetection = dtmfDetection.get();
        t.partialPrompts = partialPrompts.get();
        s.applicationReconnect = applicationReconnect.get();
        s.recordCalls = recordCalls.get();
        s.listenToCalls = listenToCalls.get();
        t.languages = languageOptions(errors);
        List<Settings.AttentionRule> rules = new ArrayList<>();
        for (AttentionRuleRow row : attentionRules) {
            Settings.AttentionRule rule = row.toSetting(errors);
            if (rule != null) {
                rules.add(rule);
            }
        }
        rules.addAll(unknownRules);
        s.attentionRules = rules;
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

    /** Keeps each listed code's existing provider choices; new codes start with none. */
    private List<Settings.LanguageOption> languageOptions(List<String> errors) {
        Map<String, Settings.LanguageOption> existing = new LinkedHashMap<>();
        if (original.twiml.languages != null) {
            original.twiml.languages.forEach(l -> existing.put(l.code(), l));
        }
        List<Settings.LanguageOption> result = new ArrayList<>();
        for (String raw : orEmpty(languages.get()).split("[,\\s]+")) {
            String code = raw.strip();
            if (code.isEmpty()) {
                continue;
            }
            if (!LANGUAGE_CODE.matcher(code).matches()) {
                errors.add("\u201c" + code + "\u201d is not a language code like en-US or es-ES.");
                continue;
            }
            if (result.stream().noneMatch(l -> l.code().equalsIgnoreCase(code))) {
                result.add(existing.getOrDefault(code, new Settings.LanguageOption(code, null, null, null, null)));
            }
        }
        if (result.isEmpty()) {
            errors.add("List at least one language the supervisor can switch to.");
        }
        return result;
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
        return port;
    }

    public StringProperty publicUrlProperty() {
        return publicUrl;
    }

    public ObjectProperty<TlsSource> tlsSourceProperty() {
        return tlsSource;
    }

    public StringProperty keystoreProperty() {
        return keystore;
    }

    public StringProperty certificateProperty() {
        return certificate;
    }

    public StringProperty privateKeyProperty() {
        return privateKey;
    }

    public StringProperty modelProperty() {
        return model;
    }

    public StringProperty baseUrlProperty() {
        return baseUrl;
    }

    public StringProperty systemPromptProperty() {
        return systemPrompt;
    }

    public StringProperty welcomeGreetingProperty() {
        return welcomeGreeting;
    }

    public StringProperty languageProperty() {
        return language;
    }

    public StringProperty ttsProviderProperty() {
        return ttsProvider;
    }

    public StringProperty voiceProperty() {
        return voice;
    }

    public StringProperty transcriptionProviderProperty() {
        return transcriptionProvider;
    }

    public StringProperty speechModelProperty() {
        return speechModel;
    }

    public StringProperty interruptibleProperty() {
        return interruptible;
    }

    public BooleanProperty dtmfDetectionProperty() {
        return dtmfDetection;
    }

    public BooleanProperty partialPromptsProperty() {
        return partialPrompts;
    }

    /** Twilio reconnects a dropped relay socket and the call resumes (docs/reconnect.md). */
    public BooleanProperty applicationReconnectProperty() {
        return applicationReconnect;
    }

    /** Twilio records each call, both sides; the audio stays in the Twilio account (README, "Recording"). */
    public BooleanProperty recordCallsProperty() {
        return recordCalls;
    }

    /** Twilio streams each call's audio to the relay so a supervisor can listen (docs/live-audio.md). */
    public BooleanProperty listenToCallsProperty() {
        return listenToCalls;
    }

    public StringProperty languagesProperty() {
        return languages;
    }

    public StringProperty fallbackSentenceProperty() {
        return fallbackSentence;
    }

    /** The dark theme (applied to the console's windows when saved). */
    public BooleanProperty darkThemeProperty() {
        return darkTheme;
    }

    /** Text size in percent, {@link Appearance#MIN_PERCENT} to {@link Appearance#MAX_PERCENT}. */
    public ObjectProperty<Integer> textSizePercentProperty() {
        return textSizePercent;
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
        return retentionDays;
    }

    public StringProperty handoffNumberProperty() {
        return handoffNumber;
    }

    /** The embedded console's name in the audit trail and on its holds; empty: the OS user. */
    public StringProperty supervisorNameProperty() {
        return supervisorName;
    }

    public StringProperty holdGraceSecondsProperty() {
        return holdGraceSeconds;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

}
