package app.switchboard.console.settings;

import static app.switchboard.console.settings.SettingsViewModel.blankToNull;
import static app.switchboard.console.settings.SettingsViewModel.orEmpty;

import app.switchboard.config.Settings;
import java.util.List;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The settings dialog's model section: the chat model, its server, the prompt and the fallback sentence. */
final class ModelSettingsForm {

    final StringProperty model = new SimpleStringProperty(this, "model");
    final StringProperty baseUrl = new SimpleStringProperty(this, "baseUrl");
    final StringProperty systemPrompt = new SimpleStringProperty(this, "systemPrompt");
    final StringProperty fallbackSentence = new SimpleStringProperty(this, "fallbackSentence");

    void load(Settings s) {
        model.set(orEmpty(s.model));
        baseUrl.set(orEmpty(s.baseUrl));
        systemPrompt.set(orEmpty(s.systemPrompt));
        fallbackSentence.set(orEmpty(s.fallbackSentence));
    }

    /** Writes the fields into {@code s}; adds what is wrong to {@code errors}. */
    void writeInto(Settings s, List<String> errors) {
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
    }
}
