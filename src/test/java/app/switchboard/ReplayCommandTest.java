package app.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer;
import app.switchboard.replay.ReplayReport;
import app.switchboard.replay.ReplayRuns;
import app.switchboard.replay.StoredCalls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/** {@code switchboard replay} end to end: a real history file, openai-java against the local model server. */
@Timeout(90)
class ReplayCommandTest {

    @TempDir
    Path dir;

    private FakeOpenAiServer model;
    private Path profile;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        StoredCalls.record(dir.resolve("data"));
        model = new FakeOpenAiServer();
        model.script(StoredCalls::answer);
        profile = StoredCalls.profile(dir, model.baseUrl(), 2);
    }

    @AfterEach
    void tearDown() throws Exception {
        model.close();
    }

    private int replay(String... extra) {
        CommandLine cl = SwitchboardCommand.commandLine(Map.of("OPENAI_API_KEY", "test-key"));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("replay", "--profile", profile.toString(), "--data-dir", dir.toString()));
        args.addAll(List.of(extra));
        return cl.execute(args.toArray(String[]::new));
    }

    @Test
    void exitsZeroWhenNoThresholdIsCrossed() throws Exception {
        Path report = dir.resolve("out.json");

        int code = replay("--calls", "bill", "--report", report.toString(), "--max-guard-trips", "0",
                "--max-faults", "0", "--max-changed-turns", "1");

        assertEquals(0, code, err.toString());
        ReplayReport written = ReplayReport.read(report);
        assertEquals(List.of(StoredCalls.BILL), written.calls().stream().map(ReplayReport.CallResult::callId).toList());
        assertEquals(1, written.summary().turnsChanged());
        assertEquals(written, new ReplayRuns(dir.resolve("data")).open(written.runId()), "the run is stored to reopen");
    }

    @Test
    void exitsNonZeroWhenTheCandidateTripsTheGuardMoreThanAllowed() {
        int code = replay("--calls", "instructions", "--report", dir.resolve("out.json").toString(),
                "--max-guard-trips", "0");

        assertEquals(ReplayCommand.THRESHOLD_CROSSED, code);
        assertTrue(err.toString().contains("guard trips 1 > 0"), err.toString());
    }

    @Test
    void exitsNonZeroWhenMoreFaultsThanAllowed() throws Exception {
        int code = replay("--calls", "*", "--report", dir.resolve("out.json").toString(), "--max-faults", "0");

        assertEquals(ReplayCommand.THRESHOLD_CROSSED, code);
        assertTrue(err.toString().contains("faults 1 > 0"), err + Files.readString(dir.resolve("out.json")));
    }

    @Test
    void searchesByNumber() throws Exception {
        Path report = dir.resolve("out.json");

        assertEquals(0, replay("--calls", "555 123 0002", "--report", report.toString()), err.toString());

        assertEquals(List.of(StoredCalls.REFUND),
                ReplayReport.read(report).calls().stream().map(ReplayReport.CallResult::callId).toList());
    }

    @Test
    void theHtmlReportIsWellFormedAndShowsBothAnswers() throws Exception {
        Path report = dir.resolve("out.html");

        assertEquals(0, replay("--calls", "bill", "--report", report.toString()), err.toString());

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document page = factory.newDocumentBuilder().parse(report.toFile());
        String text = page.getDocumentElement().getTextContent();
        assertTrue(text.contains("Goodbye."), "the original answer");
        assertTrue(text.contains("Bye now, have a good day."), "the candidate answer");
        NodeList removed = page.getElementsByTagName("del");
        NodeList added = page.getElementsByTagName("ins");
        assertEquals("Goodbye.", removed.item(0).getTextContent());
        assertEquals("Bye now, have a good day.", added.item(0).getTextContent());
        assertTrue(Files.readString(report).contains("<style>"), "self-contained");
    }

    @Test
    void readsTheHistoryWhileTheAppHoldsIt() throws Exception {
        Path report = dir.resolve("out.json");
        try (app.switchboard.store.EventStore running = app.switchboard.store.EventStore.open(dir.resolve("data"))) {
            assertEquals(0, replay("--calls", "bill", "--report", report.toString()), err.toString());
        }
        assertEquals(List.of(StoredCalls.BILL),
                ReplayReport.read(report).calls().stream().map(ReplayReport.CallResult::callId).toList());
    }

    @Test
    void aMissingKeyIsAUsageError() {
        CommandLine cl = SwitchboardCommand.commandLine(Map.of());
        cl.setErr(new PrintWriter(err, true));

        int code = cl.execute("replay", "--calls", "*", "--profile", profile.toString(), "--data-dir", dir.toString(),
                "--report", dir.resolve("out.json").toString());

        assertEquals(SwitchboardCommand.USAGE_ERROR, code);
        assertTrue(err.toString().contains("OPENAI_API_KEY"), err.toString());
        assertTrue(Files.notExists(dir.resolve("out.json")));
    }
}
