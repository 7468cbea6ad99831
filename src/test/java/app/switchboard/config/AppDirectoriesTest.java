package app.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the files go on each platform, from an injected OS name and environment. */
class AppDirectoriesTest {

    private static final Path HOME = Path.of("/home/ada");

    @Test
    void linuxWithoutXdgVariablesUsesTheSpecDefaultsUnderHome() {
        assertEquals(new AppDirectories(Path.of("/home/ada/.config/switchboard"),
                        Path.of("/home/ada/.local/share/switchboard"), Path.of("/home/ada/.local/state/switchboard")),
                AppDirectories.resolve(Map.of(), "Linux", HOME));
    }

    @Test
    void linuxFollowsTheXdgVariables() {
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", "/xdg/config", "XDG_DATA_HOME", "/xdg/data",
                "XDG_STATE_HOME", "/xdg/state");
        assertEquals(new AppDirectories(Path.of("/xdg/config/switchboard"), Path.of("/xdg/data/switchboard"),
                Path.of("/xdg/state/switchboard")), AppDirectories.resolve(env, "Linux", HOME));
    }

    @Test
    void linuxIgnoresEmptyAndRelativeXdgVariables() {
        // The XDG spec: "If an implementation encounters a relative path in any of these
        // variables it should consider the path invalid and ignore it."
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", "", "XDG_DATA_HOME", "relative/data",
                "XDG_STATE_HOME", "  ");
        assertEquals(AppDirectories.resolve(Map.of(), "Linux", HOME), AppDirectories.resolve(env, "Linux", HOME));
    }

    @Test
    void otherUnixLikeSystemsUseXdgToo() {
        assertEquals(AppDirectories.resolve(Map.of(), "Linux", HOME), AppDirectories.resolve(Map.of(), "FreeBSD", HOME));
    }

    @Test
    void macOsUsesApplicationSupportAndLogs() {
        Path mac = Path.of("/Users/ada");
        Path support = Path.of("/Users/ada/Library/Application Support/Switchboard");
        assertEquals(new AppDirectories(support, support, Path.of("/Users/ada/Library/Logs/Switchboard")),
                AppDirectories.resolve(Map.of("XDG_CONFIG_HOME", "/ignored/on/mac"), "Mac OS X", mac));
    }

    @Test
    void windowsUsesRoamingAppDataForSettingsAndLocalAppDataForTheRest() {
        Map<String, String> env = Map.of("APPDATA", "/profiles/ada/Roaming", "LOCALAPPDATA", "/profiles/ada/Local");
        assertEquals(new AppDirectories(Path.of("/profiles/ada/Roaming/Switchboard"), Path.of("/profiles/ada/Local/Switchboard"),
                        Path.of("/profiles/ada/Local/Switchboard/logs")),
                AppDirectories.resolve(env, "Windows 11", HOME));
    }

    @Test
    void windowsWithoutTheVariablesFallsBackToTheProfileFolders() {
        assertEquals(new AppDirectories(Path.of("/home/ada/AppData/Roaming/Switchboard"),
                        Path.of("/home/ada/AppData/Local/Switchboard"), Path.of("/home/ada/AppData/Local/Switchboard/logs")),
                AppDirectories.resolve(Map.of(), "Windows Server 2022", HOME));
    }

    @Test
    void underPutsAllThreeInOneFolder() {
        Path root = Path.of("/tmp/portable");
        assertEquals(new AppDirectories(root.resolve("config"), root.resolve("data"), root.resolve("state")),
                AppDirectories.under(root));
    }
}
