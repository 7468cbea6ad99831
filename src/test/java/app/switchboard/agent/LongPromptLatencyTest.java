package app.switchboard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer.Reply;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A long conversation over the real agent path and openai-java against a local server: the time
 * from "request written" to the caller's first text frame must not grow once the request body
 * passes OkHttp's 8 KiB write size. Before TCP_NODELAY on the client socket, a request written in
 * two segments waited for the server's delayed ACK (40 ms on Linux) on every turn past that size.
 *
 * <p>The system prompt is sized so turns 1-20 stay under 8 KiB and turns 60-80 are well past it:
 * with a 10 KiB prompt every turn would cross the size and the two windows would look alike
 * (measured: ~50 ms in both before the fix), so an absolute bound is asserted as well.
 */
class LongPromptLatencyTest {

    private static final int TURNS = 80;

    private FakeOpenAiServer server;
    private OpenAiChatClient llm;
    private AgentHarness harness;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
        llm = new OpenAiChatClient(OpenAiAgentTest.API_KEY, server.baseUrl(), "fake-model", 16);
        llm.warmUp();
        OpenAiAgentTest.warmRequest(llm, server);
        harness = new AgentHarness(llm, AgentSettings.defaults()
                .withProtectedSecrets(List.of(OpenAiAgentTest.API_KEY))
                .withSystemPrompt(systemPrompt(3 * 1024)));
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        llm.close();
        server.close();
    }

    /** Words the answers never use, so the output guard holds nothing back. */
    private static String systemPrompt(int bytes) {
        StringBuilder b = new StringBuilder("You answer phone calls. Reference codes follow.");
        for (int i = 0; b.length() < bytes; i++) {
            b.append(" code").append(Integer.toString(i * 7919, 36)).append(" means tariff").append(i).append('.');
        }
        return b.toString();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void requestToFirstFrameStaysFlatAsTheRequestGrowsPastEightKilobytes() {
        server.script(r -> Reply.tokens("Sure", ", noted", "."));
        AgentHarness.Call call = harness.call();
        for (int turn = 1; turn <= TURNS; turn++) {
            call.say("Question number " + turn + " about my account, please.");
            call.awaitEvent(EventKind.LATENCY, turn);
        }
        List<EventPayload.Latency> latency = call.payloads(EventPayload.Latency.class);
        assertEquals(TURNS, latency.size());
        List<Double> sentToFirstFrame = new ArrayList<>();
        for (EventPayload.Latency e : latency) {
            assertEquals("completed", e.outcome(), e.toString());
            sentToFirstFrame.add(e.sentToFirstFrameMs());
        }
        assertEquals(TURNS, server.requests().size());
        int firstBody = bodyBytes(0);
        int turn20Body = bodyBytes(19);
        int turn60Body = bodyBytes(59);
        int lastBody = bodyBytes(TURNS - 1);
        assertTrue(turn20Body < 7 * 1024 && turn60Body > 10 * 1024,
                "turns 1-20 fit one OkHttp write, turns 60-80 do not: " + turn20Body + ", " + turn60Body);

        double early = median(sentToFirstFrame.subList(0, 20));
        double late = median(sentToFirstFrame.subList(59, 80));
        System.out.printf("sent -> first frame, median ms: turns 1-20 %.2f, turns 60-80 %.2f (bodies %d -> %d bytes)%n",
                early, late, firstBody, lastBody);
        assertTrue(late <= early + 10, "turns 60-80 median " + late + " ms vs turns 1-20 median " + early + " ms");
        assertTrue(late <= 20, "turns 60-80 median " + late + " ms: a request waits for a delayed ACK");
    }

    private int bodyBytes(int request) {
        return server.request(request).body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
