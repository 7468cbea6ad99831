package app.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark's model server over real HTTP: OpenAI's stream shape, and HTTP answers to bad requests. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModelServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private ModelServer server;

    @BeforeEach
    void start() throws Exception {
        server = ModelServer.start(0, 0, 4);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void streamsChunksShapedLikeOpenAisWithUsageAndDone() throws Exception {
        HttpResponse<String> r = post("/chat/completions", "{\"model\":\"m\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
                + "{\"role\":\"user\",\"content\":\"Question 1-2: hi\"}]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> data = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            }
        }
        assertEquals("[DONE]", data.get(data.size() - 1));
        // role chunk, 4 tokens, finish chunk, usage chunk, [DONE]
        assertEquals(8, data.size(), r.body());
        JsonNode role = JSON.readTree(data.get(0));
        assertEquals("chat.completion.chunk", role.path("object").asText());
        assertEquals("assistant", role.path("choices").get(0).path("delta").path("role").asText());
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            JsonNode chunk = JSON.readTree(data.get(i));
            assertTrue(chunk.path("choices").get(0).path("finish_reason").isNull());
            text.append(chunk.path("choices").get(0).path("delta").path("content").asText());
        }
        assertEquals("stop", JSON.readTree(data.get(5)).path("choices").get(0).path("finish_reason").asText());
        JsonNode usage = JSON.readTree(data.get(6));
        assertEquals(0, usage.path("choices").size());
        assertEquals(4, usage.path("usage").path("completion_tokens").asInt());

        List<ModelServer.Sends> sends = server.drainSends();
        assertEquals(1, sends.size());
        assertEquals("Question 1-2: hi", sends.get(0).user());
        assertEquals(text.toString(), String.join("", sends.get(0).tokens()));
        long[] nanos = sends.get(0).nanos();
        for (int i = 1; i < nanos.length; i++) {
            assertTrue(nanos[i] >= nanos[i - 1] && nanos[0] > 0, "stamped in order of writing");
        }
        assertTrue(server.drainSends().isEmpty(), "drained once");
    }

    @Test
    void answersWithoutStreamingWhenNotAskedTo() throws Exception {
        HttpResponse<String> r = post("/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, r.statusCode());
        JsonNode c = JSON.readTree(r.body());
        assertEquals("chat.completion", c.path("object").asText());
        assertTrue(c.path("choices").get(0).path("message").path("content").asText().endsWith("."));
    }

    @Test
    void refusesWhatARealServerWouldRefuse() throws Exception {
        assertEquals(400, post("/chat/completions", "{not json").statusCode());
        assertEquals(400, post("/chat/completions", "{\"model\":\"m\"}").statusCode());
        assertEquals(404, post("/embeddings", "{}").statusCode());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("invalid_request_error", JSON.readTree(get.body()).path("error").path("type").asText());
        assertEquals(0, server.requests(), "refused requests are not served");
    }
}
