package app.switchboard.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Profiles saved from the console as files the command line reads too. */
class ReplayProfilesTest {

    @TempDir
    Path config;

    @Test
    void aSavedProfileLoadsEqualAndIsAFileTheCommandLineReads() throws Exception {
        ReplayProfiles profiles = new ReplayProfiles(config);
        ReplayProfile p = new ReplayProfile("shorter goodbyes", "Be brief.", "candidate-model", "http://127.0.0.1:1/v1",
                0.2, false, 3, null, List.of("es-ES"));

        String saved = profiles.save(p);

        assertEquals("shorter goodbyes", saved);
        assertEquals(List.of("shorter goodbyes"), profiles.names());
        assertEquals(p, profiles.load("shorter goodbyes"));
        Path file = config.resolve("replay-profiles").resolve("shorter goodbyes.json");
        assertEquals(p, ReplayProfile.load(file));
        assertTrue(!Files.readString(file).contains("firstTokenTimeoutMs"), "unset fields are left out");
    }

    @Test
    void aNameNeverLeavesTheProfilesFolder() throws Exception {
        ReplayProfiles profiles = new ReplayProfiles(config);
        String saved = profiles.save(new ReplayProfile("../../etc/x", "Be brief.", null, null, null, null, null, null, null));

        assertEquals("-..-etc-x", saved);
        assertTrue(Files.exists(config.resolve("replay-profiles").resolve("-..-etc-x.json")));
        assertThrows(IllegalArgumentException.class,
                () -> profiles.save(new ReplayProfile("  ", "Be brief.", null, null, null, null, null, null, null)));
    }
}
