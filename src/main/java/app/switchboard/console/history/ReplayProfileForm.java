package app.switchboard.console.history;

import app.switchboard.replay.ReplayProfile;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The replay window's candidate profile as editable fields, and the conversion both ways. FX thread only. */
public final class ReplayProfileForm {

    private final StringProperty name = new SimpleStringProperty(this, "name", "candidate");
    private final StringProperty systemPrompt = new SimpleStringProperty(this, "systemPrompt", "");
    private final StringProperty model = new SimpleStringProperty(this, "model", "");
    private final StringProperty baseUrl = new SimpleStringProperty(this, "baseUrl", "");
    private final StringProperty temperature = new SimpleStringProperty(this, "temperature", "");
    private final BooleanProperty tools = new SimpleBooleanProperty(this, "tools", true);
    private final IntegerProperty concurrency = new SimpleIntegerProperty(this, "concurrency",
            ReplayProfile.DEFAULT_CONCURRENCY);

    /** The fields as a profile; IllegalArgumentException names the field that is wrong. */
    ReplayProfile profile() {
        Double temp = null;
        String t = temperature.get() == null ? "" : temperature.get().strip();
        if (!t.isEmpty()) {
            try {
                temp = Double.parseDouble(t.replace(',', '.'));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("temperature must be a number between 0 and 2, was \"" + t + "\"");
            }
        }
        return new ReplayProfile(blankToNull(name.get()), systemPrompt.get(), blankToNull(model.get()),
                blankToNull(baseUrl.get()), temp, tools.get(), concurrency.get(), null, null);
    }

    /** Fills the fields from a profile. */
    void show(ReplayProfile p) {
        name.set(p.name() == null ? "" : p.name());
        systemPrompt.set(p.systemPrompt());
        model.set(p.model() == null ? "" : p.model());
        baseUrl.set(p.baseUrl() == null ? "" : p.baseUrl());
        temperature.set(p.temperature() == null ? "" : Double.toString(p.temperature()));
        tools.set(p.toolsOn());
        concurrency.set(p.concurrencyLimit());
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty systemPromptProperty() {
        return systemPrompt;
    }

    public StringProperty modelProperty() {
        return model;
    }

    public StringProperty baseUrlProperty() {
        return baseUrl;
    }

    public StringProperty temperatureProperty() {
        return temperature;
    }

    public BooleanProperty toolsProperty() {
        return tools;
    }

    public IntegerProperty concurrencyProperty() {
        return concurrency;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
