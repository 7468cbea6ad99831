package app.switchboard.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** Stored replay runs: one JSON report per run under the data directory's {@code replays/}. */
public final class ReplayRuns {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path dir;

    public ReplayRuns(Path dataDir) {
        this.dir = dataDir.resolve("replays");
    }

    static String newRunId(Instant started) {
        return STAMP.format(started) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public Path store(ReplayReport report) throws IOException {
        Path file = dir.resolve(report.runId() + ".json");
        ReplayReport.writeAtomically(file, report.toJson());
        return file;
    }

    public ReplayReport open(String runId) throws IOException {
        return ReplayReport.read(dir.resolve(runId + ".json"));
    }

    /** Run ids, oldest first. */
    public List<String> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
    }
}
