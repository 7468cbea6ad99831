package app.switchboard.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What Help › About shows: the version from the jar's manifest and the bundled software with its
 * licences, read from {@link #LICENSES} (written by {@code installer/ThirdPartyLicenses.java}).
 */
public final class AboutInfo {

    public static final String LICENSES = "/about/third-party-licenses.tsv";

    /** One bundled library. */
    public record Component(String artifact, String version, String licence, String licenceUrl) {
    }

    private AboutInfo() {
    }

    /** "0.1.0" from the manifest of the jar the console runs from; a run from classes says so. */
    public static String version() {
        String v = AboutInfo.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    public static List<Component> components() {
        try (InputStream in = AboutInfo.class.getResourceAsStream(LICENSES)) {
            if (in == null) {
                return List.of();
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Component> parse(List<String> lines) {
        List<Component> components = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            components.add(new Component(f[0], f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : "", f.length > 3 ? f[3] : ""));
        }
        return components;
    }

    /** The licence list as plain text, one library a line, for the dialog and a copy to the clipboard. */
    public static String licenceText(List<Component> components) {
        StringBuilder text = new StringBuilder();
        for (Component c : components) {
            text.append(c.artifact()).append(' ').append(c.version()).append(" \u2014 ").append(c.licence());
            if (!c.licenceUrl().isBlank()) {
                text.append(" (").append(c.licenceUrl()).append(')');
            }
            text.append('\n');
        }
        return text.toString();
    }
}
