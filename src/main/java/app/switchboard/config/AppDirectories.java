package app.switchboard.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where Switchboard keeps its files, per the platform's conventions: XDG on Linux, Application
 * Support on macOS, AppData on Windows. Never the install location. {@code --data-dir} puts
 * everything under one folder (tests, portable use).
 */
public record AppDirectories(Path config, Path data, Path state) {

    private static final String APP = "switchboard";

    public static AppDirectories forUser() {
        return resolve(System.getenv(), System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")));
    }

    /** All three under one folder. */
    public static AppDirectories under(Path root) {
        return new AppDirectories(root.resolve("config"), root.resolve("data"), root.resolve("state"));
    }

    static AppDirectories resolve(Map<String, String> env, String osName, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            Path roaming = pathOr(env.get("APPDATA"), home.resolve("AppData").resolve("Roaming"));
            Path local = pathOr(env.get("LOCALAPPDATA"), home.resolve("AppData").resolve("Local"));
            return new AppDirectories(roaming.resolve("Switchboard"), local.resolve("Switchboard"),
                    local.resolve("Switchboard").resolve("logs"));
        }
        if (os.contains("mac")) {
            Path support = home.resolve("Library").resolve("Application Support").resolve("Switchboard");
            return new AppDirectories(support, support, home.resolve("Library").resolve("Logs").resolve("Switchboard"));
        }
        return new AppDirectories(
                pathOr(env.get("XDG_CONFIG_HOME"), home.resolve(".config")).resolve(APP),
                pathOr(env.get("XDG_DATA_HOME"), home.resolve(".local").resolve("share")).resolve(APP),
                pathOr(env.get("XDG_STATE_HOME"), home.resolve(".local").resolve("state")).resolve(APP));
    }

    /** An unset, blank or relative value falls back: the XDG spec says relative paths are invalid. */
    private static Path pathOr(String value, Path otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        Path path = Path.of(value);
        return path.isAbsolute() ? path : otherwise;
    }

    public AppDirectories create() {
        try {
            Files.createDirectories(config);
            Files.createDirectories(data);
            Files.createDirectories(state);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot create Switchboard's directories: " + e.getMessage(), e);
        }
        return this;
    }
}
