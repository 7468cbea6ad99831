package app.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path config;

    private List<String> filesIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Settings withPort(int port) {
        Settings s = new Settings();
        s.port = port;
        return s;
    }

    @Test
    void savedSettingsLoadBack() {
        Settings s = withPort(9443);
        s.twiml.welcomeGreeting = "Hi \"there\" & <welcome>";
        s.save(config);
        Settings loaded = Settings.load(config);
        assertEquals(9443, loaded.port);
        assertEquals("Hi \"there\" & <welcome>", loaded.twiml.welcomeGreeting);
    }

    @Test
    void aSaveLeavesOnlyTheSettingsFileBehind() throws Exception {
        withPort(9443).save(config);
        withPort(9444).save(config);
        assertEquals(List.of(Settings.FILE_NAME), filesIn(config), "no temporary file left over");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aSaveThatFailsWhileWritingKeepsThePreviousFileWholeAndLeavesNoTemporaryFile() throws Exception {
        withPort(9443).save(config);
        byte[] before = Files.readAllBytes(config.resolve(Settings.FILE_NAME));

        Settings broken = withPort(9555);
        // Something Jackson cannot write, late in the object: the write fails halfway through.
        ((List) broken.twiml.languages).add(new Object());
        assertThrows(Settings.SettingsException.class, () -> broken.save(config));

        assertArrayEquals(before, Files.readAllBytes(config.resolve(Settings.FILE_NAME)), "the old file is untouched");
        assertEquals(List.of(Settings.FILE_NAME), filesIn(config), "no half-written temporary file left over");
        assertEquals(9443, Settings.load(config).port);
    }

    @Test
    void aSaveThatCannotReplaceTheFileLeavesNoTemporaryFile() throws Exception {
        // A folder in the file's place (non-empty, so it cannot be replaced): the final move fails.
        Files.createDirectories(config.resolve(Settings.FILE_NAME).resolve("occupied"));
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> withPort(9443).save(config));
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
        assertEquals(List.of(Settings.FILE_NAME), filesIn(config), "only the folder that was there");
    }

    @Test
    void noFileMeansDefaults() {
        Settings loaded = Settings.load(config);
        assertEquals(new Settings().port, loaded.port);
        assertEquals(List.of("en-US", "es-ES"), loaded.languageCodes());
    }

    @Test
    void aPartialFileKeepsDefaultsForWhatItDoesNotSayAndIgnoresUnknownFields() throws Exception {
        Files.writeString(config.resolve(Settings.FILE_NAME), "{\"port\": 9443, \"fromANewerVersion\": true}");
        Settings loaded = Settings.load(config);
        assertEquals(9443, loaded.port);
        assertEquals(new Settings().model, loaded.model);
        assertFalse(loaded.recordCalls, "calls are recorded only when the supervisor turns it on");
    }

    @Test
    void aCorruptFileIsAClearErrorNamingItAndIsLeftAsItWas() throws Exception {
        // Settings refuses to start on a damaged file rather than run on defaults and later save
        // over what the user wrote: the file stays exactly as it was for the user to repair.
        Path file = config.resolve(Settings.FILE_NAME);
        byte[] damaged = "{\"port\": 9443, \"publicUrl\": \"https://relay.exa".getBytes(StandardCharsets.UTF_8);
        Files.write(file, damaged);

        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> Settings.load(config));

        assertTrue(e.getMessage().startsWith("Cannot read " + file), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(file), "the user's file is kept as it was");
        assertEquals(List.of(Settings.FILE_NAME), filesIn(config));
    }

    @Test
    void aFileOfTheWrongShapeIsAClearError() throws Exception {
        Files.writeString(config.resolve(Settings.FILE_NAME), "{\"port\": \"not a number\"}");
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> Settings.load(config));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    void theSupervisorsNameIsTheSettingOrElseTheOsUserAndTheGraceDefaultsToThirtySeconds() throws Exception {
        Settings unset = new Settings();
        assertEquals(System.getProperty("user.name"), unset.supervisorDisplayName());
        assertEquals(30, unset.holdGraceSeconds);
        unset.supervisorName = "   ";
        assertEquals(System.getProperty("user.name"), unset.supervisorDisplayName());

        Files.writeString(config.resolve(Settings.FILE_NAME), "{\"supervisorName\": \" Dana \", \"holdGraceSeconds\": 5}");
        Settings set = Settings.load(config);
        assertEquals("Dana", set.supervisorDisplayName());
        assertEquals(5, set.holdGraceSeconds);
    }
}
