package app.switchboard.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Saved candidate profiles: one JSON file per profile (the format {@link ReplayProfile#load}
 * reads, so a file saved from the console also works with {@code switchboard replay --profile})
 * under the config directory's {@code replay-profiles/}.
 */
public final class ReplayProfiles {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final Path dir;

    public ReplayProfiles(Path configDir) {
        this.dir = configDir.resolve("replay-profiles");
    }

    /** Saved profile names (file names without {@code .json}), sorted. */
    public List<String> names() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted(String.CASE_INSENSITIVE_ORDER).toList();
        }
    }

    public ReplayProfile load(String name) throws IOException {
        return ReplayProfile.load(file(name));
    }

    /** Saves under the profile's name (made file-safe), whole or not at all; returns the name saved under. */
    public String save(ReplayProfile profile) throws IOException {
        String name = fileName(profile.name());
        ReplayReport.writeAtomically(file(name), JSON.writeValueAsString(profile));
        return name;
    }

    /** Letters, digits, dash, underscore, dot and space; anything else becomes a dash. */
    static String fileName(String name) {
        String cleaned = name == null ? "" : name.strip().replaceAll("[^\\p{L}\\p{N} ._-]", "-");
        cleaned = cleaned.replaceAll("^[.]+", "");
        if (cleaned.isBlank()) {
            throw new IllegalArgumentException("the profile needs a name to be saved");
        }
        return cleaned.length() > 80 ? cleaned.substring(0, 80) : cleaned;
    }

    private Path file(String name) {
        return dir.resolve(fileName(name) + ".json");
    }
}
