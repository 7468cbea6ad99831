package app.switchboard.console.settings;

import static app.switchboard.console.settings.SettingsViewModel.blankToNull;
import static app.switchboard.console.settings.SettingsViewModel.orEmpty;

import app.switchboard.config.Settings;
import app.switchboard.console.shared.Appearance;
import java.util.List;
import java.util.regex.Pattern;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The settings dialog's general section: handoff, supervisor name and holds, history kept,
 * recording and listening, reconnects, and the console's look.
 */
final class GeneralSettingsForm {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    final StringProperty handoffNumber = new SimpleStringProperty(this, "handoffNumber");
    final StringProperty supervisorName = new SimpleStringProperty(this, "supervisorName");
    final StringProperty holdGraceSeconds = new SimpleStringProperty(this, "holdGraceSeconds");
    final StringProperty retentionDays = new SimpleStringProperty(this, "retentionDays");
    final BooleanProperty applicationReconnect = new SimpleBooleanProperty(this, "applicationReconnect");
    final BooleanProperty recordCalls = new SimpleBooleanProperty(this, "recordCalls");
    final BooleanProperty listenToCalls = new SimpleBooleanProperty(this, "listenToCalls");
    final BooleanProperty darkTheme = new SimpleBooleanProperty(this, "darkTheme");
    final ObjectProperty<Integer> textSizePercent = new SimpleObjectProperty<>(this, "textSizePercent");

    void load(Settings s) {
        handoffNumber.set(orEmpty(s.handoffNumber));
        supervisorName.set(orEmpty(s.supervisorName));
        holdGraceSeconds.set(Integer.toString(s.holdGraceSeconds));
        retentionDays.set(Integer.toString(s.retentionDays));
        Appearance look = Appearance.of(s);
        darkTheme.set(look.dark());
        textSizePercent.set(look.textPercent());
        applicationReconnect.set(s.applicationReconnect);
        recordCalls.set(s.recordCalls);
        listenToCalls.set(s.listenToCalls);
    }

    /** Writes the fields into {@code s}; adds what is wrong to {@code errors}. */
    void writeInto(Settings s, List<String> errors) {
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
        s.applicationReconnect = applicationReconnect.get();
        s.recordCalls = recordCalls.get();
        s.listenToCalls = listenToCalls.get();
    }
}
