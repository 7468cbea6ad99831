package app.switchboard.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's settings, stored as {@code settings.json} in the config directory. Every field
 * has a default, so a missing or partial file works; unknown fields are ignored so an older
 * version can read a newer file. Secrets are never here (see {@link Secrets}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class Settings {

    public static final String FILE_NAME = "settings.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Relay port; 0 picks a free one. */
    public int port = 8443;
    /** Interface to bind; a TLS-terminating tunnel on this machine needs only loopback. */
    public String host = "127.0.0.1";
    /** The public origin Twilio uses (https://host[/prefix]); signatures are checked against it. */
    public String publicUrl;
    /** PKCS12 keystore; its password comes from SWITCHBOARD_KEYSTORE_PASSWORD. */
    public String keystore;
    /** PEM certificate chain and private key, as a certificate authority issues them. */
    public String certificate;
    public String privateKey;

    /** The agent's persona until the user writes their own (the agent's defaults read these too). */
    public static final String DEFAULT_SYSTEM_PROMPT =
            "You are the friendly phone assistant of Acme Telecom. Answer briefly, in plain spoken "
                    + "sentences without lists or markup. Help with bills, payments, opening hours and "
                    + "account questions; for anything else, offer to hand the caller to a person.";
    /** What the caller hears when the model fails or stays silent. */
    public static final String DEFAULT_FALLBACK_SENTENCE =
            "Sorry, I am having trouble right now. Please give me a moment, or ask again.";

    /** Model name; OPENAI_MODEL overrides it. */
    public String model = "gpt-4o-mini";
    /** OpenAI-compatible base URL; OPENAI_BASE_URL overrides it. */
    public String baseUrl;
    public String systemPrompt = DEFAULT_SYSTEM_PROMPT;
    public String fallbackSentence = DEFAULT_FALLBACK_SENTENCE;
    /** The human the agent or supervisor hands calls to (E.164); none: a goodbye and hang up. */
    public String handoffNumber;
    public String goodbyeMessage = "Thank you for calling. Goodbye.";
    /** Pace of the offline responder. */
    public double responderTokensPerSecond = 30;
    public int firstTokenTimeoutMs = 4000;

    public int maxFrameBytes = 64 * 1024;
    /**
     * A socket with no frames for this long is closed. Twilio sends no keepalives and a caller
     * may stay silent for minutes (214 s seen on a live call), so this only catches dead peers.
     */
    public int idleTimeoutSeconds = 900;
    /** Delete calls older than this many days; 0 keeps everything. */
    public int retentionDays;
    /**
     * Inbound frames one relay socket may send per second, sustained, and at once above that
     * (docs/security.md, "Socket limits"); null: the relay's defaults (50 and 200), ten times
     * what Twilio sends. Raised only for synthetic callers that speak without pauses.
     */
    public Double socketFramesPerSecond;
    public Integer socketFrameBurst;

    /**
     * Twilio's application reconnect (docs/reconnect.md): the TwiML asks Twilio to reconnect a
     * socket that drops unexpectedly ({@code applicationReconnect="true"}), and the relay resumes
     * the call on the reconnected socket, also after a restart of the relay. Off by default.
     */
    public boolean applicationReconnect;
    /**
     * Twilio records each call ({@code <Start><Recording>} before {@code <Connect>}, both sides,
     * one channel each); the audio stays in the Twilio account, Switchboard keeps only the
     * recording's SID, status, length and URL. Off by default: callers may have to be told.
     */
    public boolean recordCalls;
    /**
     * With {@link #applicationReconnect}, how long a call whose socket dropped waits for Twilio to
     * reconnect before it ends as it would without it; also how recent a stored call must be for a
     * restarted relay to resume it.
     */
    public int reconnectWaitSeconds = 30;

    /**
     * Live audio (docs/live-audio.md): the voice webhook's TwiML also starts a Media Stream of
     * both tracks to the relay's {@code /media}, so a supervisor can listen to the call. Off by
     * default: Twilio's documentation does not confirm {@code <Start><Stream>} together with
     * ConversationRelay on one call, and it is untested live.
     */
    public boolean listenToCalls;

    /**
     * The name the embedded console's commands are recorded under in the audit trail, and
     * shown to remote supervisors as the holder of a call it took over; unset: the OS user.
     */
    public String supervisorName;
    /**
     * How long a call stays held by a remote supervisor whose console disconnected: back within
     * it, they keep the call; after it, the AI takes the call back (said in the transcript).
     */
    public int holdGraceSeconds = 30;

    /** {@link #supervisorName}, or the OS user when it is not set. */
    public String supervisorDisplayName() {
        return supervisorName == null || supervisorName.isBlank()
                ? System.getProperty("user.name", "unknown") : supervisorName.strip();
    }

    /**
     * The supervisor's attention rules (docs/alerts.md): each fires an alert with its severity.
     * Kinds: {@code phrase} (the caller says one of {@code phrases}, whole words, any case),
     * {@code silence} (no caller prompt and no agent speech for {@code parameter} seconds),
     * {@code barge-ins} ({@code parameter} interruptions), {@code fault} ({@code parameter} model
     * faults the caller heard), {@code duration} (a call longer than {@code parameter} minutes),
     * {@code sentiment} (the caller's rolling sentiment below {@code parameter}, from -1 to 1).
     * Severities: {@code info}, {@code warning}, {@code critical}. Applied to live calls when saved.
     */
    public List<AttentionRule> attentionRules = defaultAttentionRules();

    /** One attention rule as stored; the call model checks it (a rule it cannot read is left out). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AttentionRule(String id, String kind, String severity, boolean enabled, Double parameter,
                                List<String> phrases) {
        public AttentionRule {
            phrases = phrases == null ? List.of() : List.copyOf(phrases);
        }
    }

    /** Words of the built-in "asks for a person" flag, so the default rule fires where it does. */
    public static final List<String> ASKS_FOR_PERSON = List.of("human", "real person", "a person", "someone",
            "manager", "supervisor", "representative", "operator", "agent",
            "humano", "persona", "gerente", "supervisora", "agente");

    /** The defaults match the built-in attention flags (person, barge-ins, faults) plus the timed and mood rules. */
    public static List<AttentionRule> defaultAttentionRules() {
        return new ArrayList<>(List.of(
                new AttentionRule("asks-for-person", "phrase", "warning", true, null, ASKS_FOR_PERSON),
                new AttentionRule("silence", "silence", "info", true, 30.0, List.of()),
                new AttentionRule("barge-ins", "barge-ins", "warning", true, 3.0, List.of()),
                new AttentionRule("model-fault", "fault", "critical", true, 1.0, List.of()),
                new AttentionRule("long-call", "duration", "info", true, 15.0, List.of()),
                new AttentionRule("negative-caller", "sentiment", "warning", true, -0.3, List.of())));
    }

    /** The console's colours: "light" or "dark" (View › Dark theme). */
    public String theme = "light";
    /** The console's text size in percent of the theme's (View › Text size), 90 to 150. */
    public int textSizePercent = 100;

    public TwimlSettings twiml = new TwimlSettings();

    /** The first words of every call until the user writes their own: it says an AI answers. */
    public static final String DEFAULT_WELCOME_GREETING = "Hello, thanks for calling Acme Telecom. You are speaking with "
            + "an AI assistant, and a person can join the call if you need one. How can I help you today?";

    /** Attributes of {@code <ConversationRelay>} and its {@code <Language>} children. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class TwimlSettings {
        /**
         * Said first on every call. It tells callers they are talking to an AI assistant (many
         * jurisdictions require that disclosure, and callers deserve it); edit it in Settings, and
         * keep the disclosure.
         */
        public String welcomeGreeting = DEFAULT_WELCOME_GREETING;
        public String welcomeGreetingInterruptible = "any";
        public String language = "en-US";
        public String ttsLanguage;
        public String transcriptionLanguage;
        public String ttsProvider;
        public String voice;
        public String transcriptionProvider;
        public String speechModel;
        public String interruptible = "any";
        public String interruptSensitivity;
        public Boolean dtmfDetection = true;
        public String reportInputDuringAgentSpeech;
        public Boolean preemptible;
        public Boolean partialPrompts = true;
        public String hints;
        public String debug;
        public String events;
        public String intelligenceService;
        public List<LanguageOption> languages = new ArrayList<>(List.of(
                new LanguageOption("en-US", null, null, null, null),
                new LanguageOption("es-ES", null, null, null, null)));
    }

    /** A {@code <Language>} element: the language it configures and optional provider choices. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LanguageOption(String code, String ttsProvider, String voice,
                                 String transcriptionProvider, String speechModel) {
    }

    /**
     * Relays this console connected to ({@code --connect}, File › Connect to relay…), newest
     * first: the address and the SHA-256 fingerprint of the certificate the supervisor accepted
     * (the pin). Never the token.
     */
    public List<RemoteRelay> remoteRelays = new ArrayList<>();

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RemoteRelay(String url, String fingerprint) {
    }

    /** The pinned fingerprint for this relay address, or null when none was accepted yet. */
    public String pinnedFingerprint(String url) {
        if (remoteRelays == null) {
            return null;
        }
        return remoteRelays.stream().filter(r -> r.url() != null && r.url().equals(url))
                .map(RemoteRelay::fingerprint).findFirst().orElse(null);
    }

    /** Remembers (or re-pins) a relay, first in the list. */
    public void rememberRelay(String url, String fingerprint) {
        List<RemoteRelay> list = new ArrayList<>();
        list.add(new RemoteRelay(url, fingerprint));
        if (remoteRelays != null) {
            remoteRelays.stream().filter(r -> r.url() != null && !r.url().equals(url)).forEach(list::add);
        }
        remoteRelays = list;
    }

    public List<String> languageCodes() {
        List<String> codes = new ArrayList<>();
        if (twiml.languages != null) {
            twiml.languages.forEach(l -> codes.add(l.code()));
        }
        if (codes.isEmpty() && twiml.language != null) {
            codes.add(twiml.language);
        }
        return codes;
    }

    public static Settings load(Path configDir) {
        Path file = configDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new Settings();
        }
        try {
            return JSON.readValue(file.toFile(), Settings.class);
        } catch (IOException e) {
            throw new SettingsException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes to a temporary file and moves it into place, so a crash never leaves half a file. */
    public void save(Path configDir) {
        Path tmp = null;
        try {
            Files.createDirectories(configDir);
            Path file = configDir.resolve(FILE_NAME);
            tmp = Files.createTempFile(configDir, FILE_NAME, ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // A failed write or move must not leave a half-written temporary file beside the settings.
            deleteQuietly(tmp, e);
            throw new SettingsException("Cannot write settings to " + configDir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path tmp, IOException failure) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    public Settings copy() {
        return JSON.convertValue(JSON.valueToTree(this), Settings.class);
    }

    public static final class SettingsException extends RuntimeException {
        public SettingsException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
