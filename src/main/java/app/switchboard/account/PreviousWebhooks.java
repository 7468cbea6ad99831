package app.switchboard.account;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each number's voice webhook was before it was pointed at this relay, so it can be put
 * back, also after a restart: kept in a small JSON file in the data directory (written whole,
 * then moved into place). Without a file it lives for the session only.
 */
public final class PreviousWebhooks {

    public static final String FILE_NAME = "twilio-previous-webhooks.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, VoiceWebhook> byNumberSid = new LinkedHashMap<>();

    private PreviousWebhooks(Path file) {
        this.file = file;
    }

    public static PreviousWebhooks inMemory() {
        return new PreviousWebhooks(null);
    }

    /** Loads {@code dataDir/}{@value #FILE_NAME} if it exists. */
    public static PreviousWebhooks in(Path dataDir) {
        PreviousWebhooks memory = new PreviousWebhooks(dataDir.resolve(FILE_NAME));
        if (Files.exists(memory.file)) {
            try {
                memory.byNumberSid.putAll(JSON.readValue(memory.file.toFile(), new TypeReference<Map<String, VoiceWebhook>>() { }));
            } catch (IOException e) {
                throw new UncheckedIOException("Unreadable " + memory.file.getFileName(), e);
            }
        }
        return memory;
    }

    public synchronized Optional<VoiceWebhook> previous(String numberSid) {
        return Optional.ofNullable(byNumberSid.get(numberSid));
    }

    synchronized void remember(String numberSid, VoiceWebhook previous) {
        byNumberSid.put(numberSid, previous);
        save();
    }

    synchronized void forget(String numberSid) {
        if (byNumberSid.remove(numberSid) != null) {
            save();
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(FILE_NAME + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), byNumberSid);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save " + file.getFileName(), e);
        }
    }
}
