package app.switchboard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer.Raw;
import app.switchboard.agent.FakeOpenAiServer.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client reads the event stream itself: chunks shaped as servers really send them (fields in
 * any order, other choices, multi-line data, comments), and errors reported inside the stream.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenAiStreamReadingTest {

    private FakeOpenAiServer server;
    private OpenAiChatClient llm;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
        llm = new OpenAiChatClient(OpenAiAgentTest.API_KEY, server.baseUrl(), "fake-model", 4);
    }

    @AfterEach
    void stop() throws Exception {
        llm.close();
        server.close();
    }

    private static final class Collected implements LlmClient.Listener {
        final List<String> tokens = new CopyOnWriteArrayList<>();
        final List<LlmClient.ToolCall> calls = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();

        @Override
        public void onToken(String token) {
            tokens.add(token);
        }

        @Override
        public void onToolCall(LlmClient.ToolCall call) {
            calls.add(call);
        }

        @Override
        public void onComplete() {
            ended.complete(null);
        }

        @Override
        public void onError(Throwable failure) {
            ended.complete(failure);
        }
    }

    private Collected ask() throws Exception {
        Collected c = new Collected();
        llm.stream(LlmClient.Request.of(List.of(ChatMessage.user("hello"))), c);
        c.ended.get(20, TimeUnit.SECONDS);
        return c;
    }

    @Test
    void onlyChoiceZeroIsSpokenWhateverTheFieldOrder() throws Exception {
        server.script(r -> Reply.stream(
                new Raw(": keep-alive\n\n"),
                new Raw("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\",\"role\":\"assistant\"},\"index\":0,"
                        + "\"finish_reason\":null}],\"id\":\"x\",\"usage\":null}\n\n"),
                new Raw("data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"}}]}\n\n"),
                new Raw("data: {\"choices\":[{\"index\":0,\n"
                        + "data: \"delta\":{\"content\":\"lo\",\"tool_calls\":[{\"function\":{\"arguments\":\"{}\","
                        + "\"name\":\"end_call\"},\"id\":\"call_1\",\"index\":0,\"type\":\"function\"}]}}]}\n\n"),
                new Raw("data: {\"choices\":[{\"finish_reason\":\"tool_calls\",\"index\":0,\"delta\":{}}]}\n\n"),
                new Raw("data: [DONE]\n\n")));
        Collected c = ask();

        assertEquals(null, c.ended.get());
        assertEquals(List.of("Hel", "lo"), c.tokens);
        assertEquals(List.of(new LlmClient.ToolCall("call_1", "end_call", "{}")), c.calls);
    }

    @Test
    void anErrorEventInTheStreamFailsTheAnswer() throws Exception {
        server.script(r -> Reply.stream(
                new FakeOpenAiServer.Token("Par"),
                new Raw("event: error\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n")));
        Collected c = ask();

        Throwable failure = c.ended.get();
        assertTrue(failure instanceof OpenAiChatClient.LlmException, String.valueOf(failure));
        assertTrue(failure.getMessage().startsWith("stream error: ") && failure.getMessage().contains("overloaded"),
                failure.getMessage());
        assertEquals(0, llm.openResponses());
    }

    @Test
    void aStreamThatEndsWithoutAFinishReasonIsCut() throws Exception {
        server.script(r -> Reply.stream(new FakeOpenAiServer.Token("Half"), new Raw("data: [DONE]\n\n")));
        Collected c = ask();

        Throwable failure = c.ended.get();
        assertTrue(failure != null && failure.getMessage().startsWith("stream cut"), String.valueOf(failure));
        assertEquals(List.of("Half"), c.tokens);
    }
}
