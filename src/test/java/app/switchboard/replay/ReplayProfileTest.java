package app.switchboard.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayProfileTest {

    @TempDir
    Path dir;

    private ReplayProfile load(String json) throws IOException {
        Path file = dir.resolve("p.json");
        Files.writeString(file, json);
        return ReplayProfile.load(file);
    }

    @Test
    void onlyThePromptIsRequired() throws Exception {
        ReplayProfile p = load("{\"systemPrompt\": \"Be brief.\"}");
        assertTrue(p.toolsOn());
        assertEquals(ReplayProfile.DEFAULT_CONCURRENCY, p.concurrencyLimit());
        assertEquals(10_000, p.firstTokenTimeout());
    }

    @Test
    void aMisspelledFieldIsRefusedRatherThanIgnored() {
        IOException e = assertThrows(IOException.class, () -> load("{\"systemPrompt\": \"x\", \"temprature\": 0.1}"));
        assertTrue(e.getMessage().contains("temprature"), e.getMessage());
    }

    @Test
    void anApiKeyHasNoPlaceInTheFile() {
        assertThrows(IOException.class, () -> load("{\"systemPrompt\": \"x\", \"apiKey\": \"sk-123\"}"));
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheReason() {
        IOException e = assertThrows(IOException.class, () -> load("{\"systemPrompt\": \"x\", \"concurrency\": 0}"));
        assertTrue(e.getMessage().contains("concurrency"), e.getMessage());
        assertThrows(IOException.class, () -> load("{\"systemPrompt\": \"\"}"));
    }
}
