package app.switchboard.console.settings;

import static app.switchboard.console.settings.SettingsViewModel.blankToNull;
import static app.switchboard.console.settings.SettingsViewModel.orEmpty;

import app.switchboard.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The settings dialog's voice section: what the TwiML asks of ConversationRelay (greeting,
 * language, speech providers, interruption, DTMF, partial prompts) and the switchable languages.
 */
final class VoiceSettingsForm {

    private static final Pattern LANGUAGE_CODE = Pattern.compile("multi|[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    final StringProperty welcomeGreeting = new SimpleStringProperty(this, "welcomeGreeting");
    final StringProperty language = new SimpleStringProperty(this, "language");
    final StringProperty ttsProvider = new SimpleStringProperty(this, "ttsProvider");
    final StringProperty voice = new SimpleStringProperty(this, "voice");
    final StringProperty transcriptionProvider = new SimpleStringProperty(this, "transcriptionProvider");
    final StringProperty speechModel = new SimpleStringProperty(this, "speechModel");
    final StringProperty interruptible = new SimpleStringProperty(this, "interruptible");
    final BooleanProperty dtmfDetection = new SimpleBooleanProperty(this, "dtmfDetection");
    final BooleanProperty partialPrompts = new SimpleBooleanProperty(this, "partialPrompts");
    final StringProperty languages = new SimpleStringProperty(this, "languages");

    void load(Settings s) {
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
        languages.set(String.join(", ", s.languageCodes()));
    }

    /**
     * Writes the fields into {@code s}; adds what is wrong to {@code errors}. {@code before}'s
     * languages keep their provider choices.
     */
    void writeInto(Settings s, Settings before, List<String> errors) {
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
        t.languages = languageOptions(before, errors);
    }

    /** Keeps each listed code's existing provider choices; new codes start with none. */
    private List<Settings.LanguageOption> languageOptions(Settings before, List<String> errors) {
        Map<String, Settings.LanguageOption> existing = new LinkedHashMap<>();
        if (before.twiml.languages != null) {
            before.twiml.languages.forEach(l -> existing.put(l.code(), l));
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
}
